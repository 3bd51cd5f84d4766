"""Copy statistics' as-of notes, as they stood before translation, into their English column, revisions
included."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("displacement", "0008_add_note_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language(
                "displacement",
                {"displacementstatistic": ["as_of_note"], "historicaldisplacementstatistic": ["as_of_note"]},
            ),
            migrations.RunPython.noop,
        )
    ]
