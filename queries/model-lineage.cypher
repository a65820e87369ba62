// Every model made from a paper's models, at any depth: fine-tunes, adapters, quantizations and
// merges of them, and of those (from the Hub's base_model tags; `citegraph enrich hub` reads them).
// @param id string  the paper id, or its arXiv id, DOI or OpenAlex id
// @param limit integer = 100  how many
// @columns paper_model, model, relation, depth, downloads, likes
// @example citegraph query model-lineage -p id=2310.04551
CALL () {
  MATCH (p:Paper {id: $id}) RETURN p
  UNION
  MATCH (p:Paper {arxiv_id: $id}) RETURN p
  UNION
  MATCH (p:Paper {doi: toLower($id)}) RETURN p
  UNION
  MATCH (p:Paper {openalex_id: $id}) RETURN p
}
MATCH (p)-[:HAS_ARTIFACT]->(m:Model)
MATCH path = (d:Model)-[:DERIVED_FROM*1..12]->(m)
WITH d, path ORDER BY length(path) ASC
// each model once, under the nearest of the paper's models (relation: its own step)
WITH d, collect(path)[0] AS nearest
RETURN last(nodes(nearest)).id AS paper_model, d.id AS model, relationships(nearest)[0].relation AS relation,
       length(nearest) AS depth, d.downloads AS downloads, d.likes AS likes
ORDER BY depth ASC, downloads DESC, model ASC
LIMIT $limit
