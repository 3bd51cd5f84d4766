"""The briefs app's tables as they stand, in one step: it replaces the five migrations that built them
(an expression index made and dropped again). Databases that ran those keep them; new ones run this."""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

# PostgreSQL only (SQLite has no GIN index; its search reads the text): the index on the stored vector.
INDEX = GinIndex(fields=["search_vector"], name="brief_stored_vector_idx")


def add_stored_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("briefs", "Brief"), INDEX)


def remove_stored_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("briefs", "Brief"), INDEX)


class Migration(migrations.Migration):
    replaces = [
        ("briefs", "0001_initial"),
        ("briefs", "0002_add_brief_search_index"),
        ("briefs", "0003_add_revision_history"),
        ("briefs", "0004_add_stored_search_vector"),
        ("briefs", "0005_index_stored_search_vector"),
    ]

    initial = True

    dependencies = [
        ("actors", "0001_initial"),
        ("actors", "0002_add_name_trigram_indexes"),
        ("core", "0001_initial"),
        ("displacement", "0001_initial"),
        ("events", "0001_initial"),
        ("sources", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Brief",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("review", "In review"),
                            ("published", "Published"),
                            ("retracted", "Retracted"),
                        ],
                        db_index=True,
                        default="draft",
                        help_text="Drafts and records in review are never public. Only a reviewer can publish or retract.",
                        max_length=16,
                        verbose_name="publication status",
                    ),
                ),
                (
                    "first_published_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="first published"),
                ),
                ("retracted_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="retracted")),
                (
                    "retraction_note",
                    models.TextField(
                        blank=True,
                        help_text="Shown to readers when the record is retracted: say why.",
                        verbose_name="retraction note",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="created"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="last changed"
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("slug", models.SlugField(max_length=200, unique=True, verbose_name="slug")),
                (
                    "standfirst",
                    models.TextField(help_text="The opening summary readers see first.", verbose_name="standfirst"),
                ),
                ("body", models.TextField(blank=True, help_text="Markdown. Raw HTML is removed.", verbose_name="body")),
                ("author", models.CharField(blank=True, max_length=200, verbose_name="author")),
                (
                    "published_date",
                    models.DateField(
                        blank=True,
                        help_text="Leave empty if the text is undated.",
                        null=True,
                        verbose_name="publication date",
                    ),
                ),
                ("is_featured", models.BooleanField(default=False, verbose_name="featured on the home page")),
                ("search_document", models.TextField(blank=True, editable=False)),
                (
                    "actors",
                    models.ManyToManyField(
                        blank=True, related_name="briefs", to="actors.actor", verbose_name="linked actors"
                    ),
                ),
                (
                    "events",
                    models.ManyToManyField(
                        blank=True, related_name="briefs", to="events.event", verbose_name="linked events"
                    ),
                ),
                (
                    "figures",
                    models.ManyToManyField(
                        blank=True, related_name="briefs", to="events.figure", verbose_name="linked figures"
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="briefs",
                        to="actors.organization",
                        verbose_name="author organisation",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        help_text="Where the text was first published, if elsewhere.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="briefs",
                        to="sources.source",
                        verbose_name="original publication",
                    ),
                ),
                (
                    "statistics",
                    models.ManyToManyField(
                        blank=True,
                        related_name="briefs",
                        to="displacement.displacementstatistic",
                        verbose_name="linked statistics",
                    ),
                ),
                (
                    "themes",
                    models.ManyToManyField(blank=True, related_name="briefs", to="core.theme", verbose_name="themes"),
                ),
            ],
            options={
                "verbose_name": "brief",
                "verbose_name_plural": "briefs",
                "ordering": ["-published_date", "title"],
                "permissions": [("publish_brief", "Can publish and retract briefs")],
            },
        ),
        migrations.CreateModel(
            name="Recommendation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(verbose_name="position")),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("governments", "Governments"),
                            ("organizations", "Organisations"),
                            ("individuals", "Individuals"),
                            ("parties", "Parties to the conflict"),
                            ("donors", "Donors"),
                        ],
                        max_length=16,
                        verbose_name="audience",
                    ),
                ),
                ("text", models.TextField(verbose_name="text")),
                (
                    "brief",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recommendations",
                        to="briefs.brief",
                        verbose_name="brief",
                    ),
                ),
            ],
            options={
                "verbose_name": "recommendation",
                "verbose_name_plural": "recommendations",
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("brief", "position"),
                        name="recommendation_unique_position",
                        violation_error_message="Two recommendations cannot share a position.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Takeaway",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField(verbose_name="position")),
                ("text", models.TextField(verbose_name="text")),
                (
                    "brief",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="takeaways",
                        to="briefs.brief",
                        verbose_name="brief",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="takeaways",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "key takeaway",
                "verbose_name_plural": "key takeaways",
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("brief", "position"),
                        name="takeaway_unique_position",
                        violation_error_message="Two takeaways cannot share a position.",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalBrief",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Draft"),
                            ("review", "In review"),
                            ("published", "Published"),
                            ("retracted", "Retracted"),
                        ],
                        db_index=True,
                        default="draft",
                        help_text="Drafts and records in review are never public. Only a reviewer can publish or retract.",
                        max_length=16,
                        verbose_name="publication status",
                    ),
                ),
                (
                    "first_published_at",
                    models.DateTimeField(blank=True, editable=False, null=True, verbose_name="first published"),
                ),
                ("retracted_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="retracted")),
                (
                    "retraction_note",
                    models.TextField(
                        blank=True,
                        help_text="Shown to readers when the record is retracted: say why.",
                        verbose_name="retraction note",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="created"),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("slug", models.SlugField(max_length=200, verbose_name="slug")),
                (
                    "standfirst",
                    models.TextField(help_text="The opening summary readers see first.", verbose_name="standfirst"),
                ),
                ("body", models.TextField(blank=True, help_text="Markdown. Raw HTML is removed.", verbose_name="body")),
                ("author", models.CharField(blank=True, max_length=200, verbose_name="author")),
                (
                    "published_date",
                    models.DateField(
                        blank=True,
                        help_text="Leave empty if the text is undated.",
                        null=True,
                        verbose_name="publication date",
                    ),
                ),
                ("is_featured", models.BooleanField(default=False, verbose_name="featured on the home page")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actors.organization",
                        verbose_name="author organisation",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Where the text was first published, if elsewhere.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="sources.source",
                        verbose_name="original publication",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical brief",
                "verbose_name_plural": "historical briefs",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="brief",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(add_stored_vector_index, remove_stored_vector_index),
    ]
