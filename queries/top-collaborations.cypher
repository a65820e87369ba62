// The pairs of authors with the most joint papers; each pair once, names in order.
// @param limit integer = 10  how many pairs
// @columns author_a, author_b, joint_papers
// @example citegraph query top-collaborations -p limit=20
MATCH (a:Author)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(b:Author)
WHERE a.name < b.name OR (a.name = b.name AND a.key < b.key)
WITH a, b, count(DISTINCT p) AS joint_papers
RETURN a.name AS author_a, b.name AS author_b, joint_papers
ORDER BY joint_papers DESC, author_a ASC, author_b ASC
LIMIT $limit
