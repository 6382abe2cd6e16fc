"""Create an organisation and its first administrator (the first step of a new deployment)."""

from __future__ import annotations

from typing import Any

import pycountry
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from redalert.accounts.members import add_member
from redalert.accounts.models import Organisation, OrganisationType
from redalert.accounts.roles import Role


class Command(BaseCommand):
    help = "Create an organisation and its first administrator, printing her temporary password once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--code", required=True, help="Short code used in case references, e.g. CATW.")
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. MX.")
        parser.add_argument("--kind", default=OrganisationType.NGO, choices=OrganisationType.values)
        parser.add_argument("--admin", required=True, help="Username of the first administrator.")
        parser.add_argument("--admin-name", default="", help="Her given names.")
        parser.add_argument("--also-coordinator", action="store_true", help="Give her the coordinator role too.")

    def handle(self, *args: Any, **options: Any) -> None:
        country = options["country"].upper()
        if pycountry.countries.get(alpha_2=country) is None:
            raise CommandError(f"{country} is not an ISO 3166-1 alpha-2 country code.")
        if Organisation.objects.filter(code__iexact=options["code"]).exists():
            raise CommandError(f"An organisation with code {options['code']} exists already.")
        roles: list[str] = [Role.ADMINISTRATOR.value]
        if options["also_coordinator"]:
            roles.append(Role.COORDINATOR.value)
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=options["name"], code=options["code"].upper(), country=country, kind=options["kind"]
            )
            user, password = add_member(
                organisation,
                username=options["admin"],
                first_name=options["admin_name"] or options["admin"],
                last_name="",
                email="",
                roles=roles,
                language="es",
                actor="system:create_organisation",
            )
        self.stdout.write(f"Organisation {organisation.name} ({organisation.code}) created.")
        self.stdout.write(f"Administrator: {user.username}  temporary password: {password}")
        self.stdout.write("At her first login she sets up two-step verification with an authenticator app.")
