// Pairs of institutions whose people wrote papers together, by joint papers; each pair once.
// @param limit integer = 10  how many pairs
// @columns institution_a, institution_b, joint_papers
// @example citegraph query institution-collaborations -p limit=20
MATCH (i:Institution)<-[:AFFILIATED_WITH]-(p:Paper)-[:AFFILIATED_WITH]->(j:Institution)
WHERE i.id < j.id
RETURN coalesce(i.name, i.id) AS institution_a, coalesce(j.name, j.id) AS institution_b,
       count(DISTINCT p) AS joint_papers
ORDER BY joint_papers DESC, institution_a ASC, institution_b ASC
LIMIT $limit
