// Who cites an author most: authors of citing papers, by citations to the author's papers (self-citations left out).
// @param name author  the cited author's name
// @columns author, citations
// @example citegraph query author-citations -p "name=Fartash Faghri"
MATCH (a:Author {key: $name})-[:AUTHORED]->(cited:Paper)<-[:CITES]-(citing:Paper)<-[:AUTHORED]-(b:Author)
WHERE b <> a
WITH b, count(DISTINCT [citing, cited]) AS citations
RETURN b.name AS author, citations
ORDER BY citations DESC, author ASC
