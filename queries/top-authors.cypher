// Authors ranked by their number of papers (ties by name).
// @param limit integer = 10  how many authors
// @columns author, papers
// @example citegraph query top-authors -p limit=5
MATCH (a:Author)-[:AUTHORED]->(p:Paper)
WITH a, count(DISTINCT p) AS papers
RETURN a.name AS author, papers
ORDER BY papers DESC, author ASC
LIMIT $limit
