// The papers cited by the most other papers (ties by id).
// @param limit integer = 10  how many papers
// @columns paper_id, title, citations
// @example citegraph query most-cited -p limit=5
// (citation_count is kept by every write and indexed: the ranking walks the index from the top)
MATCH (p:Paper)
WHERE p.citation_count > 0
RETURN p.id AS paper_id, coalesce(p.title, p.id) AS title, p.citation_count AS citations
ORDER BY p.citation_count DESC, paper_id ASC
LIMIT $limit
