// For each workshop: its papers, and how many have an arXiv id, a Hub paper page, code, and Hub artifacts.
// @columns workshop, papers, with_arxiv, with_paper_page, with_code, with_artifacts
// @example citegraph query workshop-linkage
// (the statistics are kept on each venue by every load: no visit to every paper)
MATCH (w:Workshop)
WHERE w.paper_count > 0
RETURN coalesce(w.short_name, w.id) AS workshop, w.paper_count AS papers, w.with_arxiv AS with_arxiv,
       w.with_paper_page AS with_paper_page, w.with_code AS with_code, w.with_artifacts AS with_artifacts
ORDER BY papers DESC, workshop ASC
