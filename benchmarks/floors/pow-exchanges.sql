-- Floor of /pow-exchanges/ (scenario "pow-exchanges"): every published prisoner exchange in date order,
-- oldest first, 50 a page, with each side's numbers, how many exchanges the sources count against how many
-- are recorded, and a chart of the exchanges on the page (drawn from the same claims: no SQL of its own).
-- Left out: the country facet's counts, memoised per content version in each process
-- (serving/content_version.py): the benchmark's capture warms them, so they are not part of the page's
-- steady-state SQL, nor of its floor.

-- part: exchange-count
-- "N exchanges are recorded here; the sources count more: X counted the exchange of <date> as number M, and R
-- of those M are recorded here", from the tracker's summary (events_exchangesummary: a row per published
-- exchange with its date and its largest live sequence-number claim): the largest number first
-- (exchange_summary_sequence_idx), then one pass over the summary counts them all and those up to that date.
-- The total is also the table's count (the page counts its exchanges once: its caption says "More than 10,000
-- exchanges" beyond COUNT_CAP, %(cap)s).
-- check: count exchange total
-- check: cells number recorded
WITH top AS MATERIALIZED (
    SELECT es.sequence_number, es.start_date, es.event_id, es.sequence_figure_id
    FROM events_exchangesummary es
    WHERE es.sequence_figure_id IS NOT NULL
    ORDER BY es.sequence_number DESC, es.start_date DESC, es.sequence_figure_id DESC
    LIMIT 1
)
SELECT counts.total, f.value AS number, counts.recorded,
       coalesce(ca.name, co.name) AS claimant, coalesce(ca.slug, co.slug) AS claimant_slug,
       e.start_date, e.end_date, e.date_precision
FROM (SELECT 1) AS one
LEFT JOIN top ON true
CROSS JOIN LATERAL (SELECT count(*) AS total,
                           count(*) FILTER (WHERE es.start_date <= top.start_date) AS recorded
                    FROM events_exchangesummary es) AS counts
LEFT JOIN events_event e ON e.id = top.event_id
LEFT JOIN events_figure f ON f.id = top.sequence_figure_id
LEFT JOIN actors_actor ca ON ca.id = f.claimant_actor_id
LEFT JOIN actors_organization co ON co.id = f.claimant_organization_id
;
-- part: rows
-- The 50 exchanges of the first page, oldest first (event_type_date_idx read backwards), each with its date,
-- title, countries and mediators.
-- check: links /events/{}/
SELECT e.public_id, e.title, e.start_date, e.end_date, e.date_precision,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       ARRAY(SELECT coalesce(a.name, o.name)
             FROM events_participation p
             LEFT JOIN actors_actor a ON a.id = p.actor_id
             LEFT JOIN actors_organization o ON o.id = p.organization_id
             WHERE p.event_id = e.id AND p.role = 'mediator'
             ORDER BY p.id) AS mediators
FROM events_event e
WHERE e.status = 'published'
  AND e.event_type_id = (SELECT t.id FROM events_eventtype t WHERE t.slug = 'prisoner-exchange')
ORDER BY e.start_date, e.id
LIMIT 50
;
-- part: claims
-- The claims about the exchanges on the page: people returned to each side (the measure's country names the
-- side and heads its column) and the sequence number, with rank and claimant. Each side's number (the best
-- estimate, else the lowest claim), its range and whether it is disputed are worked out from these claims in
-- Python (sources/claims.py), for the table and the chart alike, as the page does.
-- check: cells side
SELECT e.public_id, m.kind, m.country_id, c.name AS side, m.position, f.value, f.qualifier, f.low, f.high,
       f.rank, coalesce(ca.name, co.name) AS claimant
FROM (SELECT e.id, e.public_id, e.start_date
      FROM events_event e
      WHERE e.status = 'published'
        AND e.event_type_id = (SELECT t.id FROM events_eventtype t WHERE t.slug = 'prisoner-exchange')
      ORDER BY e.start_date, e.id
      LIMIT 50) AS e
JOIN events_figure f ON f.event_id = e.id
JOIN events_measure m ON m.id = f.measure_id AND m.kind IN ('returned', 'ordinal')
LEFT JOIN core_country c ON c.code = m.country_id
LEFT JOIN actors_actor ca ON ca.id = f.claimant_actor_id
LEFT JOIN actors_organization co ON co.id = f.claimant_organization_id
ORDER BY e.start_date, e.id, m.position, f.id
;
