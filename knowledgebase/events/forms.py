"""The event form as editors fill it in fast: one compact row per figure, a claimant typed by any of its
names, the event's cited source taken when a row names none, the as-of date taken from the event's day,
and the rows' selects read once for the whole form, not once a row."""

import itertools
import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import NAME_SEPARATOR, Actor, Organization, name_query
from knowledgebase.core.admin_workflow import PublicNoteForm
from knowledgebase.core.models import Theme
from knowledgebase.events.models import DatePrecision, EventType
from knowledgebase.sources.models import Source

CANDIDATES_SHOWN = 5
#: "Institute for the Study of War (ISW)": the acronym an organisation's label ends with.
TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")

UNKNOWN_CLAIMANT = _(
    "No actor or organisation is called “%(name)s”. Check the spelling, or add it first (Actors or Organisations)."
)
AMBIGUOUS_CLAIMANT = _("“%(name)s” could be %(candidates)s: type more of the name, or choose from the list.")
NO_CITED_SOURCE = _("Choose the source: the event cites no source to take it from.")
SEVERAL_CITED_SOURCES = _("Choose the source: the event cites several sources.")

#: A figure's fields shown behind its row's "more", one click away: the row holds the number's own.
DETAIL_FIELDS = ("excerpt", "rank_reason", "note")


# --- Who claims a figure, typed ---------------------------------------------------------------------


def _names(record):
    """Every name ``record`` is found by, folded: its names in every language, aliases, acronym, label."""
    return {*record.search_names.split(NAME_SEPARATOR), name_query(str(record))} - {""}


def _named_exactly(model, names):
    condition = Q()
    for name in names:
        condition |= (
            Q(search_names=name)
            | Q(search_names__startswith=name + NAME_SEPARATOR)
            | Q(search_names__endswith=NAME_SEPARATOR + name)
            | Q(search_names__contains=NAME_SEPARATOR + name + NAME_SEPARATOR)
        )
    return list(model.objects.filter(condition)[: CANDIDATES_SHOWN + 1])


def find_claimant(text):
    """The actor or organisation ``text`` names: one whose name in any language, alias, acronym or label
    is ``text`` (in any case and script), else the only one a name of which contains it. ValidationError
    when none does, or when several do."""
    query = name_query(text)
    bare = name_query(TRAILING_PARENTHESIS.sub("", text)) or query
    names = {query, bare}
    found = [*_named_exactly(Actor, names), *_named_exactly(Organization, names)]
    if not found:
        found = [
            *Actor.objects.search(bare)[: CANDIDATES_SHOWN + 1],
            *Organization.objects.search(bare)[: CANDIDATES_SHOWN + 1],
        ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValidationError(UNKNOWN_CLAIMANT, code="unknown", params={"name": text})
    candidates = ", ".join(f"“{record}”" for record in found[:CANDIDATES_SHOWN])
    raise ValidationError(AMBIGUOUS_CLAIMANT, code="ambiguous", params={"name": text, "candidates": candidates})


class ClaimantInput(forms.TextInput):
    """A text input; the admin's script turns it into a combobox that suggests actors and organisations
    from the admin's autocomplete (which finds aliases) as one types."""

    def __init__(self, attrs=None):
        super().__init__({"class": "figure-claimant", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})


# --- Selects that read their options once for every row ---------------------------------------------


class KnownLabelAutocomplete(AutocompleteSelect):
    """An autocomplete whose chosen option is labelled from the row already read with its formset
    (``known``: {pk: label}), instead of one query per row; any other value is read as Django reads it."""

    known = None

    def optgroups(self, name, value, attr=None):
        # A posted value that cannot be a key (a forged "abc") is an error the form reports: the select
        # shows nothing chosen rather than fail to look it up.
        value = [v for v in value if self._could_be_key(v)]
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or any(pk not in self.known for pk in selected):
            return super().optgroups(name, value, attr)
        options = (
            [] if self.is_required or self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        for pk in selected[: None if self.allow_multiple_selected else 1]:
            options.append(self.create_option(name, pk, self.known[pk], True, len(options)))
        return [(None, options, 0)]

    def _could_be_key(self, value):
        try:
            self.field.target_field.to_python(value)
        except ValidationError:
            return False
        return True


class CitedFirstSourceAutocomplete(KnownLabelAutocomplete):
    """A figure's source: the admin's script (static/js/admin-figures.js) lists the sources the event's
    Citations name first, then every source the search finds."""

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # Another class than Django's, so that its script leaves this select to ours.
        attrs["class"] = attrs["class"].replace("admin-autocomplete", "admin-autocomplete-cited")
        attrs["data-cited-label"] = _("Cited on this event")
        attrs["data-all-label"] = _("All sources")
        return attrs


class RowLabelsFormSet(BaseInlineFormSet):
    """Inline rows whose selects read their options once for the formset: a native select's options
    (``shared_choices``) once, an autocomplete's chosen label from the row's related record, read with the
    rows (the inline's ``select_related``)."""

    shared_choices = ()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for name, field in form.fields.items():
            if name in self.shared_choices:
                field.choices = self._choices_of(name, field)
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, KnownLabelAutocomplete):
                widget.known = self._known_label(form.instance, name, field)

    def _choices_of(self, name, field):
        listed = self.__dict__.setdefault("_listed_choices", {})
        if name not in listed:
            listed[name] = list(iter(field.choices))  # iter(): no COUNT query to size the list
        return listed[name]

    @staticmethod
    def _known_label(instance, name, field):
        model_field = instance._meta.get_field(name)
        if not model_field.is_cached(instance):
            return {}
        related = model_field.get_cached_value(instance)
        return {} if related is None else {str(related.pk): field.label_from_instance(related)}


# --- A figure's row -----------------------------------------------------------------------------------


class FigureRowForm(forms.ModelForm):
    """One claim as a row of the event form. The claimant is typed (any name, alias or acronym, in any
    case and script) or chosen from the suggestions, which fill the hidden actor or organisation."""

    claimant = forms.CharField(
        label=_("claimed by"),
        max_length=300,
        widget=ClaimantInput,
        help_text=_(
            "Who states the number: type an actor's or organisation's name, alias or acronym (“Lubinets”, "
            "“Лубінець”, “ISW”) and choose from the suggestions, or just type enough of it to name one."
        ),
    )
    claimant_actor = forms.ModelChoiceField(queryset=Actor.objects.all(), required=False, widget=forms.HiddenInput)
    claimant_organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.claimant_actor_id or self.instance.claimant_organization_id
        if stored and "claimant" not in self.initial:
            self.initial["claimant"] = str(self.instance.claimant)
        if "source" in self.fields:
            source = self.fields["source"]
            source.required = source.widget.is_required = False
            getattr(source.widget, "widget", source.widget).is_required = False  # the select inside "+"
            source.help_text = format_lazy(
                "{} {}", source.help_text, _("Left empty, it is the source the event cites, when it cites one.")
            )
        if "as_of_date" in self.fields:
            as_of = self.fields["as_of_date"]
            as_of.help_text = format_lazy(
                "{} {}", as_of.help_text, _("Left empty, it is the event's date, when the event is dated to the day.")
            )

    @property
    def details_have_errors(self):
        """Whether a field shown behind the row's "more" (``DETAIL_FIELDS``, in any language) has an error:
        the row then shows them open."""
        return any(name == field or name.startswith(f"{field}_") for name in self.errors for field in DETAIL_FIELDS)

    def _post_clean(self):
        super()._post_clean()
        # The model's "say who claims the number" concerns the hidden actor and organisation: say it where
        # the claimant is typed, once.
        for name in ("claimant_actor", "claimant_organization"):
            errors = self._errors.pop(name, None)
            if errors and "claimant" not in self._errors:
                self._errors["claimant"] = errors

    def clean(self):
        cleaned = super().clean()
        if not {"claimant", "claimant_actor", "claimant_organization"} & set(self.changed_data):
            return cleaned  # the stored claimant, as it was
        text = cleaned.get("claimant")
        if not text:
            cleaned["claimant_actor"] = cleaned["claimant_organization"] = None
            return cleaned
        chosen = cleaned.get("claimant_actor") or cleaned.get("claimant_organization")
        if chosen is None or name_query(text) not in _names(chosen) | {name_query(str(chosen))}:
            try:
                chosen = find_claimant(text)
            except ValidationError as error:
                self.add_error("claimant", error)
                chosen = None
        cleaned["claimant_actor"] = chosen if isinstance(chosen, Actor) else None
        cleaned["claimant_organization"] = chosen if isinstance(chosen, Organization) else None
        return cleaned


class FigureRowFormSet(RowLabelsFormSet):
    """The event's figures as rows. A new or changed row without a source takes the one source the event
    cites (``citations``: the Citation formset posted with it, else the stored citations); without an
    as-of date, the event's date when the event is dated to the day. ``check_publishing``, when the admin
    sets it, is called with the figures and whether the event cites a source, and returns an error that
    stops the save (a dispute going public unconfirmed) or None."""

    shared_choices = ("measure",)
    citations = None
    check_publishing = None

    def rows(self):
        """The forms that stand for a figure after the save: not deleted, not left empty."""
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            yield form

    def cited_sources(self):
        """{source pk: the source, or None when only its pk is at hand} the event cites as posted."""
        if self.citations is None:
            if self.instance.pk is None:
                return {}
            return {source.pk: source for source in Source.objects.filter(citations__event=self.instance)}
        cited = {}
        for form in self.citations.forms:
            data = getattr(form, "cleaned_data", None) or {}
            source = data.get("source")
            if source in (None, "") or self.citations._should_delete_form(form):
                continue
            cited[getattr(source, "pk", source)] = source if isinstance(source, Source) else None
        return cited

    def clean(self):
        super().clean()
        rows = list(self.rows())
        cited = self.cited_sources()
        self._take_defaults([form for form in rows if form.has_changed()], cited)
        if any(self.errors) or self.check_publishing is None:
            return
        error = self.check_publishing(figures=[form.instance for form in rows], cites_a_source=bool(cited))
        if error:
            raise ValidationError(error, code="unconfirmed")

    def _take_defaults(self, forms_, cited):
        event = self.instance
        day = event.start_date if event.date_precision == DatePrecision.DAY else None
        source = self._only_source(cited)
        for form in forms_:
            if not form.is_valid():
                continue
            if form.cleaned_data.get("source") is None:
                if source is None:
                    form.add_error("source", NO_CITED_SOURCE if not cited else SEVERAL_CITED_SOURCES)
                    continue
                form.cleaned_data["source"] = form.instance.source = source
            if form.cleaned_data.get("as_of_date") is None and day is not None:
                form.cleaned_data["as_of_date"] = form.instance.as_of_date = day

    @staticmethod
    def _only_source(cited):
        if len(cited) != 1:
            return None
        pk, source = next(iter(cited.items()))
        return source if source is not None else Source.objects.filter(pk=pk).first()


# --- The event's own form -------------------------------------------------------------------------


def event_type_choices():
    """The types as a select shows them: grouped by category, in the taxonomy's order (one query)."""
    types = EventType.objects.select_related("category").order_by("category__position", "category__name", "name")
    grouped = itertools.groupby(types, key=lambda event_type: event_type.category)
    return [("", "---------"), *((str(category), [(t.pk, str(t)) for t in rows]) for category, rows in grouped)]


class EventForm(PublicNoteForm):
    """The event form: the type as a select grouped by category (a small taxonomy: one choice, no search),
    and, for reviewers, the confirmation that publishes a dispute without a best estimate."""

    confirm_warnings = forms.BooleanField(
        label=_("Publish without a best estimate"),
        required=False,
        help_text=_(
            "Needed to publish, or to save a published event, when the claims of a measure contradict each other "
            "and none is ranked the best estimate: readers then see the range and every claim."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event_type = self.fields.get("event_type")
        if event_type is not None and not isinstance(getattr(event_type.widget, "widget", None), AutocompleteSelect):
            event_type.choices = event_type_choices()


class ThemeChoiceForm(forms.Form):
    """The theme a bulk action adds to the selected events."""

    theme = forms.ModelChoiceField(queryset=Theme.objects.order_by("name"), label=_("Theme to add"))
