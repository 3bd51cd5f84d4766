"""The browser tests' fixtures, for the load-test pages checked in Chromium (test_pages_at_scale.py)."""

from tests.browser.conftest import browser, screenshot_dir, site  # noqa: F401
