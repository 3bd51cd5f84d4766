-- Floor of /events/%(event_id)s/ (scenario "event-page"): one event with everything its page shows. Every
-- statement finds the event by its public id (a unique index); each reads only the columns the page shows.
-- Each part is one indexed lookup of a handful of rows, whatever the number of events.

-- part: event
-- The event: its texts, dates, place, identifiers, type and category, the source quoted for its account (with
-- publisher), its countries and themes by name, and what the change log and the citation line need.
-- check: in-order
SELECT e.title, e.public_id, e.status, e.retraction_note, e.start_date, e.end_date, e.date_precision,
       e.date_note, e.region, e.place_name, e.latitude, e.longitude, e.geo_precision, e.summary, e.body,
       e.acled_event_id, e.glide_number, e.wikidata_qid, e.first_published_at, e.updated_at,
       t.name AS type_name, t.slug AS type_slug, cat.name AS category_name, cat.slug AS category_slug,
       s.title AS account_title, s.url AS account_url, s.published_date AS account_date,
       s.reliability AS account_reliability, publisher.name AS account_publisher,
       ARRAY(SELECT u.code FROM unnest(e.country_codes) AS u(code)
             ORDER BY (SELECT c.name FROM core_country c WHERE c.code = u.code)) AS country_codes,
       ARRAY(SELECT (SELECT c.name FROM core_country c WHERE c.code = u.code)
             FROM unnest(e.country_codes) AS u(code) ORDER BY 1) AS countries,
       ARRAY(SELECT th.name
             FROM events_event_themes et JOIN core_theme th ON th.id = et.theme_id
             WHERE et.event_id = e.id ORDER BY th.name) AS themes
FROM events_event e
JOIN events_eventtype t ON t.id = e.event_type_id
JOIN events_eventcategory cat ON cat.id = t.category_id
LEFT JOIN sources_source s ON s.id = e.account_source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE e.public_id = %(event_id)s AND e.status IN ('published', 'retracted')
;
-- part: participants
-- Who took part, by role: each actor or organisation with its link and the role's note.
-- check: in-order
SELECT coalesce(a.name, o.name) AS name, coalesce(a.slug, o.slug) AS slug, p.role, p.note,
       a.kind AS actor_kind, ac.name AS actor_country
FROM events_participation p
LEFT JOIN actors_actor a ON a.id = p.actor_id
LEFT JOIN core_country ac ON ac.code = a.country_id
LEFT JOIN actors_organization o ON o.id = p.organization_id
WHERE p.event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
ORDER BY p.role, p.id
;
-- part: figures
-- The figures, by measure: each claim's value as stated, its rank, who claims it and the source it was
-- reported in (with grade and publisher). The best estimate, range and dispute of each measure are worked out
-- from these claims in Python (sources/claims.py), as the page does: not SQL work.
-- check: cells value
SELECT f.value, f.qualifier, f.low, f.high, f.rank, f.rank_reason, f.excerpt, f.as_of_date, f.public_id,
       m.name AS measure, m.slug AS measure_slug, m.kind AS measure_kind,
       coalesce(ca.name, co.name) AS claimant, coalesce(ca.slug, co.slug) AS claimant_slug,
       s.title AS source_title, s.url AS source_url, s.archive_url, s.published_date, s.reliability,
       s.language, publisher.name AS publisher
FROM events_figure f
JOIN events_measure m ON m.id = f.measure_id
LEFT JOIN actors_actor ca ON ca.id = f.claimant_actor_id
LEFT JOIN actors_organization co ON co.id = f.claimant_organization_id
JOIN sources_source s ON s.id = f.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE f.event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
ORDER BY m.position, m.name, f.id
;
-- part: citations
-- The sources that report the event, with the passage that does (the page lists them first among its sources,
-- then the figures' and the allegations' sources).
-- check: in-order
SELECT s.title, s.url, s.archive_url, s.published_date, s.reliability, s.language, publisher.name AS publisher,
       ci.excerpt, ci.locator
FROM events_citation ci
JOIN sources_source s ON s.id = ci.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE ci.event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
ORDER BY ci.id
;
-- part: allegations
-- Alleged violations of IHL: the provision (instrument, article, title), the allegation's status, note,
-- source and excerpt.
-- check: in-order
SELECT pr.title, pr.slug, pr.article, i.short_name, al.status, al.note, al.excerpt,
       s.title AS source_title, s.url AS source_url, s.reliability, s.language, publisher.name AS publisher
FROM ihl_allegation al
JOIN ihl_provision pr ON pr.id = al.provision_id
JOIN ihl_instrument i ON i.id = pr.instrument_id
JOIN sources_source s ON s.id = al.source_id
LEFT JOIN actors_organization publisher ON publisher.id = s.publisher_id
WHERE al.event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
ORDER BY i.position, pr.position, al.id
;
-- part: related
-- Related events (published ones), newest first, and the published briefs that cite the event.
-- check: in-order
SELECT r.title, r.public_id, r.start_date, r.end_date, r.date_precision, NULL AS organization
FROM events_event_related_events rel
JOIN events_event r ON r.id = rel.to_event_id AND r.status = 'published'
WHERE rel.from_event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
UNION ALL
(SELECT b.title, b.slug, b.published_date, NULL, NULL, o.name
 FROM briefs_brief_events be
 JOIN briefs_brief b ON b.id = be.brief_id AND b.status = 'published'
 JOIN actors_organization o ON o.id = b.organization_id
 WHERE be.event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
 ORDER BY b.published_date DESC, b.title)
;
-- part: changes
-- The public change log: the event's revisions (the fields readers see) and the revisions of every figure
-- that ever belonged to it, oldest first; the page compares consecutive revisions in Python. Synthetic events
-- have none.
-- check: none (the change log shows differences between revisions, not their values)
SELECT 'event' AS kind, h.id, h.history_id, h.history_date, h.history_type, h.history_change_reason,
       h.title, h.event_type_id, h.start_date, h.end_date, h.date_precision, h.date_note, h.region,
       h.place_name, h.latitude, h.longitude, h.geo_precision, h.summary, h.body, h.account_source_id,
       NULL::bigint AS event_id, NULL::integer AS value, NULL AS qualifier, NULL::integer AS low,
       NULL::integer AS high, NULL AS rank, NULL::bigint AS measure_id, NULL::bigint AS claimant_actor_id,
       NULL::bigint AS claimant_organization_id, NULL::bigint AS source_id, NULL::date AS as_of_date
FROM events_historicalevent h
WHERE h.id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s)
UNION ALL
SELECT 'figure', hf.id, hf.history_id, hf.history_date, hf.history_type, hf.history_change_reason,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       hf.event_id, hf.value, hf.qualifier, hf.low, hf.high, hf.rank, hf.measure_id, hf.claimant_actor_id,
       hf.claimant_organization_id, hf.source_id, hf.as_of_date
FROM events_historicalfigure hf
WHERE hf.id IN (SELECT h2.id FROM events_historicalfigure h2
                WHERE h2.event_id = (SELECT e.id FROM events_event e WHERE e.public_id = %(event_id)s))
ORDER BY kind, id, history_date, history_id
;
