"""Copy themes and country names into their English columns, and give every country its Ukrainian name."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language, ukrainian_country_name

copy_themes_and_countries = copy_into_default_language("core", {"theme": ["name", "description"], "country": ["name"]})


def name_countries_in_ukrainian(apps, schema_editor):
    Country = apps.get_model("core", "Country")
    countries = list(Country.objects.filter(name_uk__isnull=True))
    for country in countries:
        country.name_uk = ukrainian_country_name(country.name_en)
    Country.objects.bulk_update(countries, ["name_uk"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_add_content_translations")]

    operations = [
        migrations.RunPython(copy_themes_and_countries, migrations.RunPython.noop),
        migrations.RunPython(name_countries_in_ukrainian, migrations.RunPython.noop),
    ]
