"""Staff sign-in: lockout after repeated failures (django-axes), a second factor (django-two-factor-auth),
sessions that end after a working day, and what reviewers see of it all."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains

from knowledgebase.core.workflow_groups import EDITOR, REVIEWER
from tests.signin import LOGIN_URL, sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db, django_user_model):
    def make(username, group=EDITOR):
        user = django_user_model.objects.create_user(username=username, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))
        return user

    return make


def fail(client, username, times, address="192.0.2.10"):
    return [sign_in(client, username, "wrong password", address=address) for _ in range(times)]


def test_eight_wrong_passwords_lock_the_account_even_against_the_right_one(client, staff):
    staff("olena")

    attempts = fail(client, "olena", 8)
    right = sign_in(client, "olena", PASSWORD, address="192.0.2.10")

    assert [response.status_code for response in attempts[:4]] == [200] * 4  # the form, with its error
    assert {response.status_code for response in attempts[4:]} == {429}  # the fifth failure locks
    assert right.status_code == 429
    html = right.content.decode()
    assert "Sign-in locked" in html and "failed attempts to sign in" in html and "“olena”" in html
    assert "Try again in 30 minutes" in html
    assert right["Retry-After"] == str(30 * 60)
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_a_username_and_an_address_together(client, staff):
    """One attacker cannot lock out a whole office behind one address, nor one colleague everywhere."""
    staff("olena")
    staff("taras")
    fail(client, "olena", 6)

    colleague = sign_in(client, "taras", PASSWORD, address="192.0.2.10")
    client.logout()
    elsewhere = sign_in(client, "olena", PASSWORD, address="198.51.100.20")

    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_a_reviewer_lifts_a_lockout_from_the_admin(client, staff):
    staff("olena")
    reviewer = staff("rev", REVIEWER)
    fail(client, "olena", 6)
    attempt = AccessAttempt.objects.get(username="olena")

    client.force_login(reviewer)
    listing = client.get("/admin/axes/accessattempt/")
    client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    client.logout()

    assert listing.status_code == 200 and "olena" in listing.content.decode()
    assert not AccessAttempt.objects.filter(username="olena").exists()
    assert sign_in(client, "olena", PASSWORD, address="192.0.2.10").status_code == 302


def test_a_reviewer_sees_recent_sign_ins_and_an_editor_does_not(client, staff):
    staff("olena")
    reviewer = staff("rev", REVIEWER)
    sign_in(client, "olena", PASSWORD)
    editor = client.session.get("_auth_user_id")
    client.logout()

    client.force_login(reviewer)
    sign_ins = client.get("/admin/axes/accesslog/")
    client.force_login(staff("ed2"))
    refused = client.get("/admin/axes/accesslog/")

    assert editor is not None
    assert sign_ins.status_code == 200 and "olena" in sign_ins.content.decode()
    assert refused.status_code == 403


def test_staff_sessions_end_after_a_working_day_without_activity():
    assert settings.SESSION_COOKIE_AGE <= 10 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST


# --- the second factor -----------------------------------------------------------------------------


@pytest.fixture
def second_factor_required(settings):
    settings.STAFF_2FA_REQUIRED = True


def test_the_admin_sign_in_is_the_two_step_login(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(response["Location"])["Location"].startswith(LOGIN_URL)


def test_with_a_second_factor_required_a_password_alone_opens_nothing_but_enrolment(
    client, staff, second_factor_required
):
    staff("olena")

    signed_in = sign_in(client, "olena", PASSWORD)
    admin = client.get("/admin/events/event/")
    login = client.get(admin["Location"])

    assert signed_in.status_code == 302
    assert admin.status_code == 302
    assert login.status_code == 302 and login["Location"] == "/account/two_factor/setup/"
    assert client.get("/account/two_factor/setup/").status_code == 200


def test_with_an_enrolled_device_the_code_is_asked_and_opens_the_admin(client, staff, second_factor_required):
    user = staff("olena")
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)

    wrong = sign_in(client, "olena", PASSWORD)
    assert wrong.status_code == 200 and "token" in wrong.content.decode().lower()
    client.logout()
    signed_in = sign_in(client, "olena", PASSWORD, device=device)

    assert signed_in.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_sign_in(client, staff, second_factor_required):
    user = staff("olena")
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    sign_in(client, "olena", PASSWORD)

    response = client.post(
        f"{LOGIN_URL}?next=/admin/", {"login_view-current_step": "token", "token-otp_token": "000000"}
    )

    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_in_the_demo_the_second_factor_is_optional(client, staff, settings):
    settings.STAFF_2FA_REQUIRED = False
    staff("olena")

    sign_in(client, "olena", PASSWORD)

    assert client.get("/admin/").status_code == 200


def test_enrolment_pages_use_no_outside_files(client, staff, second_factor_required):
    staff("olena")
    sign_in(client, "olena", PASSWORD)

    html = client.get("/account/two_factor/setup/").content.decode()

    assert "cdnjs" not in html and "//" not in html.replace("http://", "").replace("https://", "")


def test_the_reviewers_dashboard_shows_sign_ins_and_lockouts(client, staff):
    staff("olena")
    staff("taras")
    reviewer = staff("rev", REVIEWER)
    sign_in(client, "olena", PASSWORD)
    client.logout()
    fail(client, "taras", 5)

    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()

    assert "Staff sign-ins" in html
    assert "<td>olena</td>" in html
    assert "Locked after repeated failures:" in html and "taras (192.0.2.10" in html


def test_an_editors_dashboard_has_no_sign_in_records(editor_client):
    assert "Staff sign-ins" not in editor_client.get("/admin/").content.decode()


def test_every_admin_page_links_to_the_second_factor(editor_client):
    assertContains(editor_client.get("/admin/"), 'href="/account/two_factor/"')
    assert editor_client.get("/account/two_factor/").status_code == 200
