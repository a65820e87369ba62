// An author's papers, newest first: where the author stands in the author list, venue, coauthors; a page of them, with the total.
// @param name author  the author's name
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns paper_id, title, year, venue, position, authors, total
// @example citegraph query author-papers -p "name=Shih-Chii Liu"
MATCH (a:Author {key: $name})-[r:AUTHORED]->(p:Paper)
WITH p, r.position AS position
ORDER BY p.year DESC, p.title ASC, p.id ASC
WITH collect([p, position]) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
WITH row[0] AS p, row[1] AS position, size(ranked) AS total
OPTIONAL MATCH (p)-[:PRESENTED_AT]->(v:Venue)
CALL (p) {
  MATCH (b:Author)-[s:AUTHORED]->(p)
  WITH b, s ORDER BY s.position
  RETURN collect(b.name) AS authors
}
RETURN p.id AS paper_id, p.title AS title, p.year AS year, coalesce(v.short_name, v.id) AS venue,
       position, authors, total
ORDER BY year DESC, title ASC, paper_id ASC
