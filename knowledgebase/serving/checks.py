"""Deployment checks of this site's own settings (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_security_settings(app_configs, **kwargs):
    warnings = []
    if not settings.SECURITY_CONTACT:
        warnings.append(
            Warning(
                "SECURITY_CONTACT is not set: /.well-known/security.txt names a made-up address.",
                hint="Set SECURITY_CONTACT to a mailto: or https: address where vulnerabilities are reported.",
                id="knowledgebase.W001",
            )
        )
    if not settings.STAFF_2FA_REQUIRED:
        warnings.append(
            Warning(
                "STAFF_2FA_REQUIRED is off: staff can sign in with a password alone.",
                hint="Leave STAFF_2FA_REQUIRED unset (it is on whenever DEBUG is off).",
                id="knowledgebase.W002",
            )
        )
    if not settings.SESSION_COOKIE_SECURE:
        warnings.append(
            Warning(
                "SECURE_COOKIES is off: session and CSRF cookies are sent over plain HTTP.",
                hint="Only for `make serve` on your own machine; serve production over HTTPS with it on.",
                id="knowledgebase.W003",
            )
        )
    return warnings
