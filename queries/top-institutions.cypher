// Institutions ranked by the papers their authors gave them as affiliation on (ties by name).
// @param limit integer = 10  how many institutions
// @columns institution, institution_id, country, papers, authors
// @example citegraph query top-institutions -p limit=5
MATCH (i:Institution)<-[:AFFILIATED_WITH]-(p:Paper)
WITH i, count(DISTINCT p) AS papers
OPTIONAL MATCH (i)<-[:AFFILIATED_WITH]-(:Paper)<-[r:AUTHORED]-(a:Author)
  WHERE i.id IN r.institutions
RETURN coalesce(i.name, i.id) AS institution, i.id AS institution_id, i.country_code AS country, papers,
       count(DISTINCT a) AS authors
ORDER BY papers DESC, authors DESC, institution ASC, institution_id ASC
LIMIT $limit
