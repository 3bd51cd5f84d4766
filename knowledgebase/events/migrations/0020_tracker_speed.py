"""The POW exchange tracker's summary (``ExchangeSummary``): a row per published prisoner exchange with
its date and its largest live sequence-number claim, filled here from the events and figures, so that
the tracker's count reads a few rows instead of every figure of every exchange."""

import django.db.models.deletion
from django.db import migrations, models

FILL_BATCH = 2000


def fill(apps, schema_editor):
    """One row per published exchange, with its largest live sequence-number claim (the latest among
    equal numbers): two reads, whatever the number of exchanges."""
    event_model = apps.get_model("events", "Event")
    figure_model = apps.get_model("events", "Figure")
    summary_model = apps.get_model("events", "ExchangeSummary")
    exchanges = event_model.objects.filter(status="published", event_type__slug="prisoner-exchange")
    largest = {}
    claims = (
        figure_model.objects.filter(event__in=exchanges.values("pk"), measure__kind="ordinal")
        .exclude(rank="deprecated")
        .order_by("event_id", "-value", "-id")
        .values_list("event_id", "pk", "value")
    )
    for event_id, figure_id, value in claims.iterator(chunk_size=FILL_BATCH):
        largest.setdefault(event_id, (figure_id, value))
    rows = (
        summary_model(event_id=pk, start_date=start_date, sequence_figure_id=figure_id, sequence_number=number)
        for pk, start_date in exchanges.values_list("pk", "start_date").iterator(chunk_size=FILL_BATCH)
        for figure_id, number in [largest.get(pk, (None, None))]
    )
    summary_model.objects.bulk_create(rows, batch_size=FILL_BATCH)


class Migration(migrations.Migration):
    dependencies = [("events", "0019_list_speed")]

    operations = [
        migrations.CreateModel(
            name="ExchangeSummary",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                ("start_date", models.DateField(verbose_name="date")),
                ("sequence_number", models.PositiveBigIntegerField(null=True, verbose_name="sequence number")),
                (
                    "sequence_figure",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="events.figure",
                        verbose_name="sequence claim",
                    ),
                ),
            ],
            options={
                "verbose_name": "exchange summary",
                "verbose_name_plural": "exchange summaries",
                "indexes": [
                    models.Index(
                        condition=models.Q(("sequence_figure__isnull", False)),
                        fields=["-sequence_number", "-start_date", "-sequence_figure"],
                        name="exchange_summary_sequence_idx",
                    ),
                    models.Index(fields=["start_date"], name="exchange_summary_date_idx"),
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
