"""Load ISO 3166-1 countries (see knowledgebase/core/data/iso_3166_1.json for the source)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "iso_3166_1.json"


def load_countries(apps, schema_editor):
    Country = apps.get_model("core", "Country")
    rows = json.loads(DATA.read_text(encoding="utf-8"))["countries"]
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        [
            Country(code=r["code"], alpha_3=r["alpha_3"], numeric=r["numeric"], name=r["name"], iso_name=r["iso_name"])
            for r in rows
            if r["code"] not in existing
        ]
    )


def unload_countries(apps, schema_editor):
    apps.get_model("core", "Country").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_countries, unload_countries)]
