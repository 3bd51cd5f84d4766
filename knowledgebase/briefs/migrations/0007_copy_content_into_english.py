"""Copy the briefs app's content, as it stood before translation, into its English columns."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("briefs", "0006_add_content_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language(
                "briefs",
                {
                    "brief": ["title", "standfirst", "body"],
                    "historicalbrief": ["title", "standfirst", "body"],
                    "takeaway": ["text"],
                    "recommendation": ["text"],
                },
            ),
            migrations.RunPython.noop,
        )
    ]
