"""Copy the events app's content, as it stood before translation, into its English columns."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("events", "0012_add_content_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language(
                "events",
                {
                    "eventcategory": ["name", "description"],
                    "eventtype": ["name", "description"],
                    "measure": ["name", "description"],
                    "event": ["title", "summary", "body"],
                    "historicalevent": ["title", "summary", "body"],
                },
            ),
            migrations.RunPython.noop,
        )
    ]
