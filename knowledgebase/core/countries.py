"""ISO 3166-1 reference data (see data/iso_3166_1.json for its source)."""

import json
from pathlib import Path

from knowledgebase.core.translation_migrations import ukrainian_country_name

DATA = Path(__file__).resolve().parent / "data" / "iso_3166_1.json"


def load_iso_countries(country_model):
    """Insert the countries that are missing, with their Ukrainian names once the model has them;
    ``country_model`` may be a migration's historical model."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))["countries"]
    existing = set(country_model.objects.values_list("code", flat=True))
    translated = any(field.name == "name_uk" for field in country_model._meta.fields)
    missing = [
        country_model(
            code=r["code"],
            alpha_3=r["alpha_3"],
            numeric=r["numeric"],
            name=r["name"],
            iso_name=r["iso_name"],
            **({"name_en": r["name"], "name_uk": ukrainian_country_name(r["name"])} if translated else {}),
        )
        for r in rows
        if r["code"] not in existing
    ]
    country_model.objects.bulk_create(missing)
    return len(missing)
