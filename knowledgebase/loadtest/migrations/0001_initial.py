"""The side table that records which rows of the product's tables the synthetic-data generator made."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SyntheticIdRange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "model",
                    models.CharField(
                        help_text="App label and model name, e.g. events.event.", max_length=100, verbose_name="model"
                    ),
                ),
                ("first_id", models.BigIntegerField(verbose_name="first id")),
                ("last_id", models.BigIntegerField(verbose_name="last id")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
            ],
            options={
                "verbose_name": "synthetic id range",
                "verbose_name_plural": "synthetic id ranges",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("first_id__lte", models.F("last_id"))),
                        name="loadtest_range_first_not_after_last",
                        violation_error_message="The first id of a range cannot come after its last.",
                    )
                ],
            },
        ),
    ]
