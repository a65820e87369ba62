// Authors with papers in more than one workshop, by number of workshops.
// @columns author, workshops
// @example citegraph query cross-workshop-authors --format json
MATCH (a:Author)-[:AUTHORED]->(:Paper)-[:PRESENTED_AT]->(w:Workshop)
WITH a, count(DISTINCT w) AS workshops
WHERE workshops > 1
RETURN a.name AS author, workshops
ORDER BY workshops DESC, author ASC
