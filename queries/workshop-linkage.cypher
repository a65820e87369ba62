// For each workshop: its papers, and how many have an arXiv id, a Hub paper page, code, and Hub artifacts.
// @columns workshop, papers, with_arxiv, with_paper_page, with_code, with_artifacts
// @example citegraph query workshop-linkage
MATCH (w:Workshop)<-[:PRESENTED_AT]-(p:Paper)
WITH w, p,
     CASE WHEN EXISTS { (p)-[:HAS_CODE]->() } THEN 1 ELSE 0 END AS code,
     CASE WHEN EXISTS { (p)-[:HAS_ARTIFACT]->() } THEN 1 ELSE 0 END AS artifacts
RETURN coalesce(w.short_name, w.id) AS workshop, count(p) AS papers, count(p.arxiv_id) AS with_arxiv,
       count(p.hf_paper_url) AS with_paper_page, sum(code) AS with_code, sum(artifacts) AS with_artifacts
ORDER BY papers DESC, workshop ASC
