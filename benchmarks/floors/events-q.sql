-- Floor of /events/?q=%(word)s (scenario "events-q"): events matching a search, best match first. Left out:
-- the filter form's facet counts (types, categories, themes, countries, provisions), memoised per content
-- version in each process (serving/content_version.py): the benchmark's capture warms them, so they are not
-- part of the page's steady-state SQL, nor of its floor. The query is the page's: websearch syntax under both
-- configurations ('english', stemmed, and 'kb_simple'), matched against the stored search_vector (GIN index
-- event_stored_vector_idx) and ranked with ts_rank on it (core/search.py). The list ranks its matches when
-- they are within its cap (LIST_COUNT_CAP); beyond it, it lists them newest first and says so, and it counts
-- and maps the first of them by date either way.

-- part: selection
-- The capped count and the map, from one pass over the matches, as the page reads them: the first
-- %(cap_plus_one)s matches (LIST_COUNT_CAP + 1) by date, newest first, are counted (unranked: the rank does
-- not change what is counted or mapped), and the first %(cap)s of them mapped: how many concern each country
-- (from each row's country_codes) and how many were located at each place (none in the synthetic data). Below
-- the cap, that is every match. Matching reads each candidate's search_vector: the GIN index finds them, the
-- newest are kept.
-- check: count event n
-- check: cells name n
WITH selected AS MATERIALIZED (
    SELECT e.id, e.start_date, e.country_codes, e.latitude, e.longitude, e.geo_precision, e.place_name
    FROM events_event e
    WHERE e.status = 'published'
      AND e.search_vector @@ (websearch_to_tsquery('english', %(word)s)
                              || websearch_to_tsquery('kb_simple', %(word)s))
    ORDER BY e.start_date DESC, e.id DESC
    LIMIT %(cap_plus_one)s
), mapped AS (
    SELECT * FROM selected s ORDER BY s.start_date DESC, s.id DESC LIMIT %(cap)s
)
SELECT 0 AS part, '' AS code, '' AS name, NULL::numeric AS lat, NULL::numeric AS lon, '' AS precision,
       '' AS place, count(*) AS n,
       (SELECT array_agg(s.id ORDER BY s.start_date DESC, s.id DESC) FROM selected s) AS keys
FROM selected
UNION ALL
(SELECT 1, c.code, c.name, NULL, NULL, '', '', count(*), NULL
 FROM mapped m
 CROSS JOIN LATERAL unnest(m.country_codes) AS u(code)
 JOIN core_country c ON c.code = u.code
 GROUP BY c.code)
UNION ALL
(SELECT 2, '', '', m.latitude, m.longitude, m.geo_precision, m.place_name, count(*), NULL
 FROM mapped m
 WHERE m.latitude IS NOT NULL
 GROUP BY m.latitude, m.longitude, m.geo_precision, m.place_name)
ORDER BY part, n DESC
;
-- part: rows
-- The 25 rows of the first page, read by key from the selection's (as the page reads them): within the cap,
-- the matches are all among the keys, so only they are ranked (rank, then newest); beyond it, the first 25
-- keys, newest first, unranked. Each row's link, title, date at its precision, type, countries by name,
-- disputed badge and summary.
-- check: links /events/{}/
SELECT e.public_id, e.title, e.start_date, e.end_date, e.date_precision, t.name AS type_name,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       e.has_disputed_figures, e.summary
FROM events_event e
JOIN events_eventtype t ON t.id = e.event_type_id
WHERE e.id = ANY (CASE WHEN %(selection_n)s <= %(cap)s THEN %(selection_keys)s
                       ELSE (%(selection_keys)s)[1:25] END)
ORDER BY CASE WHEN %(selection_n)s <= %(cap)s
              THEN ts_rank(e.search_vector, websearch_to_tsquery('english', %(word)s)
                                            || websearch_to_tsquery('kb_simple', %(word)s)) END DESC NULLS LAST,
         e.start_date DESC, e.id DESC
LIMIT 25
;
