// Authors whose name matches words (full-text, fuzzy with ~: "nakajima~"), with their number of papers.
// @param text string  part of a name
// @param limit integer = 10  how many authors
// @columns author, papers, score
// @example citegraph query find-author -p text=faghri
CALL db.index.fulltext.queryNodes('author_name_text', $text) YIELD node, score
RETURN node.name AS author, COUNT { (node)-[:AUTHORED]->(:Paper) } AS papers, round(score, 4) AS score
ORDER BY score DESC, author ASC
LIMIT $limit
