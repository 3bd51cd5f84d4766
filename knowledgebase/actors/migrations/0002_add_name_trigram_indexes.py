"""PostgreSQL only: the pg_trgm extension and trigram indexes on actor names and aliases.

They make the site search find misspelt or differently transliterated names
quickly. SQLite has no such index; the search falls back to difflib there.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEXES = [("Actor", "actor_name_trgm_idx"), ("ActorAlias", "actoralias_name_trgm_idx")]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model_name, index_name in INDEXES:
        model = apps.get_model("actors", model_name)
        schema_editor.add_index(model, GinIndex(fields=["name"], name=index_name, opclasses=["gin_trgm_ops"]))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index_name in INDEXES:
        model = apps.get_model("actors", model_name)
        schema_editor.remove_index(model, GinIndex(fields=["name"], name=index_name, opclasses=["gin_trgm_ops"]))


class Migration(migrations.Migration):
    dependencies = [("actors", "0001_initial")]
    operations = [migrations.RunPython(create_indexes, drop_indexes)]
