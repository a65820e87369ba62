// The models trained on a dataset (their Hub cards say so), with the papers that link each model.
// @param id string  the dataset's Hub id, e.g. `HuggingFaceH4/ultrachat_200k`
// @columns model, downloads, papers
// @example citegraph query dataset-users -p id=HuggingFaceH4/ultrachat_200k
MATCH (d:Dataset {id: $id})<-[:TRAINED_ON]-(m:Model)
OPTIONAL MATCH (p:Paper)-[:HAS_ARTIFACT]->(m)
WITH m, collect(DISTINCT p.id) AS papers
RETURN m.id AS model, m.downloads AS downloads, papers
ORDER BY downloads DESC, model ASC
