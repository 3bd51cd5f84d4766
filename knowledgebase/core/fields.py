"""Model fields shared by the domain apps."""

from django.db import models


class URLField(models.URLField):
    """A URL field whose form field reads a bare domain as https:// (Django 6's default, asked for now)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
