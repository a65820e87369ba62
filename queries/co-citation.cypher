// Papers cited together with a paper (co-citation): how many papers cite both; a page of them, with the total.
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns paper_id, title, co_citations, total
// @example citegraph query co-citation -p id=2310.15308
CALL () {
  MATCH (p:Paper {id: $id}) RETURN p
  UNION
  MATCH (p:Paper {arxiv_id: $id}) RETURN p
  UNION
  MATCH (p:Paper {doi: toLower($id)}) RETURN p
  UNION
  MATCH (p:Paper {openalex_id: $id}) RETURN p
}
MATCH (p)<-[:CITES]-(c:Paper)-[:CITES]->(o:Paper)
WHERE o <> p
WITH o.id AS paper_id, coalesce(o.title, o.id) AS title, count(DISTINCT c) AS co_citations
ORDER BY co_citations DESC, paper_id ASC
WITH [paper_id, title, co_citations] AS row
WITH collect(row) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
RETURN row[0] AS paper_id, row[1] AS title, row[2] AS co_citations, size(ranked) AS total
