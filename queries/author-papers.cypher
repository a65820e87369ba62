// An author's papers, newest first: where the author stands in the author list, venue, coauthors.
// @param name author  the author's name
// @columns paper_id, title, year, venue, position, authors
// @example citegraph query author-papers -p "name=Shih-Chii Liu"
MATCH (a:Author {key: $name})-[r:AUTHORED]->(p:Paper)
OPTIONAL MATCH (p)-[:PRESENTED_AT]->(v:Venue)
CALL (p) {
  MATCH (b:Author)-[s:AUTHORED]->(p)
  WITH b, s ORDER BY s.position
  RETURN collect(b.name) AS authors
}
RETURN p.id AS paper_id, p.title AS title, p.year AS year, coalesce(v.short_name, v.id) AS venue,
       r.position AS position, authors
ORDER BY year DESC, title ASC, paper_id ASC
