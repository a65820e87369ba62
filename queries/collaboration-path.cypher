// The shortest chain of coauthors from one author to another (empty when they are not connected).
// Among equally short chains, the first by names is returned.
// @param from author  where the chain starts
// @param to author  where it ends
// @columns hops, path
// @example citegraph query collaboration-path -p "from=Rishav Mukherji" -p "to=Timo Wunderlich"
MATCH (a:Author {key: $from}), (b:Author {key: $to})
CALL (a, b) {
  WITH a, b WHERE a = b
  RETURN 0 AS hops, [a.name] AS path
  UNION
  WITH a, b WHERE a <> b
  MATCH chain = allShortestPaths((a)-[:AUTHORED*..40]-(b))
  // chains through other joint papers of the same people are one chain of names: named once
  WITH DISTINCT [i IN range(0, length(chain), 2) | nodes(chain)[i]] AS people
  RETURN size(people) - 1 AS hops, [n IN people | n.name] AS path
}
RETURN hops, path
ORDER BY hops, path
LIMIT 1
