// One author at a glance: papers (by title), venues, number of coauthors, linked Hub artifacts.
// @param name author  the author's name
// @columns author, papers, venues, coauthors, artifacts
// @example citegraph query author-profile -p "name=Kohei Nakajima"
MATCH (a:Author {key: $name})
CALL (a) {
  MATCH (a)-[:AUTHORED]->(p:Paper)
  WITH p ORDER BY p.title
  RETURN collect(p.title) AS papers
}
CALL (a) {
  OPTIONAL MATCH (a)-[:AUTHORED]->(:Paper)-[:PRESENTED_AT]->(v:Venue)
  WITH DISTINCT coalesce(v.short_name, v.name, v.id) AS venue ORDER BY venue
  RETURN collect(venue) AS venues
}
CALL (a) {
  OPTIONAL MATCH (a)-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(c:Author)
  WHERE c <> a
  RETURN count(DISTINCT c) AS coauthors
}
CALL (a) {
  OPTIONAL MATCH (a)-[:AUTHORED]->(:Paper)-[:HAS_ARTIFACT]->(x)
  WITH DISTINCT x.id AS artifact ORDER BY artifact
  RETURN collect(artifact) AS artifacts
}
RETURN a.name AS author, papers, venues, coauthors, artifacts
