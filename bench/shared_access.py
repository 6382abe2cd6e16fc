"""Shared access (issue 16 part 5): what reading the grants costs the permission layer.

Usage: bench/shared_access.py [--cases N] [--shared S] [--repeat R] [--postgres URL]

In a scratch PostgreSQL database that it creates and drops: migrate, load the gazetteer, `seed_demo --cases N`
(three demo organisations), then S cases of the Mexican organisation are referred (general and legal sections)
to the Guatemalan one, through `redalert.access.grants.grant` as an accepted referral does. Then, in one process,
R times each:

- `case_for` of an own case by the Mexican coordinator (her organisation receives no share: the usual path, one
  EXISTS more than before shares existed), against the baseline of what `case_for` did before (the own-organisation
  lookup with the same related rows, and `may`), measured in the same run;
- `case_for` of a shared case's legal section by the Guatemalan coordinator (her organisation receives S shares);
- the case list's first page and count (`investigation.search.search_cases`, no criteria) for each of them.

Prints p50/p95 in milliseconds, the ratio to the baseline and the load average (the machine is shared: figures
move with it). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import DEFAULT_PG, PYTHON, ROOT, manage, median_p95, postgres_database, postgres_reachable


def timed(repeat: int, work: Any) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def measure(shared: int, repeat: int) -> None:
    """Runs in the child process, with the scratch database's settings."""
    import django

    django.setup()
    from django.core.paginator import Paginator

    from redalert.access.grants import grant
    from redalert.access.models import CaseGrant, GrantReason
    from redalert.access.policy import Action, case_for, may, visible_cases
    from redalert.accounts.models import User
    from redalert.cases.models import Case
    from redalert.investigation.search import CaseQuery, search_cases

    sender = User.objects.get(username="coordinadora")
    receiver = User.objects.get(username="coordinadora.gt")
    own = list(Case.objects.filter(organisation_id=sender.organisation_id).values_list("pk", flat=True)[:shared])
    if not CaseGrant.objects.exists():
        for pk in own:
            grant(
                Case(pk=pk),
                receiver.organisation_id,
                ["general", "legal"],
                reason=GrantReason.REFERRAL,
                by=sender,
                offer_id=None,
            )
    print(f"  {Case.objects.count():,} cases; {len(own):,} shared with {receiver.organisation}", flush=True)

    rows: list[tuple[str, list[float]]] = []
    picks = [own[i % len(own)] for i in range(repeat)]
    it = iter(picks)

    def before_shares(pk: int) -> None:
        """What case_for did before shares existed: the own-organisation lookup and the action check."""
        case = visible_cases(sender).select_related("person", "last_seen_place", "organisation").get(pk=pk)
        may(sender, Action.VIEW, case)

    rows.append(("baseline: case_for as before shares", timed(repeat, lambda: before_shares(next(it)))))
    it = iter(picks)
    rows.append(("case_for, own case (no share received)", timed(repeat, lambda: case_for(sender, next(it)))))
    it = iter(picks)
    rows.append(
        (
            "case_for, shared case, legal section",
            timed(repeat, lambda: case_for(receiver, next(it), Action.VIEW, "legal")),
        )
    )

    def first_page(user: Any) -> None:
        page = Paginator(search_cases(user, CaseQuery()), 50).get_page(1)
        list(page)
        _ = page.paginator.count

    rows.append(("case list page 1 + count, sender", timed(max(1, repeat // 5), lambda: first_page(sender))))
    rows.append(("case list page 1 + count, receiver", timed(max(1, repeat // 5), lambda: first_page(receiver))))
    base = median_p95(rows[0][1])
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (a shared machine: figures move with it)")
    for label, samples in rows:
        p50, p95 = median_p95(samples)
        print(f"  {label:45s} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  ×{p50 / base[0]:.1f} of the baseline's p50")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--shared", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--postgres", default=DEFAULT_PG, help="a server URL; the bench creates its own database")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(ROOT))
        measure(args.shared, args.repeat)
        return
    if not postgres_reachable(args.postgres):
        print(f"postgresql: not reachable at {args.postgres}, skipped")
        return
    with (
        postgres_database(args.postgres, f"bench_shared_{os.getpid()}") as (database_url, _exists),
        tempfile.TemporaryDirectory(prefix="bench-shared-") as scratch,
    ):
        env = {
            **os.environ,
            "REDALERT_VAR_DIR": scratch,
            "DJANGO_SETTINGS_MODULE": "redalert.settings.dev",
            "DATABASE_URL": database_url,
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_places")
        seconds = manage(env, "seed_demo", "--cases", str(args.cases)).seconds
        print(f"postgresql: seed_demo --cases {args.cases} in {seconds:.0f} s", flush=True)
        child = [PYTHON, str(Path(__file__).resolve()), "--measure", "--shared", str(args.shared)]
        subprocess.run([*child, "--repeat", str(args.repeat)], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
