// Authors ranked by their number of papers (ties by name).
// @param limit integer = 10  how many authors
// @columns author, papers
// @example citegraph query top-authors -p limit=5
// (paper_count is kept by every write and indexed: the ranking walks the index from the top)
MATCH (a:Author)
WHERE a.paper_count > 0
RETURN a.name AS author, a.paper_count AS papers
ORDER BY a.paper_count DESC, author ASC
LIMIT $limit
