// Pairs of papers that link the same Hub artifact (each pair once per artifact).
// @columns artifact, kind, paper_a, title_a, paper_b, title_b
// @example citegraph query shared-artifacts --format csv
MATCH (a:Paper)-[:HAS_ARTIFACT]->(x)<-[:HAS_ARTIFACT]-(b:Paper)
WHERE a.id < b.id
RETURN x.id AS artifact, [l IN labels(x) WHERE l IN ['Model', 'Dataset', 'Space']][0] AS kind,
       a.id AS paper_a, a.title AS title_a, b.id AS paper_b, b.title AS title_b
ORDER BY artifact ASC, kind ASC, paper_a ASC, paper_b ASC
