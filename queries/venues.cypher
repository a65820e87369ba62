// Every venue with its conference, papers, distinct authors and orals.
// @columns venue, name, conference, papers, authors, orals
// @example citegraph query venues
MATCH (v:Venue)<-[r:PRESENTED_AT]-(p:Paper)
OPTIONAL MATCH (v)-[:PART_OF]->(c:Conference)
WITH v, c, count(p) AS papers, sum(CASE WHEN r.type = 'oral' THEN 1 ELSE 0 END) AS orals
CALL (v) {
  MATCH (v)<-[:PRESENTED_AT]-(:Paper)<-[:AUTHORED]-(a:Author)
  RETURN count(DISTINCT a) AS authors
}
RETURN coalesce(v.short_name, v.id) AS venue, v.name AS name, c.name AS conference, papers, authors, orals
ORDER BY papers DESC, venue ASC
