"""PostgreSQL only: fill the stored search vector, and index it with GIN in place of the expression
index of 0002 (ranking now reads the stored vector rather than parsing the text of every match)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

OLD_INDEX = "brief_search_vector_idx"
NEW_INDEX = "brief_stored_vector_idx"


def vector():
    # The expression of knowledgebase.core.search.search_vector, frozen here as migrations must be.
    return SearchVector("search_document", weight="A", config="english") + SearchVector(
        "body", weight="C", config="english"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("briefs", "Brief")
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    model.objects.update(search_vector=vector())
    schema_editor.add_index(model, GinIndex(fields=["search_vector"], name=NEW_INDEX))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("briefs", "Brief")
    schema_editor.remove_index(model, GinIndex(fields=["search_vector"], name=NEW_INDEX))
    schema_editor.add_index(model, GinIndex(vector(), name=OLD_INDEX))


class Migration(migrations.Migration):
    dependencies = [("briefs", "0004_add_stored_search_vector")]
    operations = [migrations.RunPython(forwards, backwards)]
