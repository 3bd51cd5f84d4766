"""Create the demo's reviewer and editor accounts and print their credentials and the address to sign in at.

Passwords are random and kept in var/demo_accounts.json (readable by its owner only), per database, so that
running the command again (every `make demo` does) prints the same ones. A password its owner has changed
since is left alone and not shown; `--reset` sets new ones.
"""

import ipaddress
import json
import os
import re
import secrets
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import connection, transaction

from knowledgebase.core.workflow_groups import EDITOR, REVIEWER

ACCOUNTS = [("reviewer", REVIEWER), ("editor", EDITOR)]
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# What runserver accepts for "every interface", and the address a browser on this machine opens instead.
ALL_INTERFACES = {"0.0.0.0": "127.0.0.1", "0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}  # noqa: S104
HOST_NAME = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)

# What happens to an account's password on this run.
NEW, KEPT, RESET, CHANGED, UNKNOWN = "new", "kept", "reset", "changed", "unknown"


def default_accounts_file():
    """var/demo_accounts.json beside the demo's database (``settings.DEMO_ACCOUNTS_FILE`` when set)."""
    return Path(getattr(settings, "DEMO_ACCOUNTS_FILE", None) or settings.BASE_DIR / "var" / "demo_accounts.json")


def served_address(host=None, port=None, url=None):
    """The address a browser on this machine opens, ending in "/", and whether the server listens on every
    interface. ``url`` wins; otherwise http://host:port/ (an IPv6 address in brackets)."""
    if url is not None:
        if url and not url.endswith("/"):
            url += "/"
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommandError(f"--url must be an http:// or https:// address, not {url!r}.") from None
        return url, False
    host = DEFAULT_HOST if host is None else host.strip()
    port = DEFAULT_PORT if port is None else port
    if not 1 <= port <= 65535:
        raise CommandError(f"--port must be between 1 and 65535, not {port}.")
    if host in ALL_INTERFACES:
        return f"http://{ALL_INTERFACES[host]}:{port}/", True
    try:
        address = ipaddress.ip_address(host.removeprefix("[").removesuffix("]"))
    except ValueError:
        if not HOST_NAME.fullmatch(host) or len(host) > 253:
            raise CommandError(f"--host must be a host name or an IP address, not {host!r}.") from None
        return f"http://{host}:{port}/", False
    if address.is_unspecified:
        return f"http://{ALL_INTERFACES['::' if address.version == 6 else '0.0.0.0']}:{port}/", True  # noqa: S104
    return f"http://{f'[{address}]' if address.version == 6 else address}:{port}/", False


def database_key():
    """Which database the kept passwords belong to (the same file serves the SQLite demo and a PostgreSQL one)."""
    database = connection.settings_dict
    where = ":".join(str(database.get(part) or "") for part in ("HOST", "PORT") if database.get(part))
    return f"{connection.vendor}:{where + '/' if where else ''}{database['NAME']}"


class Command(BaseCommand):
    help = (
        "Create the demo accounts 'reviewer' (can publish) and 'editor' (drafts only) with random passwords, "
        "kept in var/demo_accounts.json so that running it again prints the same ones (--reset sets new ones), "
        "and print them with the address to sign in at. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never in production).")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done, change nothing.")
        parser.add_argument(
            "--reset", action="store_true", help="Set new passwords, even on accounts whose owner changed theirs."
        )
        parser.add_argument("--host", help=f"The address the demo is served on (default {DEFAULT_HOST}).")
        parser.add_argument("--port", type=int, help=f"The port the demo is served on (default {DEFAULT_PORT}).")
        parser.add_argument("--url", help="The site's address, instead of --host and --port.")
        parser.add_argument(
            "--accounts-file",
            type=Path,
            help="Where the passwords are kept (default var/demo_accounts.json).",
        )

    def handle(self, *args, force=False, dry_run=False, reset=False, host=None, port=None, url=None, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo accounts are for a local demo: run with DEBUG=1, or pass --force.")
        if url is not None and (host is not None or port is not None):
            raise CommandError("Give either --url or --host and --port, not both.")
        base, all_interfaces = served_address(host, port, url)
        accounts_file = options["accounts_file"] or default_accounts_file()
        with transaction.atomic():
            outcomes = self.apply(accounts_file, reset=reset, dry_run=dry_run)
        self.report(base, all_interfaces, shown_path(accounts_file), outcomes, dry_run=dry_run)

    def apply(self, accounts_file, *, reset, dry_run):
        """Create or update the accounts (and the kept passwords); returns (username, group, outcome, password)."""
        kept = read_kept(accounts_file, self.stderr)
        key = database_key()
        passwords = dict(kept.get(key, {}))
        User = get_user_model()
        existing = {user.username: user for user in User.objects.filter(username__in=[name for name, _ in ACCOUNTS])}
        outcomes = []
        for username, group_name in ACCOUNTS:
            user = existing.get(username)
            stored = passwords.get(username)
            if user is None:
                outcome = NEW
            elif reset:
                outcome = RESET
            elif stored and check_password(stored, user.password):
                outcome = KEPT
            else:
                outcome = CHANGED if stored else UNKNOWN
            if outcome in (NEW, RESET):
                stored = passwords[username] = secrets.token_urlsafe(12)
            outcomes.append((username, group_name, outcome, stored if outcome in (NEW, RESET, KEPT) else None))
            if dry_run:
                continue
            if user is None:
                user = User(username=username)
            # The roles the demo prints are the roles the accounts have, whatever was changed in between.
            user.is_staff = True
            user.is_superuser = False
            if outcome in (NEW, RESET):
                user.set_password(stored)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
        if not dry_run:
            # Inside the transaction: if the file cannot be written, no password changes either.
            write_kept(accounts_file, {**kept, key: passwords})
        return outcomes

    def report(self, base, all_interfaces, accounts_file, outcomes, *, dry_run):
        self.stdout.write(self.style.SUCCESS(f"Demo accounts for {base}admin/"))
        if all_interfaces:
            self.stdout.write(
                "  The server listens on every interface: from another machine, open this machine's name or\n"
                "  address instead of 127.0.0.1, after adding it to ALLOWED_HOSTS (for instance\n"
                f"  ALLOWED_HOSTS=127.0.0.1,localhost,192.0.2.10 make demo HOST=0.0.0.0 PORT={port_of(base)})."
            )
        reset_hint = "make demo RESET_ACCOUNTS=1 (or create_demo_accounts --reset) sets a new one"
        for username, group_name, outcome, password in outcomes:
            if dry_run:
                self.stdout.write(f"  {DRY_RUN[outcome].format(username=username)} ({group_name})")
            elif password is not None:
                note = {NEW: "new", RESET: "new: reset", KEPT: "as before"}[outcome]
                self.stdout.write(f"  {group_name:>8}: username {username}  password {password}  ({note})")
            elif outcome == CHANGED:
                self.stdout.write(
                    f"  {group_name:>8}: username {username}  (its password was changed after the demo set it, so "
                    f"it is not shown and left as it is; {reset_hint})"
                )
            else:
                self.stdout.write(
                    f"  {group_name:>8}: username {username}  (its password is not in {accounts_file}, so it "
                    f"is not shown and left as it is; {reset_hint})"
                )
        if not dry_run:
            self.stdout.write(
                f"  The passwords are kept in {accounts_file} (readable by you only) and printed again on the\n"
                "  next make demo; make demo RESET_ACCOUNTS=1 sets new ones."
            )
        self.stdout.write(
            "  Second factor: optional in the demo, required whenever DEBUG is off. To enrol one, sign in,\n"
            f"  open {base}account/two_factor/setup/ and scan the code with an authenticator\n"
            "  app (TOTP: Aegis, FreeOTP, Google Authenticator…); keep the backup codes it offers."
        )


DRY_RUN = {
    NEW: "would create {username}",
    RESET: "would reset {username}'s password",
    KEPT: "would keep {username}'s password",
    CHANGED: "would leave {username}'s password, changed since the demo set it",
    UNKNOWN: "would leave {username}'s password, not kept in the accounts file",
}


def shown_path(path):
    """The path as printed: from the current folder when it is below it (var/demo_accounts.json)."""
    try:
        return Path(path).resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def port_of(base):
    return base.rstrip("/").rsplit(":", 1)[-1]


def read_kept(path, stderr):
    """{database key: {username: password}} from the accounts file; empty when there is none or it is unreadable."""
    try:
        kept = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        stderr.write(f"{path} could not be read ({error}): the passwords in it are not reused.")
        return {}
    if not isinstance(kept, dict) or not all(
        isinstance(accounts, dict) and all(isinstance(value, str) for value in accounts.values())
        for accounts in kept.values()
    ):
        stderr.write(f"{path} is not what this command writes: the passwords in it are not reused.")
        return {}
    return kept


def write_kept(path, kept):
    """Replace the accounts file at once, readable and writable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".demo_accounts-", dir=path.parent)  # created 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(kept, file, indent=2, sort_keys=True)
            file.write("\n")
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
