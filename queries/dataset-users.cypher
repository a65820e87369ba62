// The models trained on a dataset (their Hub cards say so), with the papers that link each model; a page of them, with the total.
// @param id string  the dataset's Hub id, e.g. `HuggingFaceH4/ultrachat_200k`
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns model, downloads, papers, total
// @example citegraph query dataset-users -p id=HuggingFaceH4/ultrachat_200k
MATCH (d:Dataset {id: $id})<-[:TRAINED_ON]-(m:Model)
WITH DISTINCT m
ORDER BY m.downloads DESC, m.id ASC
WITH collect(m) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS m
OPTIONAL MATCH (p:Paper)-[:HAS_ARTIFACT]->(m)
WITH m, size(ranked) AS total, collect(DISTINCT p.id) AS papers
RETURN m.id AS model, m.downloads AS downloads, papers, total
ORDER BY downloads DESC, model ASC
