// Hub models, datasets and Spaces linked by the most papers (ties by id).
// @param kind string = null {Model|Dataset|Space}  only this kind (default: all)
// @param limit integer = 10  how many
// @columns artifact, kind, papers
// @example citegraph query top-artifacts -p kind=Model -p limit=5
MATCH (p:Paper)-[:HAS_ARTIFACT]->(x)
WHERE $kind IS NULL OR $kind IN labels(x)
WITH x, count(DISTINCT p) AS papers
RETURN x.id AS artifact, [l IN labels(x) WHERE l IN ['Model', 'Dataset', 'Space']][0] AS kind, papers
ORDER BY papers DESC, artifact ASC, kind ASC
LIMIT $limit
