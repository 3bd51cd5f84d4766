"""The deployment checks of the site's own settings (manage.py check --deploy)."""

import pytest


@pytest.mark.parametrize(
    ("setting", "value", "warning"),
    [
        ("SECURITY_CONTACT", "", "knowledgebase.W001"),
        ("STAFF_2FA_REQUIRED", False, "knowledgebase.W002"),
        ("SESSION_COOKIE_SECURE", False, "knowledgebase.W003"),
    ],
)
def test_the_deployment_check_names_a_weak_production_setting(settings, setting, value, warning):
    from knowledgebase.serving.checks import check_security_settings

    settings.SECURITY_CONTACT = "mailto:security@kb.example.org"
    settings.STAFF_2FA_REQUIRED = True
    settings.SESSION_COOKIE_SECURE = True
    assert check_security_settings(None) == []

    setattr(settings, setting, value)

    assert [message.id for message in check_security_settings(None)] == [warning]
