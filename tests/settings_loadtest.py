"""The test settings with the load-test app installed, for tests/loadtest (``--ds=tests.settings_loadtest``)."""

from tests.settings import *  # noqa: F403

if "knowledgebase.loadtest" not in INSTALLED_APPS:  # noqa: F405 - already there when LOADTEST=1
    INSTALLED_APPS = [*INSTALLED_APPS, "knowledgebase.loadtest"]  # noqa: F405
