"""ISO 3166-1 reference data (see data/iso_3166_1.json for its source)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "iso_3166_1.json"


def load_iso_countries(country_model):
    """Insert the countries that are missing; ``country_model`` may be a migration's historical model."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))["countries"]
    existing = set(country_model.objects.values_list("code", flat=True))
    missing = [
        country_model(
            code=r["code"], alpha_3=r["alpha_3"], numeric=r["numeric"], name=r["name"], iso_name=r["iso_name"]
        )
        for r in rows
        if r["code"] not in existing
    ]
    country_model.objects.bulk_create(missing)
    return len(missing)
