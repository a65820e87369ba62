// Papers whose title or abstract match words (full-text, Lucene syntax: "graph neural", title:brain*).
// @param text string  the words to look for
// @param limit integer = 10  how many papers
// @columns paper_id, title, score
// @example citegraph query search -p "text=neural representations" -p limit=5
CALL db.index.fulltext.queryNodes('paper_text', $text) YIELD node, score
RETURN node.id AS paper_id, node.title AS title, round(score, 4) AS score
ORDER BY score DESC, paper_id ASC
LIMIT $limit
