"""`manage.py demo_logins [--url URL]`: the demo accounts, their password and fresh single-use backup codes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from redalert.accounts.models import Organisation, User
from redalert.accounts.two_factor import BACKUP_DEVICE_NAME, new_backup_codes
from redalert.demo.generate import DEMO_PASSWORD

CODES_SHOWN = 3
HEADER = ("user / usuaria", "role(s) / rol(es)", "org", "backup codes / códigos de respaldo")


def issue_demo_codes() -> list[tuple[User, list[str]]]:
    """Replace the backup codes of every active user of a demo organisation; return the users and their codes.

    Refuses (CommandError) when there is no demo organisation: this never touches a real organisation's accounts.
    """
    if not Organisation.objects.filter(is_demo=True).exists():
        raise CommandError(
            "There are no demo organisations, so there are no demo accounts: run `manage.py seed_demo` first. "
            "demo_logins only acts on accounts of demo organisations."
        )
    users = list(
        User.objects.filter(organisation__is_demo=True, is_active=True)
        .select_related("organisation")
        .prefetch_related("role_assignments")
        .order_by("organisation_id", "id")
    )
    if not users:
        raise CommandError("The demo organisations have no active users: run `manage.py seed_demo` first.")
    with transaction.atomic():
        issued = [(user, new_backup_codes(user)) for user in users]
        # Lift the throttling left by earlier wrong codes, so that the fresh codes work at once.
        StaticDevice.objects.filter(user__in=users, name=BACKUP_DEVICE_NAME).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )
    return issued


class Command(BaseCommand):
    help = (
        "Print the demo accounts (demo organisations only) with their password and fresh single-use backup codes. "
        "Each run replaces the codes: codes printed earlier stop working."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the site is served.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo logins are refused here (set ALLOW_DEMO_DATA=1 only on a demonstration server).")
        url: str = options["url"]
        if not url.startswith(("http://", "https://")):
            raise CommandError("--url must start with http:// or https://.")
        setup_url = url.rstrip("/") + reverse("accounts:enrol")
        rows = issue_demo_codes()
        table = []
        for user, codes in rows:
            roles = ",".join(sorted(a.role for a in user.role_assignments.all())) or "-"
            org = user.organisation.code if user.organisation else "-"
            table.append((user.get_username(), roles, org, "  ".join(codes[:CODES_SHOWN])))
        widths = [max(len(r[i]) for r in [*table, HEADER]) for i in range(3)]
        write = self.stdout.write
        write("")
        write(self.style.MIGRATE_HEADING("Red Alert System — demo accounts / cuentas de demostración (synthetic data)"))
        write(f"URL:                   {url}")
        write(f"Password / contraseña: {DEMO_PASSWORD}")
        write("")
        for i, row in enumerate([HEADER, *table]):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[3]
            write(self.style.HTTP_INFO(line) if i == 0 else line)
        write("")
        write("EN  Second factor: enter one of these single-use backup codes after the password.")
        write(f"    To use an authenticator app instead, log in and set it up at {setup_url}")
        write("ES  Segundo factor: introduzca uno de estos códigos de respaldo de un solo uso tras la contraseña.")
        write(f"    Para usar una app de autenticación, inicie sesión y configúrela en {setup_url}")
        write(
            self.style.WARNING("EN  Each run of demo_logins replaces the codes: codes printed earlier no longer work.")
        )
        write(
            self.style.WARNING(
                "ES  Cada ejecución de demo_logins reemplaza los códigos: los impresos antes ya no sirven."
            )
        )
