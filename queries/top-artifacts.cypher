// Hub models, datasets and Spaces linked by the most papers (ties by id).
// @param kind string = null {Model|Dataset|Space}  only this kind (default: all)
// @param limit integer = 10  how many
// @columns artifact, kind, papers
// @example citegraph query top-artifacts -p kind=Model -p limit=5
// (paper_count is kept on each artifact by every write and indexed: each kind's ranking walks
// its index from the top, and the best of the three are merged)
CALL () {
  MATCH (x:Model) WHERE x.paper_count > 0 AND coalesce($kind, 'Model') = 'Model'
  RETURN x.id AS artifact, 'Model' AS kind, x.paper_count AS papers
  ORDER BY x.paper_count DESC, artifact ASC LIMIT $limit
  UNION ALL
  MATCH (x:Dataset) WHERE x.paper_count > 0 AND coalesce($kind, 'Dataset') = 'Dataset'
  RETURN x.id AS artifact, 'Dataset' AS kind, x.paper_count AS papers
  ORDER BY x.paper_count DESC, artifact ASC LIMIT $limit
  UNION ALL
  MATCH (x:Space) WHERE x.paper_count > 0 AND coalesce($kind, 'Space') = 'Space'
  RETURN x.id AS artifact, 'Space' AS kind, x.paper_count AS papers
  ORDER BY x.paper_count DESC, artifact ASC LIMIT $limit
}
RETURN artifact, kind, papers
ORDER BY papers DESC, artifact ASC, kind ASC
LIMIT $limit
