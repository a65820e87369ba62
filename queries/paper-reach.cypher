// Papers ranked by what became of their models on the Hub: the models they link and every model
// derived from those (any depth), with the downloads of them all (as read by `citegraph enrich hub`).
// @param limit integer = 10  how many
// @columns paper_id, title, models, derived_models, downloads
// @example citegraph query paper-reach -p limit=5
MATCH (p:Paper)-[:HAS_ARTIFACT]->(m:Model)
OPTIONAL MATCH (d:Model)-[:DERIVED_FROM*1..12]->(m)
WITH p, collect(DISTINCT m) AS own, collect(DISTINCT d) AS derived
WITH p, own, [x IN derived WHERE NOT x IN own] AS derived
RETURN p.id AS paper_id, coalesce(p.title, p.id) AS title, size(own) AS models, size(derived) AS derived_models,
       reduce(total = 0, x IN own + derived | total + coalesce(x.downloads, 0)) AS downloads
ORDER BY downloads DESC, derived_models DESC, paper_id ASC
LIMIT $limit
