"""Import historical cases from a CSV or XLSX file, as the import page does, and print the report.

    manage.py import_cases FILE --organisation CODE --user USERNAME [--mode all-or-nothing|valid-rows]
                                [--rejects OUT]

The job is stored like an upload (it shows on the import page) and run here, in this process, with the same
function the workers use. The report is printed in the user's language. Exit status 0 when every row was
imported, 1 otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from redalert.accounts.models import Organisation, User
from redalert.imports.jobs import HeaderRejected, create_job, rejects_file, run_job
from redalert.imports.models import ImportProblem, JobStatus, Mode
from redalert.imports.permissions import may_import
from redalert.imports.problems import Problem, reason
from redalert.imports.reading import FileRejected

MODES = {"all-or-nothing": Mode.ALL_OR_NOTHING, "valid-rows": Mode.VALID_ROWS}


class Command(BaseCommand):
    help = "Import historical cases from a CSV or XLSX file (docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV (UTF-8) or Excel .xlsx file, one row per case.")
        parser.add_argument("--organisation", required=True, help="Code of the organisation the cases belong to.")
        parser.add_argument("--user", required=True, help="Username of the coordinator or administrator importing.")
        parser.add_argument("--mode", choices=sorted(MODES), default="all-or-nothing")
        parser.add_argument("--rejects", help="Write the rejected rows (with a problems column) to this file.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code__iexact=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the code {options['organisation']!r}.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None or user.organisation_id != organisation.pk or not may_import(user):
            raise CommandError(
                f"{options['user']!r} is not a coordinator or administrator of {organisation.code} (or does not exist)."
            )
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        with translation.override(user.language):
            self._import(organisation, user, path, data, MODES[options["mode"]], options.get("rejects"))

    def _import(
        self, organisation: Organisation, user: User, path: Path, data: bytes, mode: str, rejects: str | None
    ) -> None:
        try:
            job = create_job(organisation=organisation, user=user, file_name=path.name, data=data, mode=mode)
        except FileRejected as rejected:
            raise CommandError(reason(rejected.code, rejected.params)) from None
        except HeaderRejected as rejected:
            for header_problem in rejected.problems:
                self.stderr.write(self._line(header_problem))
            raise CommandError(_("The file's header has problems: nothing was imported.")) from None
        run_job(job.pk)
        job.refresh_from_db()
        for problem in ImportProblem.objects.filter(job=job).order_by("line", "id").iterator():
            self.stdout.write(self._line(problem))
        self.stdout.write(
            _(
                "Import %(job)s: %(status)s. Rows: %(total)s; created %(created)s, updated %(updated)s, "
                "unchanged %(unchanged)s, rejected %(rejected)s."
            )
            % {
                "job": job.pk,
                "status": job.get_status_display(),
                "total": job.rows_total if job.rows_total is not None else "?",
                "created": job.created_count,
                "updated": job.updated_count,
                "unchanged": job.unchanged_count,
                "rejected": job.rejected_count,
            }
        )
        if rejects:
            built = rejects_file(job)
            if built is not None:
                Path(rejects).write_bytes(built[0])
                self.stdout.write(_("Rejected rows written to %(path)s.") % {"path": rejects})
        if job.status != JobStatus.DONE or job.rejected_count:
            raise CommandError(_("Not every row was imported."))

    @staticmethod
    def _line(problem: ImportProblem | Problem) -> str:
        return _("Line %(line)s, column %(column)s, value “%(value)s”: %(reason)s") % {
            "line": problem.line,
            "column": problem.column or "-",
            "value": problem.value,
            "reason": reason(problem.code, problem.params),
        }
