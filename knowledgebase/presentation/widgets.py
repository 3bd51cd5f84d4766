"""Choice widgets rendered in Python rather than one template per option.

Django renders each <option> and checkbox through the template engine, which
costs more than the rest of a filter page together when a list holds every
country. These render the same accessible markup (a label for every
checkbox) with format_html, escaping every value and label.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from knowledgebase.presentation.formatting import number


def _selected_values(value):
    values = value if isinstance(value, (list, tuple)) else [value]
    return {str(v) for v in values if v is not None and v != ""}


def _attributes(attrs):
    return format_html_join("", ' {}="{}"', ((key, val) for key, val in attrs.items() if val not in (None, False)))


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = _selected_values(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in selected else "", label) for key, label in self.choices),
        )
        multiple = mark_safe(" multiple") if self.allow_multiple_selected else ""
        return format_html('<select name="{}"{}{}>{}</select>', name, _attributes(attrs), multiple, options)


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id", f"id_{name}")
        selected = _selected_values(value)
        boxes = format_html_join(
            "",
            '<div><label for="{}_{}"><input type="checkbox" name="{}" value="{}" id="{}_{}"{}> {}</label></div>',
            (
                (
                    base_id,
                    index,
                    name,
                    key,
                    base_id,
                    index,
                    mark_safe(" checked") if str(key) in selected else "",
                    label,
                )
                for index, (key, label) in enumerate(self.choices)
            ),
        )
        return format_html('<div id="{}">{}</div>', base_id, boxes)


class FacetCheckboxes(forms.CheckboxSelectMultiple):
    """A facet of a list: the values that have published content, each with how much, as checkboxes in a
    list of limited height (site.css) that stays usable without JavaScript. A long list comes with a text
    box, hidden until static/js/enhance.js shows it, that narrows the list to the values it names.

    Its choices are (value, label, count) triples, selected values first; a selected value without content
    is listed too, with 0, so that it can be unticked (``missing`` gives the labels of such values)."""

    #: A list longer than this gets the text box that narrows it.
    FIND_FROM = 8

    def __init__(self, attrs=None, *, find_label="", count_text=None, missing=None):
        super().__init__(attrs)
        self.find_label, self.count_text, self.missing = find_label, count_text, missing

    def _options(self, selected):
        options = list(self.choices)
        known = {value for value, _label, _count in options}
        absent = sorted(selected - known)
        if absent and self.missing is not None:
            options += [(value, label, 0) for value, label in self.missing(absent)]
        return [o for o in options if o[0] in selected] + [o for o in options if o[0] not in selected]

    def _count(self, count):
        if self.count_text is None:
            return format_html('<span class="facet-count">{}</span>', number(count))
        return format_html(
            '<span class="facet-count" aria-hidden="true">{}</span><span class="visually-hidden">, {}</span>',
            number(count),
            self.count_text % {"count": count},
        )

    def _fragment(self, key, label, count):
        """The part of an option that does not depend on the request: its value, escaped, and its label and
        count as HTML."""
        return escape(key), format_html('<span class="facet-label">{}</span> {}', label, self._count(count))

    def _fragments(self):
        """{key: ``_fragment``} of every choice, kept with the choices when they are kept (``MemoisedFacet``):
        a page formats and escapes each value once per content version, not on every view."""

        def build():
            return {key: self._fragment(key, label, count) for key, label, count in self.choices}

        if isinstance(self.choices, MemoisedFacet):
            from knowledgebase.serving.content_version import memoised

            return memoised(f"{self.choices.name}:facet-html", build)
        return build()

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = escape(attrs.get("id", f"id_{name}"))
        selected = _selected_values(value)
        options = self._options(selected)
        fragments = self._fragments()
        field_name = escape(name)
        boxes = []
        for index, (key, label, count) in enumerate(options):
            value_html, text = fragments.get(key) or self._fragment(key, label, count)
            checked = " checked" if key in selected else ""
            boxes.append(
                f'<li><label for="{base_id}_{index}"><input type="checkbox" name="{field_name}" value="{value_html}" '
                f'id="{base_id}_{index}"{checked}> {text}</label></li>'
            )
        boxes = mark_safe("".join(boxes))  # noqa: S308 - every value, label and attribute above is escaped
        if not options:
            return format_html(
                '<div class="facet" id="{}"><p class="facet-empty">{}</p></div>',
                base_id,
                _("Nothing to choose from yet."),
            )
        finder = ""
        if self.find_label and len(options) > self.FIND_FROM:
            finder = format_html(
                '<p class="facet-find" hidden><label for="{}_find">{}</label>'
                '<input type="search" id="{}_find" autocomplete="off" aria-controls="{}_options"></p>'
                '<p class="facet-none" hidden aria-live="polite">{}</p>',
                base_id,
                self.find_label,
                base_id,
                base_id,
                _("Nothing in this list matches."),
            )
        return format_html(
            '<div class="facet" id="{}" data-enhance="facet">{}<ul class="facet-options" id="{}_options">{}</ul></div>',
            base_id,
            finder,
            base_id,
            boxes,
        )


@dataclass(frozen=True)
class Facet:
    """How a FilterSet shows one of its filters as a facet (``FacetCheckboxes``): ``count(queryset)`` keeps
    the values of the filter's queryset that have published content, each annotated with ``facet_count``.

    A filter of plain choices (no queryset), or one whose counts come from a query another facet shares,
    gives ``counted()`` instead: the (value, label, count) of each value with content, in the list's order."""

    count: Callable | None = None
    find_label: str = ""
    count_text: str | None = None
    counted: Callable | None = None


class MemoisedChoicesMixin:
    """For a FilterSet: its choice widgets render lists built once per content version (see
    ``caching.memoised``) instead of reading every country, type and theme from the database and
    making a model instance of each on every request. Validation still uses the fields' querysets.

    The filters named in ``facets`` are shown as ``FacetCheckboxes``: only the values with published
    content, each with its count, built once per content version too (one aggregate query each)."""

    #: {filter name: Facet}
    facets = {}

    def memo_name(self, name):
        return f"{type(self).__module__}.{type(self).__qualname__}.{name}"

    @property
    def form(self):
        form = super().form
        if not getattr(form, "choices_memoised", False):
            for name, field in form.fields.items():
                facet = self.facets.get(name)
                if facet is not None:
                    field.widget = FacetCheckboxes(
                        field.widget.attrs,
                        find_label=facet.find_label,
                        count_text=facet.count_text,
                        missing=functools.partial(_labels_of if hasattr(field, "queryset") else _choice_labels, field),
                    )
                    field.widget.choices = MemoisedFacet(self.memo_name(name), field, facet)
                elif isinstance(field.widget, FastSelect | FastCheckboxSelectMultiple) and hasattr(field, "queryset"):
                    field.widget.choices = MemoisedChoices(self.memo_name(name), field)
            form.choices_memoised = True
        return form


def _key(field, obj):
    return str(getattr(obj, field.to_field_name or "pk"))


def _labels_of(field, keys):
    """(key, label) of the values of ``field`` named by ``keys`` (one query)."""
    lookup = f"{field.to_field_name or 'pk'}__in"
    return [(_key(field, obj), str(field.label_from_instance(obj))) for obj in field.queryset.filter(**{lookup: keys})]


def _choice_labels(field, keys):
    """(key, label) of the plain choices of ``field`` named by ``keys``, in the choices' order."""
    wanted = set(keys)
    return [(str(key), str(label)) for key, label in field.choices if str(key) in wanted]


class MemoisedChoices(BaseChoiceIterator):
    """A field's (value, label) choices, read only when a widget renders them (a page that filters
    without showing the form reads none), then kept as ``caching.memoised`` keeps them."""

    def __init__(self, name, field):
        self.name, self.field = name, field

    def __iter__(self):
        from knowledgebase.serving.content_version import memoised

        return iter(memoised(self.name, lambda: [(str(value), str(label)) for value, label in self.field.choices]))


class MemoisedFacet(MemoisedChoices):
    """A facet's (value, label, count) choices, read when the widget renders them, kept as
    ``caching.memoised`` keeps them (once per content version and language)."""

    def __init__(self, name, field, facet):
        super().__init__(name, field)
        self.facet = facet

    def build(self):
        field = self.field
        if self.facet.counted is not None:
            return [(str(value), str(label), count) for value, label, count in self.facet.counted()]
        return [
            (_key(field, obj), str(field.label_from_instance(obj)), obj.facet_count)
            for obj in self.facet.count(field.queryset)
        ]

    def __iter__(self):
        from knowledgebase.serving.content_version import memoised

        return iter(memoised(f"{self.name}:facet", self.shared))

    def shared(self):
        """Built once per content version for every process that shares the cache (Redis), and kept
        no longer than the memo keeps it, so that without Redis a process sees another's change as late
        as its memo would."""
        from django.conf import settings
        from django.core.cache import cache
        from django.utils.translation import get_language

        from knowledgebase.serving.content_version import content_version

        key = f"facet:{self.name}:{content_version()}:{get_language()}"
        choices = cache.get(key)
        if choices is None:
            choices = self.build()
            cache.set(key, choices, timeout=settings.FORM_CHOICES_SECONDS)
        return choices


class DateRangeWidget(django_filters.widgets.DateRangeWidget):
    """Two date inputs, each with its own label (axe flags one label for two inputs)."""

    template_name = "widgets/date_range.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})
