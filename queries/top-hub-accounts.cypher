// Hugging Face Hub accounts by the number of their artifacts that papers link, then by papers.
// @param limit integer = 10  how many
// @columns account, artifacts, papers
// @example citegraph query top-hub-accounts -p limit=5
MATCH (h:HubAccount)-[:OWNS]->(x)<-[:HAS_ARTIFACT]-(p:Paper)
WITH h, count(DISTINCT x) AS artifacts, count(DISTINCT p) AS papers
RETURN h.name AS account, artifacts, papers
ORDER BY artifacts DESC, papers DESC, account ASC
LIMIT $limit
