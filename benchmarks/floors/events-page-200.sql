-- Floor of /events/?page=200 (scenario "events-page-200"): page 200 of the newest events (rows 4,976 to
-- 5,000). Left out: the filter form's facet counts (types, categories, themes, countries, provisions),
-- memoised per content version in each process (serving/content_version.py): the benchmark's capture warms
-- them, so they are not part of the page's steady-state SQL, nor of its floor. Page 200 exists in every
-- benchmark database (10,000 events and more; past the count's cap, the list lets a reader browse up to
-- COUNT_CAP rows); with fewer than 4,976 events the page would show its last page instead, which this floor
-- does not.

-- part: selection
-- The capped count and the map, from one pass over the selection, as the page reads them: its first
-- %(cap_plus_one)s rows (LIST_COUNT_CAP + 1) in the list's order (event_published_list_idx, index-only: it
-- holds each published row's date, type, dispute flag and country_codes) are counted ("More than 1,000
-- events" beyond the cap), and the first %(cap)s of them mapped: how many concern each country (from each
-- row's country_codes) and how many were located at each place (none in the synthetic data; event_located_idx
-- holds the located events only). Below the cap, that is every selected row.
-- check: count event n
-- check: cells name n
WITH selected AS MATERIALIZED (
    SELECT e.id, e.start_date, e.country_codes
    FROM events_event e
    WHERE e.status = 'published'
    ORDER BY e.start_date DESC, e.id DESC
    LIMIT %(cap_plus_one)s
), mapped AS (
    SELECT s.id, s.country_codes FROM selected s ORDER BY s.start_date DESC, s.id DESC LIMIT %(cap)s
)
SELECT 0 AS part, '' AS code, '' AS name, NULL::numeric AS lat, NULL::numeric AS lon, '' AS precision,
       '' AS place, count(*) AS n
FROM selected
UNION ALL
(SELECT 1, c.code, c.name, NULL, NULL, '', '', count(*)
 FROM mapped m
 CROSS JOIN LATERAL unnest(m.country_codes) AS u(code)
 JOIN core_country c ON c.code = u.code
 GROUP BY c.code)
UNION ALL
(SELECT 2, '', '', e.latitude, e.longitude, e.geo_precision, e.place_name, count(*)
 FROM mapped m
 JOIN events_event e ON e.id = m.id AND e.latitude IS NOT NULL
 GROUP BY e.latitude, e.longitude, e.geo_precision, e.place_name)
ORDER BY part, n DESC
;
-- part: rows
-- The 25 rows of the page (page 200: the 4,976th to 5,000th rows, newest first; an offset, as the page's
-- links carry a page number; beyond the selection's keys, the 25 ids are read from the list's covering index
-- alone, event_published_list_idx, then joined to what they show): each row's link, title, date at its
-- precision, type, countries by name (from the row's own country_codes), disputed badge and summary.
-- check: links /events/{}/
SELECT e.public_id, e.title, e.start_date, e.end_date, e.date_precision, t.name AS type_name,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       e.has_disputed_figures, e.summary
FROM (SELECT e.id
      FROM events_event e
      WHERE e.status = 'published'
      ORDER BY e.start_date DESC, e.id DESC
      LIMIT 25 OFFSET 4975) AS page
JOIN events_event e ON e.id = page.id
JOIN events_eventtype t ON t.id = e.event_type_id
ORDER BY e.start_date DESC, e.id DESC
;
