"""Property-based requests generated from the OpenAPI schema: no server error, no schema violation.

Two checks are left out, every other one runs:
- "schema-valid requests are accepted": filter values name rows of the database (a type slug, a
  country code), which a schema cannot list, so a random string is rightly refused with a
  documented 400;
- "schema-violating requests are refused": paging is lenient on purpose, as on the HTML pages
  (a page size that is not a number falls back to the default).
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from knowledgebase.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def published_content(demo_content):
    """The demo, and Django's per-request connection closing switched off as the test client does it:
    the WSGI app runs inside the test's transaction, whose connection must stay open."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield demo_content
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, published_content):
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
