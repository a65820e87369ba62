// The most central authors of the coauthorship graph (run `citegraph analyze coauthorship --write` first).
// @param limit integer = 10  how many authors
// @columns author, pagerank, degree, betweenness, community, component
// @example citegraph query top-pagerank -p limit=5
MATCH (a:Author)
WHERE a.pagerank IS NOT NULL
RETURN a.name AS author, a.pagerank AS pagerank, a.degree AS degree, a.betweenness AS betweenness,
       a.community AS community, a.component AS component
ORDER BY a.pagerank DESC, author ASC
LIMIT $limit
