"""PostgreSQL only: a GIN index on exactly the weighted search vector that
knowledgebase.core.search builds, so full-text search does not scan the table.
SQLite has no such index type; its search falls back to LIKE."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "event_search_vector_idx"


def search_vector():
    # The expression knowledgebase.core.search built then, frozen here as migrations must be.
    return SearchVector("search_document", weight="A", config="english") + SearchVector(
        "body", weight="C", config="english"
    )


def index():
    return GinIndex(search_vector(), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("events", "Event"), index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("events", "Event"), index())


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
