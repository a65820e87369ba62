// The institutions an author published from, and when (first and last year, papers).
// @param name author  the author's name (any spelling of it)
// @columns institution, country, first_year, last_year, papers
// @example citegraph query author-institutions -p "name=Heather A. Piwowar"
MATCH (a:Author {key: $name})-[r:AUTHORED]->(p:Paper)-[:AFFILIATED_WITH]->(i:Institution)
WHERE i.id IN r.institutions
RETURN coalesce(i.name, i.id) AS institution, i.country_code AS country, min(p.year) AS first_year,
       max(p.year) AS last_year, count(DISTINCT p) AS papers
ORDER BY papers DESC, last_year DESC, institution ASC
