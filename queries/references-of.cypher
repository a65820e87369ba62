// The papers a paper cites; a page of them, with the total.
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns paper_id, title, year, total
// @example citegraph query references-of -p id=W4390000001
CALL () {
  MATCH (p:Paper {id: $id}) RETURN p
  UNION
  MATCH (p:Paper {arxiv_id: $id}) RETURN p
  UNION
  MATCH (p:Paper {doi: toLower($id)}) RETURN p
  UNION
  MATCH (p:Paper {openalex_id: $id}) RETURN p
}
MATCH (p)-[:CITES]->(q:Paper)
WITH DISTINCT q
WITH q.id AS paper_id, coalesce(q.title, q.id) AS title, q.year AS year
ORDER BY paper_id ASC
WITH [paper_id, title, year] AS row
WITH collect(row) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
RETURN row[0] AS paper_id, row[1] AS title, row[2] AS year, size(ranked) AS total
