// The people an author has written with, by number of joint papers.
// @param name author  the author's name (any spelling of it: "Faghri, Fartash" works)
// @columns coauthor, joint_papers
// @example citegraph query coauthors -p "name=Fartash Faghri"
MATCH (a:Author {key: $name})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Author)
WHERE c <> a
RETURN c.name AS coauthor, count(DISTINCT p) AS joint_papers
ORDER BY joint_papers DESC, coauthor ASC
