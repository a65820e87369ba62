// A paper card: title, venue, type, authors in order, identifiers and links.
// @param id string  the paper id (OpenReview forum id, arxiv:…, doi:…), or its arXiv id, DOI or OpenAlex id
// @columns id, title, year, venue, conference, type, authors, arxiv_id, doi, openreview_url, hf_paper_url, code, models, datasets, spaces, upvotes
// @example citegraph query paper -p id=rD62RkufYo --format json
CALL () {
  MATCH (p:Paper {id: $id}) RETURN p
  UNION
  MATCH (p:Paper {arxiv_id: $id}) RETURN p
  UNION
  MATCH (p:Paper {doi: toLower($id)}) RETURN p
  UNION
  MATCH (p:Paper {openalex_id: $id}) RETURN p
}
CALL (p) {
  OPTIONAL MATCH (a:Author)-[r:AUTHORED]->(p)
  WITH a, r ORDER BY r.position
  RETURN collect(a.name) AS authors
}
CALL (p) {
  OPTIONAL MATCH (p)-[:PRESENTED_AT]->(v:Venue)
  OPTIONAL MATCH (v)-[:PART_OF]->(c:Conference)
  RETURN coalesce(v.name, v.short_name, v.id) AS venue, c.name AS conference
  ORDER BY venue LIMIT 1
}
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_CODE]->(r:Repository)
  WITH r.url AS url ORDER BY url
  RETURN collect(url) AS code
}
CALL (p) {
  OPTIONAL MATCH (p)-[:HAS_ARTIFACT]->(x)
  WITH x ORDER BY x.id
  RETURN [y IN collect(x) WHERE y:Model | y.id] AS models, [y IN collect(x) WHERE y:Dataset | y.id] AS datasets,
         [y IN collect(x) WHERE y:Space | y.id] AS spaces
}
RETURN p.id AS id, p.title AS title, p.year AS year, venue, conference, p.type AS type, authors,
       p.arxiv_id AS arxiv_id, p.doi AS doi, p.openreview_url AS openreview_url, p.hf_paper_url AS hf_paper_url,
       code, models, datasets, spaces, p.upvotes AS upvotes
ORDER BY id
