// The people an author has written with, by number of joint papers; a page of them, with the total.
// @param name author  the author's name (any spelling of it: "Faghri, Fartash" works)
// @param limit integer = 100  how many rows: one page (paging: `-p skip=100` is the next one)
// @param skip integer = 0  how many rows to pass over first
// @columns coauthor, joint_papers, total
// @example citegraph query coauthors -p "name=Fartash Faghri"
// @example citegraph query coauthors -p "name=Fartash Faghri" -p limit=5 -p skip=5
MATCH (a:Author {key: $name})-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(c:Author)
WHERE c <> a
// counted per person (two people who share a display name are two rows, as in the SPARQL twin)
WITH c, count(DISTINCT p) AS joint_papers
WITH c.name AS coauthor, joint_papers
ORDER BY joint_papers DESC, coauthor ASC
WITH [coauthor, joint_papers] AS row
WITH collect(row) AS ranked
UNWIND ranked[$skip..$skip + $limit] AS row
RETURN row[0] AS coauthor, row[1] AS joint_papers, size(ranked) AS total
