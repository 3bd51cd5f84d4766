-- Floor of /events/?actor=%(actor)s (scenario "events-actor"): events an actor took part in. Left out: the
-- filter form's facet counts (types, categories, themes, countries, provisions), memoised per content version
-- in each process (serving/content_version.py): the benchmark's capture warms them, so they are not part of
-- the page's steady-state SQL, nor of its floor. An actor takes part in few events (about 1 in 400 of the
-- synthetic ones): every statement starts from the actor's participations (events_participation_actor_id
-- index), read first (MATERIALIZED), and fetches those events by id. Left to itself, the planner walks every
-- event in date order and probes the participations of each, as it cannot know how few the actor's are.

-- part: taking-part
-- "Taking part": the actor's name and link above the results.
-- check: links /actors/{}/
SELECT a.slug, a.name FROM actors_actor a WHERE a.slug = %(actor)s
;
-- part: selection
-- The capped count and the map, from one pass over the actor's events, as the page reads them: the first
-- %(cap_plus_one)s (LIST_COUNT_CAP + 1) in the list's order are counted, and the first %(cap)s of them
-- mapped: how many concern each country (from each row's country_codes) and how many were located at each
-- place (none in the synthetic data). Below the cap, that is every one of them. The count's row also hands on
-- the keys of the page's 25 rows, in the list's order, to the rows.
-- check: count event n
-- check: cells name n
WITH theirs AS MATERIALIZED (
    SELECT DISTINCT p.event_id
    FROM events_participation p
    WHERE p.actor_id = (SELECT a.id FROM actors_actor a WHERE a.slug = %(actor)s)
), selected AS MATERIALIZED (
    SELECT e.id, e.start_date, e.country_codes, e.latitude, e.longitude, e.geo_precision, e.place_name
    FROM theirs
    JOIN events_event e ON e.id = theirs.event_id AND e.status = 'published'
    ORDER BY e.start_date DESC, e.id DESC
    LIMIT %(cap_plus_one)s
), mapped AS (
    SELECT * FROM selected s ORDER BY s.start_date DESC, s.id DESC LIMIT %(cap)s
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
(SELECT 2, '', '', m.latitude, m.longitude, m.geo_precision, m.place_name, count(*), NULL
 FROM mapped m
 WHERE m.latitude IS NOT NULL
 GROUP BY m.latitude, m.longitude, m.geo_precision, m.place_name)
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
