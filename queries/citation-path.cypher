// The shortest chain of citations from one paper to another (following CITES forwards; empty when none).
// Among equally short chains, the first by ids is returned.
// @param from string  the citing end: paper id
// @param to string  the cited end: paper id
// @columns hops, path
// @example citegraph query citation-path -p from=doi:10.5555/example.2024.0002 -p to=openalex:W2100000002
MATCH (a:Paper {id: $from}), (b:Paper {id: $to})
CALL (a, b) {
  WITH a, b WHERE a = b
  RETURN 0 AS hops, [a.id] AS path
  UNION
  WITH a, b WHERE a <> b
  MATCH chain = allShortestPaths((a)-[:CITES*..30]->(b))
  RETURN length(chain) AS hops, [n IN nodes(chain) | n.id] AS path
}
RETURN hops, path
ORDER BY hops, path
LIMIT 1
