-- Floor of /displacement/ (scenario "displacement-all"): the explorer without a filter, every published
-- statistic. The count and the 25 newest rows read statistic_newest_idx (published statistics in the table's
-- order). Left out: the charts' largest figures by type and year, and the map's by country of origin, which
-- unfiltered are aggregates over every published statistic that only a change of content changes, memoised
-- per content version in each process (displacement/views.py); and the origin and host facets' counts, likewise
-- (serving/content_version.py). The benchmark's capture warms them, so they are not part of the page's
-- steady-state SQL, nor of its floor.

-- part: count
-- The capped count: at most COUNT_CAP + 1 rows are counted (%(cap_plus_one)s) (core/views.py,
-- CappedPaginator).
-- check: count statistic
SELECT count(*) AS n
FROM (SELECT 1
      FROM displacement_displacementstatistic st
      WHERE st.status = 'published'
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
      WHERE st.status = 'published'
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
