// Why citegraph thinks a paper is one paper: its identifiers, the sources that described it, and
// the papers found to be it (with the identifier or rule that joined them); for a person, the
// names and sources behind the one node.
// @param id string  a paper id, arXiv id, DOI or OpenAlex id
// @param name author = ""  an author's name (any spelling); `citegraph explain X` asks for both
// @columns what, value
// @example citegraph query explain -p id=2310.15308
CALL () {
  MATCH (p:Paper {id: $id}) RETURN p
  UNION
  MATCH (p:Paper {arxiv_id: $id}) RETURN p
  UNION
  MATCH (p:Paper {doi: toLower($id)}) RETURN p
  UNION
  MATCH (p:Paper {openalex_id: $id}) RETURN p
}
UNWIND [
  ['paper', p.id], ['title', p.title], ['doi', p.doi], ['arxiv', p.arxiv_id], ['openalex', p.openalex_id],
  ['semantic scholar', p.s2_id], ['corpus id', p.corpus_id], ['dblp', p.dblp_key], ['bibtex key', p.bibtex_key],
  ['citation key', p.cite_key], ['title key', p.title_key]
] + [s IN coalesce(p.sources, []) | ['source', s]] + [m IN coalesce(p.merged_from, []) | ['merged from', m]] AS row
WITH row WHERE row[1] IS NOT NULL
RETURN row[0] AS what, row[1] AS value
UNION ALL
MATCH (a:Author {key: $name})
UNWIND [['author', a.name], ['key', a.key], ['orcid', a.orcid], ['openalex', a.openalex_id]]
       + [s IN coalesce(a.sources, []) | ['source', s]] AS row
WITH row WHERE row[1] IS NOT NULL
RETURN row[0] AS what, row[1] AS value
