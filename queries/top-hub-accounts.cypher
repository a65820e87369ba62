// Hugging Face Hub accounts by the number of their artifacts that papers link, then by papers.
// @param limit integer = 10  how many
// @columns account, artifacts, papers
// @example citegraph query top-hub-accounts -p limit=5
// (linked_artifacts and paper_count are kept by every load, and the first is indexed: the
// ranking walks the index from the top)
MATCH (h:HubAccount)
WHERE h.linked_artifacts > 0
RETURN h.name AS account, h.linked_artifacts AS artifacts, h.paper_count AS papers
ORDER BY h.linked_artifacts DESC, papers DESC, account ASC
LIMIT $limit
