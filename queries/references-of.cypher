// The papers a paper cites.
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @columns paper_id, title, year
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
RETURN DISTINCT q.id AS paper_id, coalesce(q.title, q.id) AS title, q.year AS year
ORDER BY paper_id ASC
