"""Print the yearly report without a browser (docs/import.md, "The yearly report from the command line").

    manage.py yearly_report (--organisation CODE | --coalition) --year YYYY --format pdf|csv|json|xlsx
                            --output FILE [--user USERNAME] [--language es|en|pt]

The same report as the statistics page (redalert.statistics.report.yearly_report) in the same renderers
(redalert.statistics.tables). With --user the export goes through redalert.statistics.services.export_report:
the user must be allowed to see that report, and the export is audited in her name exactly as a download from
the page. Without --user it is audited as a system export ("yearly_report command"), for the operator who runs
reports on the server. "-" as the output writes to standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import timezone, translation

from redalert.accounts.models import Organisation, User
from redalert.audit.log import record as audit_record
from redalert.audit.models import AuditAction
from redalert.statistics import services, tables
from redalert.statistics.report import yearly_report
from redalert.statistics.scope import Scope, coalition_scope, organisation_scope

SYSTEM_ACTOR = "system: yearly_report command"


class Command(BaseCommand):
    help = "Write the yearly report of an organisation or of the coalition as PDF, CSV, JSON or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--organisation", help="Code of the organisation whose report to write.")
        which.add_argument("--coalition", action="store_true", help="The coalition's report.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=sorted(tables.FORMATS), required=True, dest="fmt")
        parser.add_argument("--output", required=True, help="File to write; - for standard output.")
        parser.add_argument("--user", help="Username: export as this user (her permissions, her audit entry).")
        parser.add_argument("--language", help="Language of the report's text (default: the user's, else the site's).")

    def handle(self, *args: Any, **options: Any) -> None:
        year, fmt = options["year"], options["fmt"]
        if not services.FIRST_YEAR <= year <= timezone.localdate().year:
            raise CommandError(f"No report for {year}: the years are {services.FIRST_YEAR} to this year.")
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(code__iexact=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with the code {options['organisation']!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"No active user {options['user']!r}.")
        language = options["language"] or (user.language if user else settings.LANGUAGE_CODE)
        with translation.override(language):
            body = self._render(organisation, user, year, fmt)
        if options["output"] == "-":
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
        else:
            Path(options["output"]).write_bytes(body)
            self.stderr.write(f"{options['output']}: {len(body)} bytes")

    def _render(self, organisation: Organisation | None, user: User | None, year: int, fmt: str) -> bytes:
        code = organisation.code if organisation else None
        if user is not None:  # exactly the page's export: its permission check and its audit entry
            try:
                return services.export_report(user, code, year, fmt).content
            except Http404:
                raise CommandError(f"{user.get_username()} may not see this report.") from None
        scope: Scope = organisation_scope(organisation) if organisation else coalition_scope()
        label = services.scope_label(scope)
        body = tables.download(yearly_report(scope, year), fmt, f"redalert-{label.lower()}-{year}").content
        audit_record(
            SYSTEM_ACTOR,
            AuditAction.EXPORT,
            detail={"statistics": "yearly_report", "scope": label, "year": year, "format": fmt, "system": True},
            organisation_id=organisation.pk if organisation else None,
        )
        return body
