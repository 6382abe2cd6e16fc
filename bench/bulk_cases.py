"""Many cases in one organisation, written with bulk SQL (INSERT … SELECT generate_series on PostgreSQL), not through
the services: for benchmarks of what reads them (bench/yearly_report.py --bulk). Only the rows the yearly report's
case-level figures read are written: the case, its missing person, an outcome for half of those located, and the
status history of the cases closed and reopened (one in fifty of those closed).

The histories are plausible, not realistic: reported over three years, about half located (alive or deceased) some
days to a year later, a fifth of those closed, one in twelve not located closed; sex, age, nationalities,
indigenous people (spelt several ways) and the place last seen vary. Deterministic (setseed).
"""

from __future__ import annotations

import time
from typing import Any

BULK_CODE = "BULK"

SQL = """
SELECT setseed(0.42);

CREATE TEMPORARY TABLE bulk_places AS
SELECT array_agg(id ORDER BY id) AS ids FROM places_place
WHERE kind = 'subdivision' AND country_code IN ('MX', 'GT', 'HN', 'SV');

CREATE TEMPORARY TABLE bulk_cases AS
SELECT g AS n,
       timestamp with time zone '{first_year}-01-01 08:00:00+00' + (random() * 3 * 365) * interval '1 day'
           AS reported_at,
       random() AS r_located, random() AS r_closed, random() AS r_days, random() AS r_person, random() AS r_place
FROM generate_series(1, {cases}) AS g;

INSERT INTO cases_case (
    organisation_id, reference, status, status_changed_at, reported_at, report_channel, reporter_name,
    reporter_relationship, reporter_phone, reporter_email, last_seen_on, last_seen_place_id, last_seen_place_detail,
    last_seen_latitude, last_seen_longitude, circumstances, located_on, closed_on, closure_reason, created_by_id,
    created_at, updated_at)
SELECT {org}, 'BULK-' || c.n,
       CASE WHEN located AND closed THEN 'closed' WHEN located THEN
            CASE WHEN c.r_person < 0.1 THEN 'located_deceased' ELSE 'located_alive' END
            WHEN closed THEN 'closed' ELSE 'active_search' END,
       now(), c.reported_at, 'family', '', 'unknown', '', '', (c.reported_at - interval '2 days')::date,
       p.ids[1 + floor(c.r_place * cardinality(p.ids))::int],
       '', '', '', '',
       CASE WHEN located THEN (c.reported_at + c.r_days * 400 * interval '1 day')::date END,
       CASE WHEN closed THEN (c.reported_at + c.r_days * 500 * interval '1 day')::date END,
       '', {user}, now(), now()
FROM (SELECT *, r_located < 0.5 AS located,
             (r_located < 0.5 AND r_closed < 0.2) OR (r_located >= 0.5 AND r_closed < 0.08) AS closed
      FROM bulk_cases) AS c CROSS JOIN bulk_places AS p;

INSERT INTO cases_missingperson (
    case_id, organisation_id, given_names, first_surname, second_surname, aliases, search_name, sex, gender,
    nationalities, ethnicity, indigenous, indigenous_people, languages, age_at_disappearance, physical_description,
    distinguishing_marks, clothing)
SELECT k.id, {org}, 'Persona ' || k.id, '', '', '', 'persona ' || k.id,
       (ARRAY['female', 'female', 'female', 'female', 'female', 'female', 'male', 'intersex', 'unknown'])
           [1 + floor(r * 9)::int],
       'unknown',
       (ARRAY['["MX"]', '["MX"]', '["GT"]', '["GT", "MX"]', '["HN"]', '["SV"]', '[]', '["mx"]'])
           [1 + floor(r2 * 8)::int]::jsonb,
       '', (ARRAY['yes', 'no', 'no', 'unknown'])[1 + floor(r3 * 4)::int],
       CASE WHEN r3 < 0.25 THEN (ARRAY['Mixteca', 'mixteca', 'Tzotzil', 'Mam', 'Q''eqchi''', ''])
           [1 + floor(r2 * 6)::int] ELSE '' END,
       '[]'::jsonb, CASE WHEN r4 < 0.1 THEN NULL ELSE floor(r4 * 60)::int END, '', '', ''
FROM (SELECT id, random() AS r, random() AS r2, random() AS r3, random() AS r4
      FROM cases_case WHERE organisation_id = {org}) AS k;

INSERT INTO investigation_outcome (case_id, result, "on", how, details, family_support_open, recorded_at,
                                   recorded_by_id)
SELECT id, CASE WHEN status = 'located_deceased' THEN 'located_deceased' ELSE 'located_alive' END, located_on,
       'other', '', false, now(), {user}
FROM cases_case WHERE organisation_id = {org} AND located_on IS NOT NULL AND id % 2 = 0;

-- One in fifty closed cases was closed once before and reopened: closed, then back to the search (or follow-up).
INSERT INTO cases_timelineevent (case_id, at, kind, section, summary_data)
SELECT id, reported_at + interval '20 days', 'status', 'general',
       jsonb_build_object('from', 'active_search', 'to', 'closed',
                          'on', (reported_at + interval '20 days')::date::text)
FROM cases_case WHERE organisation_id = {org} AND status = 'closed' AND id % 50 = 0
UNION ALL
SELECT id, reported_at + interval '40 days', 'status', 'general',
       jsonb_build_object('from', 'closed', 'to', 'active_search',
                          'on', (reported_at + interval '40 days')::date::text)
FROM cases_case WHERE organisation_id = {org} AND status = 'closed' AND id % 50 = 0;

ANALYZE cases_case;
ANALYZE cases_missingperson;
ANALYZE investigation_outcome;
ANALYZE cases_timelineevent;
"""


def write_cases(cases: int, first_year: int) -> dict[str, Any]:
    """Write `cases` cases into the organisation BULK_CODE (created, with its user, if missing); return its id and
    the seconds taken. Runs inside a configured Django process on PostgreSQL."""
    from django.db import connection, transaction

    from redalert.accounts.models import Organisation, User

    started = time.perf_counter()
    org, _created = Organisation.objects.get_or_create(
        code=BULK_CODE, defaults={"name": "Bulk organisation", "kind": "ngo", "country": "MX"}
    )
    user, _created = User.objects.get_or_create(username="bulk-writer", defaults={"email": "bulk@example.org"})
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in SQL.format(cases=int(cases), org=org.pk, user=user.pk, first_year=int(first_year)).split(
            ";\n"
        ):
            if statement.strip():
                cursor.execute(statement)
    return {"organisation": org, "seconds": time.perf_counter() - started}
