// An author's papers and coauthors as a graph (for the Neo4j Browser's graph view).
// @param name author  the author's name
// @columns path
// @example citegraph query coauthor-network -p "name=Shih-Chii Liu" --format json
MATCH path = (a:Author {key: $name})-[:AUTHORED]->(:Paper)<-[:AUTHORED]-(:Author)
RETURN path
