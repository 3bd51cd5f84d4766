"""Create (or reset) the demo's reviewer and editor accounts and print their credentials."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from knowledgebase.core.workflow_groups import EDITOR, REVIEWER

ACCOUNTS = [("reviewer", REVIEWER), ("editor", EDITOR)]


class Command(BaseCommand):
    help = (
        "Create or reset the demo accounts 'reviewer' (can publish) and 'editor' (drafts only) with fresh random "
        "passwords, and print them. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never in production).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done, change nothing.")

    @transaction.atomic
    def handle(self, *args, force=False, dry_run=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for a local demo: run with DEBUG=1, or pass --force.")
        User = get_user_model()
        lines = []
        for username, group_name in ACCOUNTS:
            if dry_run:
                lines.append(f"would create or reset {username} ({group_name})")
                continue
            password = secrets.token_urlsafe(12)
            user, _created = User.objects.get_or_create(username=username)
            user.is_staff = True
            user.is_superuser = False
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            lines.append(f"{group_name:>8}: username {username}  password {password}")
        self.stdout.write(self.style.SUCCESS("Demo accounts for http://127.0.0.1:8000/admin/"))
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write(
            "  Second factor: optional in the demo, required whenever DEBUG is off. To enrol one, sign in,\n"
            "  open http://127.0.0.1:8000/account/two_factor/setup/ and scan the code with an authenticator\n"
            "  app (TOTP: Aegis, FreeOTP, Google Authenticator…); keep the backup codes it offers."
        )
