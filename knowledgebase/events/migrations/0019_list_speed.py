"""Each event's theme keys on its own row (``theme_keys``, filled from the relation, as 0018 did its country
codes), and on PostgreSQL covering indexes of published events in the public list's date order, so that the
list's selection (its capped count, the keys of its first rows and the map of them: ``pages.event_selection``)
is read by an index-only scan: the date and key it is sorted by, and what its cheap filters and its map read
(the type, the dispute flag, the country codes, the theme keys). One in the list's own order, one within each
type (a type filter, with or without a country). Nothing but the column on SQLite, which has no covering
indexes (and no million events)."""

from collections import defaultdict

from django.db import migrations

import knowledgebase.core.fields

INDEXES = {
    "event_published_list_idx": (
        "(start_date DESC, id DESC) INCLUDE (event_type_id, has_disputed_figures, country_codes, theme_keys)"
    ),
    "event_published_type_list_idx": "(event_type_id, start_date DESC, id DESC) INCLUDE (country_codes)",
}


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE events_event e SET theme_keys = t.keys FROM ("
            "  SELECT event_id, array_agg(theme_id::text ORDER BY theme_id::text)::varchar(12)[] AS keys"
            "  FROM events_event_themes GROUP BY event_id"
            ") t WHERE t.event_id = e.id"
        )
        for name, columns in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON events_event {columns} WHERE status = 'published'"
            )
        return
    event_model = apps.get_model("events", "Event")
    keys = defaultdict(list)
    for event_id, theme_id in event_model.themes.through.objects.values_list("event_id", "theme_id"):
        keys[event_id].append(str(theme_id))
    for event_id, event_keys in keys.items():
        event_model.objects.filter(pk=event_id).update(theme_keys=sorted(event_keys))


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("events", "0018_event_country_codes")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="theme_keys",
            field=knowledgebase.core.fields.CodeListField(max_length=12, verbose_name="theme keys"),
        ),
        migrations.RunPython(fill, unfill),
    ]
