"""Each event's country codes on its own row (``country_codes``), filled from the relation, and on
PostgreSQL a GIN index over the type and the codes of published events (``btree_gin`` lets the type's
integer share the index): the list's country and country + type filters read it instead of joining
a million rows of the relation."""

from collections import defaultdict

from django.db import migrations

import knowledgebase.core.fields

INDEX = "event_published_type_countries_gin"


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "UPDATE events_event e SET country_codes = c.codes FROM ("
            "  SELECT event_id, array_agg(country_id ORDER BY country_id)::varchar(3)[] AS codes"
            "  FROM events_event_countries GROUP BY event_id"
            ") c WHERE c.event_id = e.id"
        )
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON events_event USING gin (event_type_id, country_codes) "
            "WHERE status = 'published'"
        )
        return
    event_model = apps.get_model("events", "Event")
    codes = defaultdict(list)
    for event_id, code in event_model.countries.through.objects.order_by("country_id").values_list(
        "event_id", "country_id"
    ):
        codes[event_id].append(code)
    for event_id, event_codes in codes.items():
        event_model.objects.filter(pk=event_id).update(country_codes=event_codes)


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("events", "0017_add_editor_help_texts")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="country_codes",
            field=knowledgebase.core.fields.CodeListField(verbose_name="country codes"),
        ),
        migrations.RunPython(fill, unfill),
    ]
