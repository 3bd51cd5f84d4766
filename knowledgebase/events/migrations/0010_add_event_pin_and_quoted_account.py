"""Reviewers pin events that the home page features first; an event's body can name the source it quotes
word for word, so that the event page shows it as a quotation from that source."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_remove_event_is_synthetic"),
        ("sources", "0003_remove_source_is_synthetic"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="account_source",
            field=models.ForeignKey(
                blank=True,
                help_text="The source whose words the body reproduces: the event page shows the body as a quotation from it. Leave empty when the body is written in your own words.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sources.source",
                verbose_name="body quoted from",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="is_pinned",
            field=models.BooleanField(
                default=False,
                help_text="Featured first on the home page while it is published. Only a reviewer can pin or unpin.",
                verbose_name="pinned on the home page",
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="account_source",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The source whose words the body reproduces: the event page shows the body as a quotation from it. Leave empty when the body is written in your own words.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="sources.source",
                verbose_name="body quoted from",
            ),
        ),
        migrations.AddField(
            model_name="historicalevent",
            name="is_pinned",
            field=models.BooleanField(
                default=False,
                help_text="Featured first on the home page while it is published. Only a reviewer can pin or unpin.",
                verbose_name="pinned on the home page",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("is_pinned", True)), fields=["-start_date", "-id"], name="event_pinned_idx"
            ),
        ),
    ]
