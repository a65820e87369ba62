// The papers that link one Hub model, dataset or Space.
// @param id string  the Hub repo id, e.g. google/vit-base-patch16-224 or cifar100
// @columns paper_id, title
// @example citegraph query artifact-papers -p id=cifar100
CALL () {
  MATCH (x:Model {id: $id}) RETURN x
  UNION
  MATCH (x:Dataset {id: $id}) RETURN x
  UNION
  MATCH (x:Space {id: $id}) RETURN x
}
MATCH (x)<-[:HAS_ARTIFACT]-(p:Paper)
RETURN DISTINCT p.id AS paper_id, p.title AS title
ORDER BY title ASC, paper_id ASC
