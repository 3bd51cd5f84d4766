"""Copy events' date notes and places, participants' notes and figures' rank reasons, as they stood before
translation, into their English columns."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("events", "0015_add_note_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language(
                "events",
                {
                    "event": ["date_note", "place_name"],
                    "historicalevent": ["date_note", "place_name"],
                    "participation": ["note"],
                    "figure": ["rank_reason"],
                    "historicalfigure": ["rank_reason"],
                },
            ),
            migrations.RunPython.noop,
        )
    ]
