// Papers cited together with a paper (co-citation): how many papers cite both.
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @columns paper_id, title, co_citations
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
RETURN o.id AS paper_id, coalesce(o.title, o.id) AS title, count(DISTINCT c) AS co_citations
ORDER BY co_citations DESC, paper_id ASC
