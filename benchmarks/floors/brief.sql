-- Floor of /briefs/%(brief)s/ (scenario "brief"): one brief with the live figures behind it. Every statement
-- finds the brief by its slug (a unique index) and reads only the columns the page shows.

-- part: brief
-- The brief: its texts, author, date, organisation, the source it was published as (with publisher), its
-- themes by name, and what the change log and the citation need.
-- check: in-order
SELECT b.title, b.slug, b.status, b.retraction_note, b.standfirst, b.body, b.author, b.published_date,
       b.first_published_at, b.updated_at, o.name AS organization, o.slug AS organization_slug,
       s.title AS source_title, s.url AS source_url, s.published_date AS source_date, s.reliability,
       publisher.name AS publisher,
       ARRAY(SELECT th.name
             FROM briefs_brief_themes bt JOIN core_theme th ON th.id = bt.theme_id
             WHERE bt.brief_id = b.id ORDER BY th.name) AS themes
FROM briefs_brief b
JOIN actors_organization o ON o.id = b.organization_id
LEFT JOIN sources_source s ON s.id = b.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE b.slug = %(brief)s AND b.status IN ('published', 'retracted')
;
-- part: takeaways
-- Key takeaways in order, each with the event it links to when that event is published.
-- check: in-order
SELECT tk.text, e.public_id, e.title, e.status = 'published' AS links_event
FROM briefs_takeaway tk
LEFT JOIN events_event e ON e.id = tk.event_id
WHERE tk.brief_id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY tk.position
;
-- part: recommendations
-- Recommendations in order (the page groups them by audience in Python, in this order).
-- check: in-order
SELECT r.text, r.audience
FROM briefs_recommendation r
WHERE r.brief_id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY r.position
;
-- part: figures
-- The figures behind it, live: the claims linked to the brief whose events are published, by event (in date
-- order) and measure, with claimant and source. Best estimates and ranges are worked out from the claims in
-- Python (sources/claims.py), as the page does: not SQL work.
-- check: cells value
SELECT f.value, f.qualifier, f.low, f.high, f.rank, f.rank_reason, f.excerpt, f.as_of_date,
       e.public_id AS event_public_id, e.title AS event_title, m.name AS measure, m.slug AS measure_slug,
       coalesce(ca.name, co.name) AS claimant, coalesce(ca.slug, co.slug) AS claimant_slug,
       s.title AS source_title, s.url AS source_url, s.archive_url, s.published_date, s.reliability,
       s.language, publisher.name AS publisher
FROM briefs_brief_figures bf
JOIN events_figure f ON f.id = bf.figure_id
JOIN events_event e ON e.id = f.event_id AND e.status = 'published'
JOIN events_measure m ON m.id = f.measure_id
LEFT JOIN actors_actor ca ON ca.id = f.claimant_actor_id
LEFT JOIN actors_organization co ON co.id = f.claimant_organization_id
JOIN sources_source s ON s.id = f.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE bf.brief_id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY e.start_date, e.id, m.position, f.id
;
-- part: statistics
-- The displacement statistics behind it (published ones), newest first, each with its attribution.
-- check: in-order
SELECT st.title, st.value, st.qualifier, st.low, st.high, st.population_type, st.measurement, st.cause,
       st.rate_period, st.as_of_date, st.period_start, st.period_end, st.as_of_note, st.includes,
       coalesce(ca.name, co.name) AS claimant, coalesce(ca.slug, co.slug) AS claimant_slug,
       s.title AS source_title, s.url AS source_url, s.reliability, publisher.name AS publisher
FROM briefs_brief_statistics bs
JOIN displacement_displacementstatistic st ON st.id = bs.displacementstatistic_id AND st.status = 'published'
LEFT JOIN actors_actor ca ON ca.id = st.claimant_actor_id
LEFT JOIN actors_organization co ON co.id = st.claimant_organization_id
JOIN sources_source s ON s.id = st.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE bs.brief_id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY coalesce(st.as_of_date, st.period_end) DESC NULLS LAST, st.title, st.id
;
-- part: events
-- Linked events (published), newest first, as list rows.
-- check: links /events/{}/ after id="events-heading"
SELECT e.public_id, e.title, e.start_date, e.end_date, e.date_precision, t.name AS type_name,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       e.has_disputed_figures, e.summary
FROM briefs_brief_events be
JOIN events_event e ON e.id = be.event_id AND e.status = 'published'
JOIN events_eventtype t ON t.id = e.event_type_id
WHERE be.brief_id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY e.start_date DESC, e.id DESC
;
-- part: actors
-- The actors it concerns, by name.
-- check: in-order
SELECT a.name, a.slug
FROM briefs_brief_actors ba
JOIN actors_actor a ON a.id = ba.actor_id
WHERE ba.brief_id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY a.name
;
-- part: changes
-- The public change log: the brief's revisions, oldest first (the page compares consecutive ones).
-- check: none (the change log shows differences between revisions, not their values)
SELECT h.history_id, h.history_date, h.history_type, h.history_change_reason, h.title, h.standfirst,
       h.body, h.author, h.published_date, h.organization_id, h.source_id
FROM briefs_historicalbrief h
WHERE h.id = (SELECT b.id FROM briefs_brief b WHERE b.slug = %(brief)s)
ORDER BY h.history_date, h.history_id
;
