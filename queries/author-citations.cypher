// Who cites an author most: authors of citing papers, by citations to the author's papers (self-citations left out); a page of them, with the total.
// @param name author  the cited author's name
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns author, citations, total
// @example citegraph query author-citations -p "name=Fartash Faghri"
MATCH (a:Author {key: $name})-[:AUTHORED]->(cited:Paper)<-[:CITES]-(citing:Paper)<-[:AUTHORED]-(b:Author)
WHERE b <> a
WITH b, count(DISTINCT [citing, cited]) AS citations
WITH b.name AS author, citations
ORDER BY citations DESC, author ASC
WITH [author, citations] AS row
WITH collect(row) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
RETURN row[0] AS author, row[1] AS citations, size(ranked) AS total
