"""Choice widgets rendered in Python rather than one template per option.

Django renders each <option> and checkbox through the template engine, which
costs more than the rest of a filter page together when a list holds every
country. These render the same accessible markup (a label for every
checkbox) with format_html, escaping every value and label.
"""

import django_filters
from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


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


class MemoisedChoicesMixin:
    """For a FilterSet: its choice widgets render lists built once per content version (see
    ``caching.memoised``) instead of reading every country, type and theme from the database and
    making a model instance of each on every request. Validation still uses the fields' querysets."""

    def memo_name(self, name):
        return f"{type(self).__module__}.{type(self).__qualname__}.{name}"

    @property
    def form(self):

        form = super().form
        if not getattr(form, "choices_memoised", False):
            for name, field in form.fields.items():
                if isinstance(field.widget, FastSelect | FastCheckboxSelectMultiple) and hasattr(field, "queryset"):
                    field.widget.choices = MemoisedChoices(self.memo_name(name), field)
            form.choices_memoised = True
        return form


class MemoisedChoices(BaseChoiceIterator):
    """A field's (value, label) choices, read only when a widget renders them (a page that filters
    without showing the form reads none), then kept as ``caching.memoised`` keeps them."""

    def __init__(self, name, field):
        self.name, self.field = name, field

    def __iter__(self):
        from knowledgebase.serving.content_version import memoised

        return iter(memoised(self.name, lambda: [(str(value), str(label)) for value, label in self.field.choices]))


class DateRangeWidget(django_filters.widgets.DateRangeWidget):
    """Two date inputs, each with its own label (axe flags one label for two inputs)."""

    template_name = "widgets/date_range.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})
