// Papers that share references with a paper (bibliographic coupling): how many references in common.
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @columns paper_id, title, shared_references
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
MATCH (p)-[:CITES]->(r:Paper)<-[:CITES]-(o:Paper)
WHERE o <> p
RETURN o.id AS paper_id, coalesce(o.title, o.id) AS title, count(DISTINCT r) AS shared_references
ORDER BY shared_references DESC, paper_id ASC
