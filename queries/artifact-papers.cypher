// The papers that link one Hub model, dataset or Space; a page of them, with the total.
// @param id string  the Hub repo id, e.g. google/vit-base-patch16-224 or cifar100
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns paper_id, title, total
// @example citegraph query artifact-papers -p id=cifar100
CALL () {
  MATCH (x:Model {id: $id}) RETURN x
  UNION
  MATCH (x:Dataset {id: $id}) RETURN x
  UNION
  MATCH (x:Space {id: $id}) RETURN x
}
MATCH (x)<-[:HAS_ARTIFACT]-(p:Paper)
WITH DISTINCT p
WITH p.id AS paper_id, p.title AS title
ORDER BY title ASC, paper_id ASC
WITH [paper_id, title] AS row
WITH collect(row) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
RETURN row[0] AS paper_id, row[1] AS title, size(ranked) AS total
