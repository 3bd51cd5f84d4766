-- Floor of /search/?q=%(word)s (scenario "search"): one ranked search over actors, organisations, events and
-- briefs, 20 of each kind at most. The text query is the page's: websearch syntax under both configurations
-- ('english', stemmed, and 'kb_simple'), against the stored search_vector (GIN indexes), ranked with ts_rank
-- (core/search.py). Names are matched in the stored, case-folded search_names, as the page does; the page
-- puts the kinds on one scale in Python (pages/search.py).

-- part: actors
-- Actors one of whose names or aliases contains the query (up to 20, by name), then those whose names are
-- only close to it (trigram word similarity of at least 0.5, up to 20, closest first), with their aliases.
-- The page orders them by a name score worked out in Python. 1,000 synthetic actors: a scan. A trigram index
-- on search_names would serve both at a larger scale.
-- check: links-any /actors/{}/
WITH found AS (
    SELECT a.id, 0 AS kind_order, 0.0::real AS similarity, a.name
    FROM actors_actor a
    WHERE a.search_names LIKE '%%' || lower(%(word)s) || '%%'
    ORDER BY a.name
    LIMIT 20
), close AS (
    SELECT a.id, 1 AS kind_order, word_similarity(lower(%(word)s), a.search_names) AS similarity, a.name
    FROM actors_actor a
    WHERE word_similarity(lower(%(word)s), a.search_names) >= 0.5 AND a.id NOT IN (SELECT id FROM found)
    ORDER BY similarity DESC, a.id
    LIMIT 20
)
SELECT a.slug, a.name, a.kind, a.position, a.search_names, hit.kind_order,
       ARRAY(SELECT al.name FROM actors_actoralias al WHERE al.actor_id = a.id ORDER BY al.id) AS aliases
FROM (SELECT * FROM found UNION ALL SELECT * FROM close) AS hit
JOIN actors_actor a ON a.id = hit.id
ORDER BY hit.kind_order, hit.similarity DESC, hit.name
;
-- part: organizations
-- Organisations one of whose names contains the query, up to 20, by name.
-- check: links-any /organizations/{}/
SELECT o.slug, o.name, o.kind, o.search_names
FROM actors_organization o
WHERE o.search_names LIKE '%%' || lower(%(word)s) || '%%'
ORDER BY o.name
LIMIT 20
;
-- part: events
-- The 20 best-matching published events, each with its date, type, the passage that matched (ts_headline over
-- the summary and body, English first, for these 20 rows only) and its figures with measure and claimant,
-- from which the page takes the headline figure. As the page does, only the newest 500 matches are ranked
-- (rank, then newest, then id): the GIN index finds the matches, the newest 500 are kept, ranked on narrow
-- rows, and the 20 joined to what they show; whether more than 500 match (the page then says that only the
-- newest were ranked) is one more probe past the 500th.
-- check: links /events/{}/
WITH newest AS MATERIALIZED (
    SELECT e.id, e.start_date, e.search_vector
    FROM events_event e
    WHERE e.status = 'published'
      AND e.search_vector @@ (websearch_to_tsquery('english', %(word)s)
                              || websearch_to_tsquery('kb_simple', %(word)s))
    ORDER BY e.start_date DESC, e.id DESC
    LIMIT 500
), hit AS (
    SELECT n.id, n.start_date,
           ts_rank(n.search_vector, websearch_to_tsquery('english', %(word)s)
                                    || websearch_to_tsquery('kb_simple', %(word)s)) AS rank
    FROM newest n
    ORDER BY rank DESC, n.start_date DESC, n.id DESC
    LIMIT 20
)
SELECT e.public_id, e.title, e.start_date, e.end_date, e.date_precision, t.name AS type_name, hit.rank,
       ts_headline('english',
                   concat_ws(' … ', nullif(e.summary_en, ''), nullif(e.body_en, ''), nullif(e.summary_uk, ''),
                             nullif(e.body_uk, '')),
                   websearch_to_tsquery('english', %(word)s) || websearch_to_tsquery('kb_simple', %(word)s),
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxFragments=2, MaxWords=30, '
                   || 'MinWords=12, FragmentDelimiter=" … "') AS headline,
       (SELECT json_agg(json_build_object('measure', m.name, 'value', f.value, 'qualifier', f.qualifier,
                                          'low', f.low, 'high', f.high, 'rank', f.rank,
                                          'claimant', coalesce(ca.name, co.name))
                        ORDER BY m.position, m.name, f.id)
        FROM events_figure f
        JOIN events_measure m ON m.id = f.measure_id
        LEFT JOIN actors_actor ca ON ca.id = f.claimant_actor_id
        LEFT JOIN actors_organization co ON co.id = f.claimant_organization_id
        WHERE f.event_id = e.id) AS figures,
       EXISTS (SELECT 1
               FROM events_event more
               WHERE more.status = 'published'
                 AND more.search_vector @@ (websearch_to_tsquery('english', %(word)s)
                                            || websearch_to_tsquery('kb_simple', %(word)s))
               OFFSET 500) AS beyond_ranked
FROM hit
JOIN events_event e ON e.id = hit.id
JOIN events_eventtype t ON t.id = e.event_type_id
ORDER BY hit.rank DESC, hit.start_date DESC, hit.id DESC
;
-- part: briefs
-- The 20 best-matching published briefs, each with its organisation, date and the passage that matched.
-- check: links /briefs/{}/
SELECT b.slug, b.title, b.published_date, o.name AS organization, b.rank,
       ts_headline('english',
                   concat_ws(' … ', nullif(b.standfirst_en, ''), nullif(b.body_en, ''),
                             nullif(b.standfirst_uk, ''), nullif(b.body_uk, '')),
                   websearch_to_tsquery('english', %(word)s) || websearch_to_tsquery('kb_simple', %(word)s),
                   'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxFragments=2, MaxWords=30, '
                   || 'MinWords=12, FragmentDelimiter=" … "') AS headline
FROM (SELECT b.*, ts_rank(b.search_vector, websearch_to_tsquery('english', %(word)s)
                                           || websearch_to_tsquery('kb_simple', %(word)s)) AS rank
      FROM briefs_brief b
      WHERE b.status = 'published'
        AND b.search_vector @@ (websearch_to_tsquery('english', %(word)s)
                                || websearch_to_tsquery('kb_simple', %(word)s))
      ORDER BY rank DESC
      LIMIT 20) AS b
JOIN actors_organization o ON o.id = b.organization_id
ORDER BY b.rank DESC
;
