"""The case-folded body in every language (``search_body``, which SQLite searches: its LIKE folds ASCII only),
filled for the briefs there are; on PostgreSQL, the stored vector rebuilt to hold the document under both
text-search configurations and each language's body under its own (see knowledgebase.core.search)."""

from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

BATCH = 500


def fold(*texts):
    return " ".join(" ".join(text.split()) for text in texts if text).casefold()


def vector():
    # The expression of knowledgebase.core.search.search_vector, frozen here as migrations must be.
    return (
        SearchVector("search_document", weight="A", config="english")
        + SearchVector("search_document", weight="A", config="kb_simple")
        + SearchVector("body_en", weight="C", config="english")
        + SearchVector("body_uk", weight="C", config="kb_simple")
    )


def english_vector():
    # The expression before (migration 0005).
    return SearchVector("search_document", weight="A", config="english") + SearchVector(
        "body", weight="C", config="english"
    )


def fill(apps, schema_editor):
    model = apps.get_model("briefs", "Brief")
    rows = model.objects.order_by("pk").values_list("pk", "body_en", "body_uk")
    batch = []
    for pk, english, ukrainian in rows.iterator(chunk_size=BATCH):
        batch.append(model(pk=pk, search_body=fold(english, ukrainian)))
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, ["search_body"])
            batch = []
    model.objects.bulk_update(batch, ["search_body"])
    if schema_editor.connection.vendor == "postgresql":
        model.objects.update(search_vector=vector())


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        apps.get_model("briefs", "Brief").objects.update(search_vector=english_vector())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_add_simple_search_configuration"),
        ("briefs", "0007_copy_content_into_english"),
    ]

    operations = [
        migrations.AddField(
            model_name="brief",
            name="search_body",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, unfill),
    ]
