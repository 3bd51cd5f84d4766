"""Load ISO 3166-1 countries (see knowledgebase/core/data/iso_3166_1.json for the source)."""

from django.db import migrations

from knowledgebase.core.countries import load_iso_countries


def load_countries(apps, schema_editor):
    load_iso_countries(apps.get_model("core", "Country"))


def unload_countries(apps, schema_editor):
    apps.get_model("core", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, unload_countries)]
