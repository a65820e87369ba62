// The papers cited by the most other papers (ties by id).
// @param limit integer = 10  how many papers
// @columns paper_id, title, citations
// @example citegraph query most-cited -p limit=5
// (one CITES per citing paper, so the degree is the count: no expansion needed)
MATCH (p:Paper)
WITH p, COUNT { (p)<-[:CITES]-() } AS citations
WHERE citations > 0
RETURN p.id AS paper_id, p.title AS title, citations
ORDER BY citations DESC, paper_id ASC
LIMIT $limit
