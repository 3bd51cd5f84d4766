-- Floor of /countries/ (scenario "countries"): the world map of the countries with published content, and its
-- table. Left out: the counts it shades and lists (events, statistics of people from and hosted in each
-- country: content_counts in pages/countries.py), memoised per content version in each process
-- (serving/content_version.py): the benchmark's capture warms them, so they are not part of the page's
-- steady-state SQL, nor of its floor. What remains is reading those countries' names: benchmarks/run.py
-- passes their codes (%(codes)s), read once before timing, as the memo holds them.

-- part: countries
-- The countries with published content, by name.
-- check: in-order
SELECT c.name, c.code
FROM core_country c
WHERE c.code = ANY (%(codes)s)
ORDER BY c.name
;
