// Coauthorship communities (from `citegraph analyze coauthorship --write`): size and best-connected members.
// @param limit integer = 10  how many communities
// @param members integer = 5  how many members to name per community
// @columns community, size, members
// @example citegraph query communities -p limit=5 -p members=3
MATCH (a:Author)
WHERE a.community IS NOT NULL
WITH a ORDER BY a.pagerank DESC, a.name ASC
WITH a.community AS community, collect(a.name) AS names
RETURN community, size(names) AS size, names[0..$members] AS members
ORDER BY size DESC, community ASC
LIMIT $limit
