// Authors ranked by their number of papers (ties by name).
// @param limit integer = 10  how many authors
// @columns author, papers
// @example citegraph query top-authors -p limit=5
// (an author has one AUTHORED per paper, so the degree is the count: no expansion needed)
MATCH (a:Author)
WITH a, COUNT { (a)-[:AUTHORED]->() } AS papers
WHERE papers > 0
RETURN a.name AS author, papers
ORDER BY papers DESC, author ASC
LIMIT $limit
