// For each workshop: its papers, and how many have an arXiv id, a Hub paper page, code, and Hub artifacts; a page of them, with the total.
// @param limit integer = 100  how many workshops: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many workshops to pass over first
// @columns workshop, papers, with_arxiv, with_paper_page, with_code, with_artifacts, total
// @example citegraph query workshop-linkage
// @example citegraph query workshop-linkage -p limit=20 -p skip=20
// (the statistics are kept on each venue by every load: no visit to every paper; the total is
// counted apart so that a page reads only its own workshops' properties)
CALL () {
  MATCH (w:Workshop)
  WHERE w.paper_count > 0
  RETURN count(w) AS total
}
MATCH (w:Workshop)
WHERE w.paper_count > 0
WITH w, total, coalesce(w.short_name, w.id) AS workshop
ORDER BY w.paper_count DESC, workshop ASC
SKIP $skip
LIMIT $limit
RETURN workshop, w.paper_count AS papers, w.with_arxiv AS with_arxiv, w.with_paper_page AS with_paper_page,
       w.with_code AS with_code, w.with_artifacts AS with_artifacts, total
