"""The events app's tables as they stand, in one step: it replaces the nine migrations that built them
(an expression index made and dropped again, a constraint rewritten, a column added and removed).
Databases that ran those keep their history; new ones run this."""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import knowledgebase.core.models

# PostgreSQL only (SQLite has no GIN index; its search reads the text): the index on the stored vector.
INDEX = GinIndex(fields=["search_vector"], name="event_stored_vector_idx")


def add_stored_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("events", "Event"), INDEX)


def remove_stored_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("events", "Event"), INDEX)


class Migration(migrations.Migration):
    replaces = [
        ("events", "0001_initial"),
        ("events", "0002_add_event_search_index"),
        ("events", "0003_add_revision_history"),
        ("events", "0004_require_both_coordinates"),
        ("events", "0005_add_filter_indexes"),
        ("events", "0006_add_stored_search_vector"),
        ("events", "0007_index_stored_search_vector"),
        ("events", "0008_index_event_countries_by_country"),
        ("events", "0009_remove_event_is_synthetic"),
    ]

    initial = True

    dependencies = [
        ("actors", "0001_initial"),
        ("actors", "0002_add_name_trigram_indexes"),
        ("core", "0001_initial"),
        ("sources", "0001_initial"),
        ("sources", "0002_use_https_url_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EventCategory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=100, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
            ],
            options={
                "verbose_name": "event category",
                "verbose_name_plural": "event categories",
                "ordering": ["position", "name"],
            },
        ),
        migrations.CreateModel(
            name="Citation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("excerpt", models.TextField(blank=True, verbose_name="excerpt")),
                (
                    "locator",
                    models.CharField(
                        blank=True, help_text="Page, paragraph or timestamp.", max_length=100, verbose_name="locator"
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="citations",
                        to="sources.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "citation",
                "verbose_name_plural": "citations",
                "ordering": ["id"],
            },
        ),
        migrations.CreateModel(
            name="Event",
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
                (
                    "public_id",
                    models.SlugField(
                        default=knowledgebase.core.models.generate_public_id,
                        editable=False,
                        help_text="Part of the permalink; never changes, even when the title does.",
                        max_length=16,
                        unique=True,
                        verbose_name="public identifier",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("slug", models.SlugField(max_length=200, unique=True, verbose_name="slug")),
                (
                    "start_date",
                    models.DateField(
                        help_text="For a month or a year, the first day of it; the precision says how to read it.",
                        verbose_name="date",
                    ),
                ),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="end date")),
                (
                    "date_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("season", "Season"),
                            ("year", "Year"),
                            ("approximate", "Approximate"),
                        ],
                        default="day",
                        max_length=16,
                        verbose_name="date precision",
                    ),
                ),
                (
                    "date_note",
                    models.CharField(
                        blank=True,
                        help_text="How the source dates it when it is vague, e.g. 'over the past few weeks'.",
                        max_length=200,
                        verbose_name="date note",
                    ),
                ),
                (
                    "region",
                    models.CharField(
                        blank=True, help_text="Oblast, province or area.", max_length=200, verbose_name="region"
                    ),
                ),
                ("place_name", models.CharField(blank=True, max_length=200, verbose_name="place")),
                (
                    "latitude",
                    models.DecimalField(blank=True, decimal_places=5, max_digits=8, null=True, verbose_name="latitude"),
                ),
                (
                    "longitude",
                    models.DecimalField(
                        blank=True, decimal_places=5, max_digits=8, null=True, verbose_name="longitude"
                    ),
                ),
                (
                    "geo_precision",
                    models.CharField(
                        choices=[
                            ("exact", "Exact point"),
                            ("near", "Near a place"),
                            ("region", "Region"),
                            ("country", "Country"),
                        ],
                        default="country",
                        max_length=16,
                        verbose_name="geographic precision",
                    ),
                ),
                (
                    "summary",
                    models.TextField(help_text="One or two sentences readers see in lists.", verbose_name="summary"),
                ),
                ("body", models.TextField(blank=True, help_text="Markdown. Raw HTML is removed.", verbose_name="body")),
                ("acled_event_id", models.CharField(blank=True, max_length=40, verbose_name="ACLED event id")),
                ("glide_number", models.CharField(blank=True, max_length=40, verbose_name="GLIDE number")),
                ("wikidata_qid", models.CharField(blank=True, max_length=20, verbose_name="Wikidata QID")),
                (
                    "has_disputed_figures",
                    models.BooleanField(
                        db_index=True, default=False, editable=False, verbose_name="has disputed figures"
                    ),
                ),
                ("search_document", models.TextField(blank=True, editable=False)),
                (
                    "countries",
                    models.ManyToManyField(
                        blank=True,
                        help_text="Every country the event concerns: an exchange concerns both sides.",
                        related_name="events",
                        to="core.country",
                        verbose_name="countries",
                    ),
                ),
                (
                    "related_events",
                    models.ManyToManyField(blank=True, to="events.event", verbose_name="related events"),
                ),
                (
                    "sources",
                    models.ManyToManyField(
                        blank=True, related_name="events", through="events.Citation", to="sources.source"
                    ),
                ),
                (
                    "themes",
                    models.ManyToManyField(blank=True, related_name="events", to="core.theme", verbose_name="themes"),
                ),
            ],
            options={
                "verbose_name": "event",
                "verbose_name_plural": "events",
                "ordering": ["-start_date", "-id"],
                "permissions": [("publish_event", "Can publish and retract events")],
            },
        ),
        migrations.AddField(
            model_name="citation",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="citations",
                to="events.event",
                verbose_name="event",
            ),
        ),
        migrations.CreateModel(
            name="EventType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=100, unique=True, verbose_name="slug")),
                ("description", models.TextField(blank=True, verbose_name="description")),
                (
                    "category",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="types",
                        to="events.eventcategory",
                        verbose_name="category",
                    ),
                ),
            ],
            options={
                "verbose_name": "event type",
                "verbose_name_plural": "event types",
                "ordering": ["category__position", "name"],
            },
        ),
        migrations.AddField(
            model_name="event",
            name="event_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="events",
                to="events.eventtype",
                verbose_name="type",
            ),
        ),
        migrations.CreateModel(
            name="Figure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "value",
                    models.PositiveBigIntegerField(
                        help_text="The number as stated, e.g. 200 for 'over 200'.", verbose_name="value"
                    ),
                ),
                (
                    "qualifier",
                    models.CharField(
                        choices=[
                            ("exact", "exactly"),
                            ("more-than", "more than"),
                            ("at-least", "at least"),
                            ("less-than", "less than"),
                            ("up-to", "up to"),
                            ("about", "about"),
                        ],
                        default="exact",
                        help_text="How the source states it: 'over 200' is 'more than' 200; 'up to 230' is 'up to' 230.",
                        max_length=16,
                        verbose_name="qualifier",
                    ),
                ),
                ("low", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="low bound")),
                ("high", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="high bound")),
                (
                    "excerpt",
                    models.TextField(
                        blank=True, help_text="The words of the source that state the number.", verbose_name="excerpt"
                    ),
                ),
                (
                    "as_of_date",
                    models.DateField(
                        blank=True, help_text="The date the number refers to.", null=True, verbose_name="as of"
                    ),
                ),
                (
                    "rank",
                    models.CharField(
                        choices=[
                            ("preferred", "Preferred (best estimate)"),
                            ("normal", "Normal"),
                            ("deprecated", "Deprecated (superseded or shown wrong)"),
                        ],
                        default="normal",
                        max_length=16,
                        verbose_name="rank",
                    ),
                ),
                (
                    "rank_reason",
                    models.CharField(
                        blank=True,
                        help_text="Why this claim is preferred, or why it is deprecated.",
                        max_length=300,
                        verbose_name="reason for rank",
                    ),
                ),
                (
                    "public_id",
                    models.SlugField(
                        default=knowledgebase.core.models.generate_public_id,
                        editable=False,
                        max_length=16,
                        unique=True,
                        verbose_name="public identifier",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "claimant_actor",
                    models.ForeignKey(
                        blank=True,
                        help_text="Who states the number. Fill this or the organisation, not both.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="claimed by (actor)",
                    ),
                ),
                (
                    "claimant_organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="actors.organization",
                        verbose_name="claimed by (organisation)",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="figures",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        help_text="Where the claim was published or reported.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sources.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "figure",
                "verbose_name_plural": "figures",
                "ordering": ["measure__position", "measure__name", "id"],
            },
        ),
        migrations.CreateModel(
            name="FigureBreakdown",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "dimension",
                    models.CharField(
                        choices=[
                            ("sex", "Sex"),
                            ("status", "Military or civilian"),
                            ("service", "Service or branch"),
                            ("pow-status", "POW status"),
                        ],
                        max_length=16,
                        verbose_name="dimension",
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        help_text="e.g. 'civilian', 'female', 'Navy'.", max_length=100, verbose_name="category"
                    ),
                ),
                ("value", models.PositiveBigIntegerField(verbose_name="value")),
                (
                    "figure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="breakdowns",
                        to="events.figure",
                        verbose_name="figure",
                    ),
                ),
            ],
            options={
                "verbose_name": "breakdown",
                "verbose_name_plural": "breakdowns",
                "ordering": ["dimension", "category"],
            },
        ),
        migrations.CreateModel(
            name="Measure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                ("slug", models.SlugField(max_length=200, unique=True, verbose_name="slug")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("count", "Count"),
                            ("returned", "People returned to a country in an exchange"),
                            ("ordinal", "Sequence number"),
                        ],
                        default="count",
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(blank=True, verbose_name="description")),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                (
                    "country",
                    models.ForeignKey(
                        blank=True,
                        help_text="For people returned in an exchange: the country they returned to.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.country",
                        verbose_name="country",
                    ),
                ),
            ],
            options={
                "verbose_name": "measure",
                "verbose_name_plural": "measures",
                "ordering": ["position", "name"],
            },
        ),
        migrations.AddField(
            model_name="figure",
            name="measure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="figures",
                to="events.measure",
                verbose_name="measure",
            ),
        ),
        migrations.CreateModel(
            name="Participation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("party", "Party"),
                            ("mediator", "Mediator"),
                            ("perpetrator", "Alleged perpetrator"),
                            ("victim", "Victim or target"),
                            ("released", "Released or exchanged"),
                            ("announcer", "Announcer"),
                            ("observer", "Observer"),
                        ],
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="participations",
                        to="actors.actor",
                        verbose_name="actor",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participations",
                        to="events.event",
                        verbose_name="event",
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="participations",
                        to="actors.organization",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "participation",
                "verbose_name_plural": "participations",
                "ordering": ["role", "id"],
            },
        ),
        migrations.AddConstraint(
            model_name="citation",
            constraint=models.UniqueConstraint(
                fields=("event", "source"),
                name="citation_unique_source_per_event",
                violation_error_message="This source is already cited for this event.",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["status", "-start_date", "-id"], name="event_status_date_idx"),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True), ("end_date__gte", models.F("start_date")), _connector="OR"
                ),
                name="event_end_not_before_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(("acled_event_id", ""), _negated=True),
                fields=("acled_event_id",),
                name="event_unique_acled_id",
                violation_error_message="Another event already has this ACLED event id.",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(("wikidata_qid", ""), _negated=True),
                fields=("wikidata_qid",),
                name="event_unique_wikidata_qid",
                violation_error_message="Another event already has this Wikidata QID.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figurebreakdown",
            constraint=models.UniqueConstraint(
                fields=("figure", "dimension", "category"),
                name="breakdown_unique_category",
                violation_error_message="This category is already given for this figure.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figurebreakdown",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0)),
                name="breakdown_value_not_negative",
                violation_error_message="A count cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "returned"), _negated=True), ("country__isnull", False), _connector="OR"
                ),
                name="measure_returned_has_country",
                violation_error_message="Say which country the people returned to.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0)),
                name="figure_value_not_negative",
                violation_error_message="A count cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(("low__isnull", True), ("low__lte", models.F("value")), _connector="OR"),
                name="figure_low_not_above_value",
                violation_error_message="The low bound cannot be greater than the value.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(("high__isnull", True), ("high__gte", models.F("value")), _connector="OR"),
                name="figure_high_not_below_value",
                violation_error_message="The high bound cannot be less than the value.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("low__isnull", True), ("high__isnull", True), ("low__lte", models.F("high")), _connector="OR"
                ),
                name="figure_low_not_above_high",
                violation_error_message="The low bound cannot be greater than the high bound.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(("low__isnull", True), ("low__gte", 0), _connector="OR"),
                name="figure_low_not_negative",
                violation_error_message="A bound cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("claimant_actor__isnull", False), ("claimant_organization__isnull", True)),
                    models.Q(("claimant_actor__isnull", True), ("claimant_organization__isnull", False)),
                    _connector="OR",
                ),
                name="figure_one_claimant",
                violation_error_message="Say who claims the number: one actor or one organisation, not both.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.CheckConstraint(
                condition=models.Q(("rank", "normal"), models.Q(("rank_reason", ""), _negated=True), _connector="OR"),
                name="figure_rank_has_reason",
                violation_error_message="A preferred or deprecated claim needs the reason for its rank.",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rank", "preferred")),
                fields=("event", "measure"),
                name="figure_one_preferred_per_measure",
                violation_error_message="Another figure for this measure is already preferred.",
            ),
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("actor__isnull", False), ("organization__isnull", True)),
                    models.Q(("actor__isnull", True), ("organization__isnull", False)),
                    _connector="OR",
                ),
                name="participation_one_participant",
                violation_error_message="Choose an actor or an organisation, not both.",
            ),
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("actor__isnull", False)),
                fields=("event", "actor", "role"),
                name="participation_unique_actor_role",
                violation_error_message="This actor already has this role in the event.",
            ),
        ),
        migrations.AddConstraint(
            model_name="participation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("organization__isnull", False)),
                fields=("event", "organization", "role"),
                name="participation_unique_organization_role",
                violation_error_message="This organisation already has this role in the event.",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalEvent",
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
                (
                    "public_id",
                    models.SlugField(
                        default=knowledgebase.core.models.generate_public_id,
                        editable=False,
                        help_text="Part of the permalink; never changes, even when the title does.",
                        max_length=16,
                        verbose_name="public identifier",
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="title")),
                ("slug", models.SlugField(max_length=200, verbose_name="slug")),
                (
                    "start_date",
                    models.DateField(
                        help_text="For a month or a year, the first day of it; the precision says how to read it.",
                        verbose_name="date",
                    ),
                ),
                ("end_date", models.DateField(blank=True, null=True, verbose_name="end date")),
                (
                    "date_precision",
                    models.CharField(
                        choices=[
                            ("day", "Day"),
                            ("week", "Week"),
                            ("month", "Month"),
                            ("season", "Season"),
                            ("year", "Year"),
                            ("approximate", "Approximate"),
                        ],
                        default="day",
                        max_length=16,
                        verbose_name="date precision",
                    ),
                ),
                (
                    "date_note",
                    models.CharField(
                        blank=True,
                        help_text="How the source dates it when it is vague, e.g. 'over the past few weeks'.",
                        max_length=200,
                        verbose_name="date note",
                    ),
                ),
                (
                    "region",
                    models.CharField(
                        blank=True, help_text="Oblast, province or area.", max_length=200, verbose_name="region"
                    ),
                ),
                ("place_name", models.CharField(blank=True, max_length=200, verbose_name="place")),
                (
                    "latitude",
                    models.DecimalField(blank=True, decimal_places=5, max_digits=8, null=True, verbose_name="latitude"),
                ),
                (
                    "longitude",
                    models.DecimalField(
                        blank=True, decimal_places=5, max_digits=8, null=True, verbose_name="longitude"
                    ),
                ),
                (
                    "geo_precision",
                    models.CharField(
                        choices=[
                            ("exact", "Exact point"),
                            ("near", "Near a place"),
                            ("region", "Region"),
                            ("country", "Country"),
                        ],
                        default="country",
                        max_length=16,
                        verbose_name="geographic precision",
                    ),
                ),
                (
                    "summary",
                    models.TextField(help_text="One or two sentences readers see in lists.", verbose_name="summary"),
                ),
                ("body", models.TextField(blank=True, help_text="Markdown. Raw HTML is removed.", verbose_name="body")),
                ("acled_event_id", models.CharField(blank=True, max_length=40, verbose_name="ACLED event id")),
                ("glide_number", models.CharField(blank=True, max_length=40, verbose_name="GLIDE number")),
                ("wikidata_qid", models.CharField(blank=True, max_length=20, verbose_name="Wikidata QID")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "event_type",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="events.eventtype",
                        verbose_name="type",
                    ),
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
            ],
            options={
                "verbose_name": "historical event",
                "verbose_name_plural": "historical events",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalFigure",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                (
                    "value",
                    models.PositiveBigIntegerField(
                        help_text="The number as stated, e.g. 200 for 'over 200'.", verbose_name="value"
                    ),
                ),
                (
                    "qualifier",
                    models.CharField(
                        choices=[
                            ("exact", "exactly"),
                            ("more-than", "more than"),
                            ("at-least", "at least"),
                            ("less-than", "less than"),
                            ("up-to", "up to"),
                            ("about", "about"),
                        ],
                        default="exact",
                        help_text="How the source states it: 'over 200' is 'more than' 200; 'up to 230' is 'up to' 230.",
                        max_length=16,
                        verbose_name="qualifier",
                    ),
                ),
                ("low", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="low bound")),
                ("high", models.PositiveBigIntegerField(blank=True, null=True, verbose_name="high bound")),
                (
                    "excerpt",
                    models.TextField(
                        blank=True, help_text="The words of the source that state the number.", verbose_name="excerpt"
                    ),
                ),
                (
                    "as_of_date",
                    models.DateField(
                        blank=True, help_text="The date the number refers to.", null=True, verbose_name="as of"
                    ),
                ),
                (
                    "rank",
                    models.CharField(
                        choices=[
                            ("preferred", "Preferred (best estimate)"),
                            ("normal", "Normal"),
                            ("deprecated", "Deprecated (superseded or shown wrong)"),
                        ],
                        default="normal",
                        max_length=16,
                        verbose_name="rank",
                    ),
                ),
                (
                    "rank_reason",
                    models.CharField(
                        blank=True,
                        help_text="Why this claim is preferred, or why it is deprecated.",
                        max_length=300,
                        verbose_name="reason for rank",
                    ),
                ),
                (
                    "public_id",
                    models.SlugField(
                        default=knowledgebase.core.models.generate_public_id,
                        editable=False,
                        max_length=16,
                        verbose_name="public identifier",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=300, verbose_name="note")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "claimant_actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Who states the number. Fill this or the organisation, not both.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actors.actor",
                        verbose_name="claimed by (actor)",
                    ),
                ),
                (
                    "claimant_organization",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actors.organization",
                        verbose_name="claimed by (organisation)",
                    ),
                ),
                (
                    "event",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="events.event",
                        verbose_name="event",
                    ),
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
                    "measure",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="events.measure",
                        verbose_name="measure",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        help_text="Where the claim was published or reported.",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="sources.source",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical figure",
                "verbose_name_plural": "historical figures",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("latitude__isnull", True), ("longitude__isnull", True)),
                    models.Q(
                        ("latitude__gte", -90),
                        ("latitude__isnull", False),
                        ("latitude__lte", 90),
                        ("longitude__gte", -180),
                        ("longitude__isnull", False),
                        ("longitude__lte", 180),
                    ),
                    _connector="OR",
                ),
                name="event_coordinates_valid",
                violation_error_message="Give both latitude (−90 to 90) and longitude (−180 to 180), or neither.",
            ),
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["event_type", "-start_date", "-id"], name="event_type_date_idx"),
        ),
        migrations.AddField(
            model_name="event",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(add_stored_vector_index, remove_stored_vector_index),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS events_event_countries_country_event_idx ON events_event_countries (country_id, event_id)",
            reverse_sql="DROP INDEX IF EXISTS events_event_countries_country_event_idx",
        ),
    ]
