-- Floor of /displacement/?population_type=%(population_type)s&origin=%(origin)s (scenario "displacement"):
-- displacement statistics of one population type from one country of origin, with charts and a map. Every
-- part reads the selection from statistic_type_origin_idx (status, population_type, origin_country_id). Left
-- out: the origin and host facets' counts, memoised per content version in each process
-- (serving/content_version.py): the benchmark's capture warms them, so they are not part of the page's
-- steady-state SQL, nor of its floor.

-- part: count
-- The capped count: at most COUNT_CAP + 1 rows are counted (%(cap_plus_one)s) (core/views.py,
-- CappedPaginator).
-- check: count statistic
SELECT count(*) AS n
FROM (SELECT 1
      FROM displacement_displacementstatistic st
      WHERE st.status = 'published' AND st.population_type = %(population_type)s
        AND st.origin_country_id = %(origin)s
      LIMIT %(cap_plus_one)s) AS capped
;
-- part: rows
-- The 25 rows of the table, newest first (stocks by their as-of date, flows by the end of their period,
-- undated last; then title): each statistic's value as stated, kind, origin and host, date and who claims it,
-- reported where. The page's 25 rows are chosen first, then joined to what they show.
-- check: in-order
SELECT st.title, st.value, st.qualifier, st.low, st.high, st.rate_period, st.includes, st.population_type,
       st.measurement, st.cause, st.origin_scope, st.origin_region, oc.code AS origin_code, oc.name AS origin,
       st.host_scope, st.host_region, hc.code AS host_code, hc.name AS host, st.as_of_date, st.period_start,
       st.period_end, st.as_of_note, coalesce(ca.name, co.name) AS claimant,
       coalesce(ca.slug, co.slug) AS claimant_slug, s.title AS source_title, s.url AS source_url,
       s.archive_url, s.published_date, s.reliability, publisher.name AS publisher
FROM (SELECT st.id
      FROM displacement_displacementstatistic st
      WHERE st.status = 'published' AND st.population_type = %(population_type)s
        AND st.origin_country_id = %(origin)s
      ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id
      LIMIT 25) AS page
JOIN displacement_displacementstatistic st ON st.id = page.id
LEFT JOIN core_country oc ON oc.code = st.origin_country_id
LEFT JOIN core_country hc ON hc.code = st.host_country_id
LEFT JOIN actors_actor ca ON ca.id = st.claimant_actor_id
LEFT JOIN actors_organization co ON co.id = st.claimant_organization_id
JOIN sources_source s ON s.id = st.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id
;
-- part: chart
-- Both charts and the chart's table: the largest figure recorded each year for each population type (a stock
-- in the year of its as-of date, a flow in the year its period ends). Which types are drawn, and the latest
-- year of each, are worked out from these rows in Python, as the page does.
-- check: cells year value
SELECT st.population_type, extract(year FROM coalesce(st.as_of_date, st.period_end))::int::text AS year,
       max(st.value) AS value
FROM displacement_displacementstatistic st
WHERE st.status = 'published' AND st.population_type = %(population_type)s
  AND st.origin_country_id = %(origin)s
  AND coalesce(st.as_of_date, st.period_end) IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
;
-- part: map
-- The map by country of origin and its table: each origin's largest single figure and how many statistics.
-- check: cells name n largest
SELECT oc.code, oc.name, max(st.value) AS largest, count(*) AS n
FROM displacement_displacementstatistic st
JOIN core_country oc ON oc.code = st.origin_country_id
WHERE st.status = 'published' AND st.population_type = %(population_type)s
  AND st.origin_country_id = %(origin)s
GROUP BY oc.code
ORDER BY largest DESC, oc.name
;
