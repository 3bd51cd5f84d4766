"""On PostgreSQL, an index of published statistics by population type and origin, in the explorer's table
order (newest first: ``models.newest_first``), that also holds the date and value columns its charts and map
read. Filtered by type and origin, the table's page is then the index's first rows, and the yearly chart and
the map are index-only scans, instead of reading every matching row (3,000 of 500,000 at a million events)
three times. Nothing on SQLite, which writes no NULLS LAST in an index and has no covering indexes."""

from django.db import migrations

INDEX = "statistic_explorer_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON displacement_displacementstatistic "
        "(population_type, origin_country_id, (COALESCE(as_of_date, period_end)) DESC NULLS LAST, title, id) "
        "INCLUDE (as_of_date, period_end, value) WHERE status = 'published'"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("displacement", "0010_add_editor_help_texts")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
