// One author at a glance: papers (the first by title), venues, number of coauthors, linked Hub artifacts.
// The lists are cut to `limit` items (the counts cover all; every paper, a page at a time: author-papers).
// @param name author  the author's name
// @param limit integer = 20  how many paper titles and artifacts to list
// @columns author, paper_count, papers, venues, coauthors, artifact_count, artifacts
// @example citegraph query author-profile -p "name=Kohei Nakajima"
// @example citegraph query author-profile -p "name=Kohei Nakajima" -p limit=100
MATCH (a:Author {key: $name})
CALL (a) {
  MATCH (a)-[:AUTHORED]->(p:Paper)
  WITH p.title AS title ORDER BY title
  // a top-k sort: the most prolific author's answer stays small
  LIMIT $limit
  RETURN collect(title) AS papers
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
  WITH collect(artifact) AS every
  RETURN size(every) AS artifact_count, every[..$limit] AS artifacts
}
// (paper_count is the count every write keeps on the author, as top-authors reads it)
RETURN a.name AS author, coalesce(a.paper_count, 0) AS paper_count, papers, venues, coauthors,
       artifact_count, artifacts
