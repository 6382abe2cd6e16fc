"""Grant (or take away) a coalition-level role: the server's operator does it, never an organisation's page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from redalert.accounts.models import RoleAssignment, User
from redalert.accounts.roles import COALITION_ROLES
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction


class Command(BaseCommand):
    help = "Grant a coalition-level role (e.g. coalition_data_steward) to a member, or take it away with --revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", default="coalition_data_steward", choices=sorted(COALITION_ROLES))
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No member is called {options['username']!r}.")
        role = options["role"]
        with transaction.atomic():
            if options["revoke"]:
                RoleAssignment.objects.filter(user=user, role=role).delete()
            else:
                RoleAssignment.objects.get_or_create(user=user, role=role)
            audit_record(
                "system:grant_coalition_role",
                AuditAction.SECURITY,
                user,
                organisation_id=user.organisation_id,
                detail={"member": user.username, "coalition_role": role, "granted": not options["revoke"]},
            )
        self.stdout.write(f"{user.username}: {role} {'revoked' if options['revoke'] else 'granted'}.")
