-- Floor of /countries/%(country)s/ (scenario "country"): a country's profile. Events are selected by the
-- row's own country_codes (the GIN index over (event_type_id, country_codes) of published events serves the
-- condition alone too). Left out, as the page keeps them per content version (serving/content_version.py, and
-- pages/countries.py, which keeps a country's chart counts in the cache): the country's names, the numbers of
-- statistics of people from and hosted in it (content_counts), and the events over time by type with the
-- number of published events (a count of every event of the country by year and type, which only a change of
-- content changes). The benchmark's capture warms them, so they are not part of the page's steady-state SQL,
-- nor of its floor.

-- part: latest-events
-- The 10 latest events concerning the country, as list rows: event_status_date_idx in order, each row kept
-- when it concerns the country.
-- check: in-order after id="events-heading"
SELECT e.title, e.public_id, e.start_date, e.end_date, e.date_precision, t.name AS type_name,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       e.has_disputed_figures, e.summary
FROM events_event e
JOIN events_eventtype t ON t.id = e.event_type_id
WHERE e.status = 'published' AND e.country_codes && ARRAY[%(country)s]::varchar(3)[]
ORDER BY e.start_date DESC, e.id DESC
LIMIT 10
;
-- part: exchanges
-- The 20 latest prisoner exchanges concerning the country (event_type_date_idx in order), each with its
-- mediators and the claims of people returned to each side; each side's number, range and dispute are worked
-- out from the claims in Python (sources/claims.py), as the page does.
-- check: in-order after id="exchanges-heading"
SELECT e.title, e.public_id, e.start_date, e.end_date, e.date_precision, e.country_codes,
       ARRAY(SELECT coalesce(a.name, o.name)
             FROM events_participation p
             LEFT JOIN actors_actor a ON a.id = p.actor_id
             LEFT JOIN actors_organization o ON o.id = p.organization_id
             WHERE p.event_id = e.id AND p.role = 'mediator'
             ORDER BY p.id) AS mediators,
       (SELECT json_agg(json_build_object('side', m.country_id, 'side_name', sc.name, 'value', f.value,
                                          'qualifier', f.qualifier, 'low', f.low, 'high', f.high,
                                          'rank', f.rank) ORDER BY m.position, f.id)
        FROM events_figure f
        JOIN events_measure m ON m.id = f.measure_id AND m.kind = 'returned'
        JOIN core_country sc ON sc.code = m.country_id
        WHERE f.event_id = e.id) AS claims
FROM events_event e
WHERE e.status = 'published'
  AND e.event_type_id = (SELECT t.id FROM events_eventtype t WHERE t.slug = 'prisoner-exchange')
  AND e.country_codes && ARRAY[%(country)s]::varchar(3)[]
ORDER BY e.start_date DESC, e.id DESC
LIMIT 20
;
-- part: places
-- The locator map's marks: the country's located events by place, the most frequent first (the partial index
-- event_located_idx holds only located events; the synthetic ones have no coordinates).
-- check: cells place n
SELECT e.latitude, e.longitude, e.geo_precision, e.place_name AS place, count(*) AS n
FROM events_event e
WHERE e.latitude IS NOT NULL AND e.status = 'published'
  AND e.country_codes && ARRAY[%(country)s]::varchar(3)[]
GROUP BY 1, 2, 3, 4
ORDER BY n DESC, place
LIMIT 500
;
-- part: statistics
-- The 10 newest published statistics of people from the country, then the 10 of people hosted in it, each
-- with its attribution. Every statistic of the country is sorted to find them (origin and host have plain
-- indexes): an index on (origin_country_id, coalesce(as_of_date, period_end) DESC NULLS LAST, title, id) of
-- published statistics, and one on the host, would read 10 rows each.
-- check: in-order
(SELECT st.title, 'from' AS side, st.value, st.qualifier, st.low, st.high, st.rate_period, st.population_type,
        st.measurement, st.cause, st.as_of_date, st.period_start, st.period_end, st.as_of_note, st.includes,
        coalesce(ca.name, co.name) AS claimant, coalesce(ca.slug, co.slug) AS claimant_slug,
        s.title AS source_title, s.url AS source_url, s.reliability, publisher.name AS publisher
 FROM (SELECT st.id
       FROM displacement_displacementstatistic st
       WHERE st.status = 'published' AND st.origin_country_id = %(country)s
       ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id
       LIMIT 10) AS page
 JOIN displacement_displacementstatistic st ON st.id = page.id
 LEFT JOIN actors_actor ca ON ca.id = st.claimant_actor_id
 LEFT JOIN actors_organization co ON co.id = st.claimant_organization_id
 JOIN sources_source s ON s.id = st.source_id
 LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
 ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id)
UNION ALL
(SELECT st.title, 'hosted', st.value, st.qualifier, st.low, st.high, st.rate_period, st.population_type,
        st.measurement, st.cause, st.as_of_date, st.period_start, st.period_end, st.as_of_note, st.includes,
        coalesce(ca.name, co.name), coalesce(ca.slug, co.slug), s.title, s.url, s.reliability, publisher.name
 FROM (SELECT st.id
       FROM displacement_displacementstatistic st
       WHERE st.status = 'published' AND st.host_country_id = %(country)s
       ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id
       LIMIT 10) AS page
 JOIN displacement_displacementstatistic st ON st.id = page.id
 LEFT JOIN actors_actor ca ON ca.id = st.claimant_actor_id
 LEFT JOIN actors_organization co ON co.id = st.claimant_organization_id
 JOIN sources_source s ON s.id = st.source_id
 LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
 ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id)
;
-- part: people
-- The actors, then the organisations, based in the country: 30 of each, by name.
-- check: in-order
(SELECT a.name, a.slug, a.kind, 'actor' AS what FROM actors_actor a WHERE a.country_id = %(country)s
 ORDER BY a.name LIMIT 30)
UNION ALL
(SELECT o.name, o.slug, o.kind, 'organization' FROM actors_organization o WHERE o.country_id = %(country)s
 ORDER BY o.name LIMIT 30)
;
-- part: briefs
-- Published briefs linked to a published event or statistic that concerns the country, newest first: the
-- briefs are few, so each is checked through its own links.
-- check: links /briefs/{}/
SELECT b.slug, b.title, b.published_date, o.name AS organization
FROM briefs_brief b
JOIN actors_organization o ON o.id = b.organization_id
WHERE b.status = 'published'
  AND (EXISTS (SELECT 1
               FROM briefs_brief_events be
               JOIN events_event e ON e.id = be.event_id
               WHERE be.brief_id = b.id AND e.status = 'published'
                 AND e.country_codes && ARRAY[%(country)s]::varchar(3)[])
       OR EXISTS (SELECT 1
                  FROM briefs_brief_statistics bs
                  JOIN displacement_displacementstatistic st ON st.id = bs.displacementstatistic_id
                  WHERE bs.brief_id = b.id AND st.status = 'published'
                    AND (st.origin_country_id = %(country)s OR st.host_country_id = %(country)s)))
ORDER BY b.published_date DESC, b.title
;
