"""Driving the admin as a browser does: the values of a form as it would post them, and the records
every workflow test runs over."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from knowledgebase.briefs.models import Brief
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event
from tests.factories import (
    BriefFactory,
    EventFactory,
    StatisticFactory,
)

PUBLISHABLE = [
    pytest.param(Event, EventFactory, id="event"),
    pytest.param(DisplacementStatistic, StatisticFactory, id="statistic"),
    pytest.param(Brief, BriefFactory, id="brief"),
]


class FormValues(HTMLParser):
    """What a browser would submit from one form of a page (``form_id`` None: the first form without an id)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values = {}
        self.select = None
        self.textarea = None
        self.text = []

    def add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value") or ("on" if kind in {"checkbox", "radio"} else ""))
        elif tag == "select" and attrs.get("name"):
            self.select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None, "chosen": []}
        elif tag == "option" and self.select is not None:
            value = attrs.get("value") or ""
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and attrs.get("name"):
            self.textarea, self.text = attrs["name"], []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            select, self.select = self.select, None
            chosen = select["chosen"]
            if not chosen and not select["multiple"] and select["first"] is not None:
                chosen = [select["first"]]
            for value in chosen:
                self.add(select["name"], value)
        elif tag == "textarea" and self.textarea:
            self.add(self.textarea, "".join(self.text).removeprefix("\n"))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text.append(data)


def form_values(response, form_id=None):
    parser = FormValues(form_id)
    parser.feed(response.content.decode())
    return parser.values


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def admin_form(client, model, obj=None):
    """The values of the admin's add form (``obj`` None) or change form, as a browser would post them."""
    url = admin_url(model, "change", obj.pk) if obj else admin_url(model, "add")
    response = client.get(url)
    assert response.status_code == 200
    return url, form_values(response, f"{model._meta.model_name}_form")


def status_of(obj):
    return type(obj).objects.values_list("status", flat=True).get(pk=obj.pk)


def action_choices(client, model):
    response = client.get(admin_url(model, "changelist"))
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


def run_action(client, model, action, objects, **extra):
    data = {"action": action, "index": "0", "_selected_action": [obj.pk for obj in objects], **extra}
    return client.post(admin_url(model, "changelist"), data)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]
