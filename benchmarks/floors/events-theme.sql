-- Floor of /events/?theme=%(theme)s (scenario "events-theme"): events with one theme. Left out: the filter
-- form's facet counts (types, categories, themes, countries, provisions), memoised per content version in
-- each process (serving/content_version.py): the benchmark's capture warms them, so they are not part of the
-- page's steady-state SQL, nor of its floor; nor are the names of the active filters above the results, which
-- the page reads from those memoised choices.

-- part: selection
-- The capped count and the map, from one pass over the selection, as the page reads them: its first
-- %(cap_plus_one)s rows (LIST_COUNT_CAP + 1) in the list's order (event_published_list_idx, index-only: it
-- holds each published row's date, type, dispute flag, country_codes and theme_keys), each row kept when its
-- theme_keys hold the theme's key, are counted ("More than 1,000 events" beyond the cap), and the first
-- %(cap)s of them mapped: how many concern each country (from each row's country_codes) and how many were
-- located at each place (none in the synthetic data; event_located_idx holds the located events only). Below
-- the cap, that is every selected row. The count's row also hands on the keys of the page's 25 rows, in the
-- list's order, to the rows.
-- check: count event n
-- check: cells name n
WITH selected AS MATERIALIZED (
    SELECT e.id, e.start_date, e.country_codes
    FROM events_event e
    WHERE e.status = 'published'
      AND e.theme_keys && ARRAY[(SELECT th.id::text FROM core_theme th WHERE th.slug = %(theme)s)]::varchar(12)[]
    ORDER BY e.start_date DESC, e.id DESC
    LIMIT %(cap_plus_one)s
), mapped AS (
    SELECT s.id, s.country_codes FROM selected s ORDER BY s.start_date DESC, s.id DESC LIMIT %(cap)s
)
SELECT 0 AS part, '' AS code, '' AS name, NULL::numeric AS lat, NULL::numeric AS lon, '' AS precision,
       '' AS place, count(*) AS n,
       (SELECT array_agg(page.id)
        FROM (SELECT s.id FROM selected s ORDER BY s.start_date DESC, s.id DESC LIMIT 25) AS page) AS keys
FROM selected
UNION ALL
(SELECT 1, c.code, c.name, NULL, NULL, '', '', count(*), NULL
 FROM mapped m
 CROSS JOIN LATERAL unnest(m.country_codes) AS u(code)
 JOIN core_country c ON c.code = u.code
 GROUP BY c.code)
UNION ALL
(SELECT 2, '', '', e.latitude, e.longitude, e.geo_precision, e.place_name, count(*), NULL
 FROM mapped m
 JOIN events_event e ON e.id = m.id AND e.latitude IS NOT NULL
 GROUP BY e.latitude, e.longitude, e.geo_precision, e.place_name)
ORDER BY part, n DESC
;
-- part: rows
-- The 25 rows of the first page, read by key (the selection's first 25 keys, 25 rows by primary key, as the
-- page reads them): each row's link, title, date at its precision, type, countries by name (from the row's
-- own country_codes), disputed badge and summary.
-- check: links /events/{}/
SELECT e.public_id, e.title, e.start_date, e.end_date, e.date_precision, t.name AS type_name,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       e.has_disputed_figures, e.summary
FROM events_event e
JOIN events_eventtype t ON t.id = e.event_type_id
WHERE e.id = ANY (%(selection_keys)s)
ORDER BY e.start_date DESC, e.id DESC
;
