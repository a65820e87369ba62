// The papers cited by the most other papers (ties by id).
// @param limit integer = 10  how many papers
// @columns paper_id, title, citations
// @example citegraph query most-cited -p limit=5
MATCH (p:Paper)<-[:CITES]-(q:Paper)
WITH p, count(DISTINCT q) AS citations
RETURN p.id AS paper_id, p.title AS title, citations
ORDER BY citations DESC, paper_id ASC
LIMIT $limit
