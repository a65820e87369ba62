// Papers that share references with a paper (bibliographic coupling): how many references in common; a page of them, with the total.
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns paper_id, title, shared_references, total
// @example citegraph query bibliographic-coupling -p id=doi:10.5555/tmlr.2024.0001
CALL () {
  MATCH (p:Paper {id: $id}) RETURN p
  UNION
  MATCH (p:Paper {arxiv_id: $id}) RETURN p
  UNION
  MATCH (p:Paper {doi: toLower($id)}) RETURN p
  UNION
  MATCH (p:Paper {openalex_id: $id}) RETURN p
}
MATCH (p)-[:CITES]->(c:Paper)<-[:CITES]-(o:Paper)
WHERE o <> p
WITH o.id AS paper_id, coalesce(o.title, o.id) AS title, count(DISTINCT c) AS shared_references
ORDER BY shared_references DESC, paper_id ASC
WITH [paper_id, title, shared_references] AS row
WITH collect(row) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
RETURN row[0] AS paper_id, row[1] AS title, row[2] AS shared_references, size(ranked) AS total
