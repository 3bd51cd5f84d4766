"""On PostgreSQL, indexes of published statistics for the explorer without a country: its newest-first table
unfiltered and by population type (``models.newest_first``), which otherwise joins and sorts every statistic
(50,000 at 100,000 events: 130 ms for 25 rows), and the largest figures the home page heads with (170 ms).
Nothing on SQLite, which writes no NULLS LAST in an index."""

from django.db import migrations

NEWEST = "(COALESCE(as_of_date, period_end)) DESC NULLS LAST, title, id"
INDEXES = {
    "statistic_newest_idx": NEWEST,
    "statistic_type_newest_idx": f"population_type, {NEWEST}",
    "statistic_largest_idx": "value DESC",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON displacement_displacementstatistic ({columns}) "
            "WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("displacement", "0012_country_profile_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
