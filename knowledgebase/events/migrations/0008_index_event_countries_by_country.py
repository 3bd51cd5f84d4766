"""Index the event–country links by country: the country filter reads them from that side.

The auto-created link table has an index on event_id and the unique (event_id, country_id) pair,
but nothing that starts with country_id, so a country filter scanned the whole pair index.
"""

from django.db import migrations

INDEX = "events_event_countries_country_event_idx"


class Migration(migrations.Migration):
    dependencies = [("events", "0007_index_stored_search_vector")]
    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON events_event_countries (country_id, event_id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
