"""Two gunicorn servers on two loopback ports, sharing one PostgreSQL and one Redis.

Publishing through one server is visible through the other at once (the page
cache's content version lives in Redis), and a login made on one server is
valid on the other (sessions live in the shared database), second factor included.
Runs against PostgreSQL only: the SQLite test database lives in memory, so no
second process can share it.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from knowledgebase.core.countries import load_iso_countries
from knowledgebase.core.models import Country
from knowledgebase.core.workflow_groups import REVIEWER, sync_workflow_groups
from tests.deploy.conftest import ROOT, free_port, redis_available, wait_for
from tests.factories import EventFactory
from tests.signin import current_code

PASSWORD = "a long pass phrase for the test"


pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
        reason="needs PostgreSQL: two servers cannot share SQLite's in-memory test database",
    ),
    pytest.mark.skipif(not redis_available(), reason="needs Redis at 127.0.0.1:6379"),
]


@pytest.fixture
def servers(transactional_db, tmp_path):
    """Start two servers on the test database; yield their base URLs."""
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "SECRET_KEY": "scale-out-test-" + "k" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_WORKERS": "2",
        "DJANGO_SETTINGS_MODULE": "knowledgebase.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run([sys.executable, "-c", "import redis; redis.Redis(db=14).flushdb()"], cwd=ROOT, env=env, check=True)
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "python:knowledgebase.gunicorn",
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_for(url)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


class Browser:
    """A cookie-keeping HTTP client (only http://127.0.0.1 URLs are opened)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url):
        try:
            response = self.opener.open(url, timeout=10)  # noqa: S310 - loopback test servers
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url, data, referer):
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": referer})  # noqa: S310 - loopback test servers
        try:
            response = self.opener.open(request, timeout=10)  # noqa: S310 - loopback test servers
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def sign_in(browser, base, username, device):
    """The two-step login: password, then the code the device shows (required with DEBUG off)."""
    login = base + "/account/login/?next=/admin/"
    browser.get(login)
    password_step = {"login_view-current_step": "auth", "auth-username": username, "auth-password": PASSWORD}
    status, html = browser.post(login, password_step, referer=login)
    assert status == 200 and "token-otp_token" in html
    code_step = {"login_view-current_step": "token", "token-otp_token": current_code(device)}
    status, html = browser.post(login, code_step, referer=login)
    assert status == 200 and "Log out" in html


def test_publishing_on_one_server_shows_on_the_other_and_logins_work_on_both(servers, django_user_model):
    load_iso_countries(Country)
    sync_workflow_groups(django_apps)
    # The servers run the production hashers, not the tests' fast one.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        reviewer = django_user_model.objects.create_user("rev", password=PASSWORD, is_staff=True)
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    device = TOTPDevice.objects.create(user=reviewer, name="default", confirmed=True)
    EventFactory(published=True, title="Already public")
    draft = EventFactory(title="Published through server A")
    first, second = servers
    reader = Browser()

    assert "Already public" in reader.get(second + "/events/")[1]  # warm server B's cache
    assert "Published through server A" not in reader.get(second + "/events/")[1]

    editor = Browser()
    sign_in(editor, first, "rev", device)
    changelist = first + "/admin/events/event/"
    editor.get(changelist)
    # Bulk publishing shows what each record changes first, then publishes once confirmed.
    status, html = editor.post(
        changelist, {"action": "publish_selected", "_selected_action": [draft.pk]}, referer=changelist
    )
    assert status == 200 and "Publish records" in html
    status, _html = editor.post(
        changelist, {"action": "publish_selected", "_selected_action": [draft.pk], "apply": "1"}, referer=changelist
    )
    assert status == 200

    status, html = reader.get(second + "/events/")
    assert status == 200 and "Published through server A" in html
    assert re.search(r"2\s+events", html)

    # Cookies belong to the host, not the port: like servers behind one load balancer.
    status, html = editor.get(second + "/admin/")
    assert status == 200 and "Log out" in html
