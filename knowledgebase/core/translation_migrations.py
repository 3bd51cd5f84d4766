"""What the data migrations of translated fields do: fill the default language's columns from the originals.

A database that had content before the fields were translated keeps it in the original columns; the
migration copies it into the English columns (as modeltranslation's ``update_translation_fields`` command
would), revision history included, so every record and revision reads the same as before.
"""

import gettext

import pycountry
from django.db.models import F

DEFAULT_LANGUAGE = "en"


def copy_into_default_language(app_label, fields_by_model):
    """A RunPython function copying each ``{model name: [field, ...]}`` original column into its English one
    where that is still empty."""

    def forwards(apps, schema_editor):
        for model_name, fields in fields_by_model.items():
            model = apps.get_model(app_label, model_name)
            for field in fields:
                empty = {f"{field}_{DEFAULT_LANGUAGE}__isnull": True}
                model.objects.filter(**empty).update(**{f"{field}_{DEFAULT_LANGUAGE}": F(field)})

    return forwards


def ukrainian_country_name(english_name):
    """A country's Ukrainian name, as the iso-codes project translates ISO 3166-1 (shipped with pycountry)."""
    return _iso_3166_catalogue("uk").gettext(english_name)


def _iso_3166_catalogue(language):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
