"""Every page, read in Spanish and in Portuguese, shows no English words (issue 17).

The data is the demo generator's (a few cases with consents, publications, alerts, tips, tasks…) plus a case
published through the services. The walk takes every GET route of the URL conf, fills its arguments with ids of that
data, and reads each page as a coordinator who also holds every other role (one user reaches every staff page) and,
for the public pages, as an anonymous visitor. The visible text is what a person sees or hears: the text of the
page without <script>, <style> and <code>, plus the title, aria-label, alt and placeholder attributes and the value
of buttons. A word from ENGLISH found there fails the test with the page and the words in context.

Routes that are not HTML pages (downloads, feeds, images, the JSON API) and routes whose arguments this data cannot
fill are listed in SKIPPED, so that nobody believes they were checked. Pages that answer something else than 200
(POST-only views answer 405; a redirect is followed once) are printed with -s and not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from lxml import html as lxml_html

from redalert.accounts.roles import Role
from redalert.cases.choices import NoteSection

pytestmark = pytest.mark.django_db

LANGUAGES = ["es", "pt"]

# Common English function words and interface words that are not Spanish or Portuguese words. Left out on purpose
# because they are also Spanish or Portuguese: a, no, de, con, para, me, red, son, once, plan, data, total, general,
# local, final, real, social, hospital, normal, sin, fin, pie, come, case ("que se case"), mayor, dice, tan, pan, e,
# he (es "he visto"), for (pt "quando for"), age (pt "age"), time (pt "o time"), error (es), note (pt "note que"),
# status (pt "o status"), do (pt "do"), link (pt), email (es, pt), use, per.
_ENGLISH_WORDS = """
    the and of with your you this that these those not yet none is are was were has have had will would been be
    by or to in on at from into about all any each every some there here what which who whom when where why how
    can could should must may might its it they them their our we she his her
    cases alert alerts report reports save edit delete people found search list back next previous page name
    open close show hide new add remove yes view download upload file files user users settings submit cancel
    required optional unknown missing person woman girl tip tips task tasks team notes photo photos map maps
    home sign password account members member requests request approve decline accept received sent pending issued
    cancelled canceled located active closed consent granted withdrawn refused publish published public event events
    source sources evidence finding findings proceeding proceedings hearing hearings shelter shelters expense
    expenses service services referral action actions objective objectives summary duplicate duplicates merge pair
    statistics year years organisation organization country state city place places sex female male gender
    mother father sister daughter date day days month months week weeks today yesterday never always
    reported verification due diligence acknowledgement authority authorities contact contacts trail audit
    details detail more less than only also other others first last before after rescue please sorry
    invalid must field fields value values select choose none yes true false
    hours hour minutes see get does make used using check checked send reason number type kind level
    message messages phone address code codes print help start end until since without within
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

# Names of standards, products and codes that are the same in every language.
_ALLOWED_WORDS = """
    htcds cap pfif api webhook webhooks openapi leaflet openstreetmap csv xlsx pdf json xml atom totp iso utc
"""
ALLOWED = frozenset(_ALLOWED_WORDS.split())

# Not HTML pages or not pages at all: downloads, images, feeds, the JSON API and endpoints without a page.
SKIPPED_PREFIXES = ("admin/", "api/v1/", "i18n/setlang/", "healthz", "readyz", "favicon.ico", "accounts/logout/")
SKIPPED_PATTERN = re.compile(
    r"(\.(jpg|png|pdf|xml|atom|csv|geojson|json|xlsx|<str:file_format>|<slug:fmt>)$"
    r"|/photo/$|/photos/<int:photo_id>/$|/file/$|/scan/$|/progress/$|/report\.csv$)"
)
SKIPPED_NAMED = {
    # Arguments this data cannot fill: one-time tokens sent by e-mail and table cells of a statistics report.
    "alerta/acuse/<str:token>/": "token of an authority's acknowledgement e-mail",
    "security/unlock/<str:token>/": "token of an unlock e-mail",
    "conversations/media/<int:pk>/": "a photo or voice note received, not a page",
    "conversations/hooks/twilio/<str:key>/": "a provider's webhook, not a page",
    "conversations/hooks/whatsapp/<str:key>/": "a provider's webhook, not a page",
    "statistics/organisation/<slug:code>/<int:year>/cases/<slug:table>/<slug:row>/<slug:column>/": "report cell",
}

TOKEN = re.compile(r"[\w'/.:@-]*[^\W\d_][\w'/.:@-]*")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Codes, not words: identifiers (not_located, America/Mexico_City, yearOfRegistration, e-mail or web addresses) and
# upper-case codes (ALL is the Albanian lek, CAP the Common Alerting Protocol).
CODE = re.compile(r"[_/@:\d]|\.\w|^[^\W\d_]+[a-z][A-Z]|^[A-Z]{2,}$")
VISIBLE_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


def routes(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def skip_reason(route: str) -> str | None:
    if route.startswith(SKIPPED_PREFIXES):
        return "not an HTML page"
    if SKIPPED_PATTERN.search(route):
        return "download, image or file"
    return SKIPPED_NAMED.get(route)


def visible_text(body: bytes) -> str:
    """What a reader sees or a screen reader says: text and the visible attributes, no scripts, styles or code."""
    tree = lxml_html.fromstring(body)
    # Not read: scripts and styles; codes; what people typed (form values, text areas) and what is marked as not
    # to be translated (translate="no": names, quoted sources).
    for element in tree.xpath("//script|//style|//code|//template|//textarea|//*[@translate='no']"):
        element.drop_tree()
    parts: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in VISIBLE_ATTRIBUTES:
            if element.get(attribute):
                parts.append(element.get(attribute))
        if element.tag == "input" and element.get("type") in ("submit", "button") and element.get("value"):
            parts.append(element.get("value"))
    parts.append(" ".join(tree.itertext()))
    return " ".join(parts)


def english_words(text: str) -> list[str]:
    """The English words of `text`, and dates written the ISO way (2026-12-07: no reader writes them so), each
    with some context."""
    found = []
    for match in ISO_DATE.finditer(text):
        start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
        found.append(f"ISO date {match.group(0)!r} in …{' '.join(text[start:end].split())}…")
    for match in TOKEN.finditer(text):
        token = match.group(0).strip("'.:-/")
        if CODE.search(token):
            continue
        for part in re.split(r"[-']", token):
            word = part.lower()
            if word not in ENGLISH or word in ALLOWED:
                continue
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            context = " ".join(text[start:end].split())
            found.append(f"{part!r} in …{context}…")
    return found


@pytest.fixture
def world(places: dict[str, Any], make_case: Any) -> dict[str, Any]:
    """The demo's data (12 cases, ~5 s) and one published case with a tip, a shelter stay and a plan objective."""
    from redalert.accounts.models import User
    from redalert.alerts.models import Alert
    from redalert.care.choices import SupportPlanType
    from redalert.care.models import Objective, Service
    from redalert.care.services import add_case_record
    from redalert.cases.models import Case
    from redalert.consent.choices import Purpose
    from redalert.investigation.models import TraffickingEvent
    from redalert.legal.models import Proceeding
    from redalert.public.services import publication_for
    from redalert.shelters.models import Facility, FacilityKind
    from redalert.shelters.services import check_in, save_facility
    from redalert.tasks.models import Task
    from redalert.testing import follow_changes, make_public, record_consent
    from redalert.tips.services import TipData, receive_tip

    call_command("seed_demo", "--cases", "12", "--seed", "7", stdout=StringIO())
    coordinator = User.objects.get(username="coordinadora")
    coordinator.set_roles({str(role) for role in Role})
    coordinator.language = "es"
    coordinator.save(update_fields=["language"])
    case = make_case(coordinator.organisation, coordinator)
    record_consent(case, Purpose.STATISTICS, coordinator)
    make_public(case, coordinator)
    receive_tip(case, TipData(description="La vi en la central de autobuses."), client="192.0.2.1", language="es")
    facility = save_facility(
        Facility(name="Casa Refugio Norte", kind=FacilityKind.SHELTER, capacity=8),
        changed=[],
        actor=coordinator,
    )
    check_in(facility, case, on=date(2026, 3, 10), actor=coordinator)
    objective = Objective(area=SupportPlanType.EDUCATION, objective="Terminar la secundaria.")
    add_case_record(objective, case=case, actor=coordinator)
    _more_objects(coordinator, case, places, make_case)
    follow_changes()
    case = Case.objects.get(pk=case.pk)
    case_pks = [case.pk]
    for model in (Alert, Proceeding, Service, TraffickingEvent, Task):
        with_one = model.objects.exclude(case_id__in=case_pks).values_list("case_id", flat=True).first()
        if with_one:
            case_pks.append(with_one)
    return {
        "case_pks": case_pks,
        "user": coordinator,
        "org": coordinator.organisation,
        "case": case,
        "public_id": publication_for(case).public_id,
    }


def _more_objects(coordinator: Any, case: Any, places: dict[str, Any], make_case: Any) -> None:
    """Objects the demo has none of, so that their pages are read too."""
    from datetime import timedelta

    from django.utils import timezone

    from redalert.accounts.models import Organisation
    from redalert.api.clients import create_client
    from redalert.api.scopes import Scope as ApiScope
    from redalert.care.models import Consultation
    from redalert.care.services import add_consultation, refer
    from redalert.consent.choices import Purpose
    from redalert.found.choices import Condition, ReporterKind
    from redalert.found.models import FoundPerson
    from redalert.found.services import record_found
    from redalert.imports.jobs import create_job, run_job
    from redalert.retention.models import Basis, Requester
    from redalert.retention.services import record_request
    from redalert.testing import record_consent
    from redalert.transfers.services import offer as transfer_offer
    from redalert.webhooks.models import EventKind, Scope
    from redalert.webhooks.services import create_subscription

    org = coordinator.organisation
    create_subscription(
        actor=coordinator,
        name="Registro estatal",
        url="https://registro.example.org/avisos",
        kinds=[EventKind.CASE_OPENED],
        scope=Scope.IDS,
    )
    create_client(
        organisation_id=org.pk,
        name="Sistema estatal",
        scopes=[ApiScope.READ_CASES],
        expires_at=timezone.now() + timedelta(days=30),
        actor=coordinator,
    )
    record_request(
        case,
        requested_by=Requester.FAMILY,
        requested_on=date(2026, 3, 20),
        basis=Basis.CONSENT_WITHDRAWN,
        actor=coordinator,
    )
    record_found(
        FoundPerson(
            condition=Condition.ALIVE,
            found_on=date(2026, 3, 5),
            found_place=places["qro_city"],
            reported_by_kind=ReporterKind.SHELTER,
        ),
        actor=coordinator,
    )
    rows = "case_reference,reported_on,last_seen_on,last_seen_place,status\r\n"
    rows += "H-1,2019-03-05,2019-03-04,MX-QUE,not_located\r\nH-2,ayer,2019-03-04,MX-QUE,not_located\r\n"
    job = create_job(organisation=org, user=coordinator, file_name="h.csv", data=rows.encode(), mode="valid_rows")
    run_job(job.pk)
    add_consultation(
        Consultation(organisation=org, held_on=date(2026, 3, 31), participants=6, recorded_by=coordinator),
        actor=coordinator,
    )
    partner = Organisation.objects.exclude(pk=org.pk).order_by("pk").first()
    if partner is not None:
        record_consent(case, Purpose.REFERRAL, coordinator)
        refer(case, partner=partner, reason="Acompañamiento psicológico.", on=date(2026, 3, 12), actor=coordinator)
        transfer_offer(
            case, to=partner, kind="referral", sections=["legal"], reason="Acompañamiento.", actor=coordinator
        )
    from redalert.hotline.actions import open_contact, record_emergency_call, record_urgency, save_details
    from redalert.hotline.models import ScriptPrompt

    contact = open_contact(org, by=coordinator, channel="phone")  # a hotline call in immediate danger
    record_urgency(contact, "danger", by=coordinator)
    record_emergency_call(contact, by=coordinator, authority="Policía Estatal")
    save_details(contact, {"victims": 2, "indicators": {"control:PhysicalAbuse": "yes"}}, by=coordinator)
    ScriptPrompt.objects.create(organisation=org, position=1, text="¿Está en un lugar seguro para hablar?")
    from redalert.conversations.models import ChannelAccount
    from redalert.conversations.services import Inbound, receive

    account = ChannelAccount.objects.create(
        organisation=org, provider="twilio", account_sid="AC" + "0" * 32, auth_token="t", sender_number="+525511110000"
    )  # an SMS that reached the inbox, with its automatic first reply
    receive(account, Inbound(provider_id="SM" + "1" * 32, medium="sms", sender="+525512345678", body="Hola, la vi"))
    make_case(org, coordinator, reporter_name="Juana Pérez")  # the same girl reported twice: a duplicate pair
    call_command("find_duplicates", "--full", stdout=StringIO())


# The model whose first row fills an argument, by the route's beginning and the argument's name. When the object
# belongs to a case, `pk` (the case) is taken from it.
OBJECTS: list[tuple[str, str, str]] = [
    ("cases/<int:pk>/tips/<int:tip_id>", "tip_id", "tips.Tip"),
    ("alerts/authorities/<int:authority_id>", "authority_id", "alerts.Authority"),
    ("alerts/authorities/<int:authority_id>/contacts/<int:contact_id>", "contact_id", "alerts.AuthorityContact"),
    ("accounts/members/<int:pk>", "pk", "accounts.User"),
    ("accounts/requests/<int:pk>", "pk", "accounts.DutyRequest"),
    ("cases/<int:pk>/investigation/evidence/<int:item_id>", "item_id", "investigation.EvidenceItem"),
    ("tasks/case/<int:pk>/<int:task_id>", "task_id", "tasks.Task"),
    ("cases/<int:pk>/legal/proceedings/<int:proceeding_id>", "proceeding_id", "legal.Proceeding"),
    ("reparation-rates/<int:rate_id>", "rate_id", "legal.ReparationRate"),
    ("cases/<int:pk>/care/plan/<int:objective_id>", "objective_id", "care.Objective"),
    ("cases/<int:pk>/care/referrals/<int:referral_id>", "referral_id", "care.Referral"),
    ("consultations/<int:consultation_id>", "consultation_id", "care.Consultation"),
    ("shelters/<int:facility_id>", "facility_id", "shelters.Facility"),
    ("shelters/stays/<int:stay_id>", "stay_id", "shelters.Stay"),
    ("imports/<int:pk>", "pk", "imports.ImportJob"),
    ("found/<int:pk>/pairs/<int:candidate_id>", "candidate_id", "found.Candidate"),
    ("found/<int:pk>", "pk", "found.FoundPerson"),
    ("coalition/<int:pk>", "pk", "coalition.CoalitionMatch"),
    ("webhooks/<int:pk>", "pk", "webhooks.Subscription"),
    ("api-clients/<int:pk>", "pk", "api.ApiClient"),
    ("duplicates/merges/<int:pk>", "pk", "duplicates.MergeRecord"),
    ("duplicates/<int:pk>", "pk", "duplicates.DuplicatePair"),
    ("prevention/<int:pk>", "pk", "prevention.Activity"),
    ("hotline/<int:pk>", "pk", "hotline.Contact"),
    ("pfif/revision/<int:pk>", "pk", "pfif.ImportedPerson"),
    ("retention/requests/<int:pk>", "pk", "retention.ErasureRequest"),
    ("transfers/<int:pk>", "pk", "transfers.Offer"),
    ("conversations/accounts/<int:pk>", "pk", "conversations.ChannelAccount"),
    ("conversations/<int:pk>", "pk", "conversations.Conversation"),
]


def fill(route: str, world: dict[str, Any], case_pk: int | None = None, section: str = "investigation") -> str | None:
    """The route with its arguments filled from the data, or None when there is nothing to fill them with."""
    from django.apps import apps

    case = world["case"]
    values: dict[str, Any] = {}
    for prefix, name, model_path in OBJECTS:
        if route.startswith(prefix) and name not in values:
            model = apps.get_model(model_path)
            found = model.objects.order_by("pk").first()
            values[name] = found.pk if found else None
            if found is not None and name != "pk" and getattr(found, "case_id", None):
                values.setdefault("pk", found.case_id)
    if "<int:obj_id>" in route:  # a hearing of a proceeding
        hearing = apps.get_model("legal.Hearing").objects.select_related("proceeding").order_by("pk").first()
        if hearing is None:
            return None
        values.update(obj_id=hearing.pk, proceeding_id=hearing.proceeding_id, pk=hearing.proceeding.case_id)
    values.setdefault("pk", case_pk or case.pk)
    values.setdefault("case_id", case.pk)
    values.update(public_id=world["public_id"], year=case.reported_at.year, code=world["org"].code)
    values.update(section=section, kind="hearing")

    def substitute(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            raise LookupError(match.group(1))
        return str(value)

    try:
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", substitute, route)
    except LookupError:
        return None


def read(client: Client, path: str, language: str) -> tuple[int, bytes, str]:
    client.cookies["django_language"] = language
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    if response.status_code in (301, 302) and response.get("Location", "").startswith("/"):
        path = response["Location"]
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    content_type = response.get("Content-Type", "")
    return response.status_code, response.content if "html" in content_type else b"", path


def test_no_english_words_on_the_spanish_and_portuguese_pages(world: dict[str, Any], client_for: Any) -> None:
    staff = client_for(world["user"])
    anonymous = Client()
    problems: dict[str, list[str]] = {}
    walked: list[str] = []
    not_checked: list[str] = []
    skipped: list[str] = []
    for route, _pattern in routes(get_resolver().url_patterns):
        reason = skip_reason(route)
        # A case's own pages are read for each case of world["case_pks"] (the alert, legal and care pages show more
        # when the case has an alert, a proceeding…); other pages once.
        per_case = route.startswith(("cases/<int:pk>/", "tasks/case/<int:pk>/")) and route.count("<") == 1
        paths = [fill(route, world, pk) for pk in world["case_pks"]] if per_case and reason is None else []
        if not per_case:
            paths = [fill(route, world)] if reason is None else []
        if "<slug:section>" in route and reason is None:  # every section of the case file's notes
            paths = [fill(route, world, section=section) for section in NoteSection.values]
        if reason is None and None in paths:
            reason = "no object in the data"
        if reason:
            skipped.append(f"{route} ({reason})")
            continue
        for path, language in ((p, lang) for p in paths for lang in LANGUAGES):
            assert path is not None
            for who, client in (("coordinator", staff), ("anonymous", anonymous)):
                status, body, final = read(client, path, language)
                if who == "anonymous" and final != path:
                    continue  # a staff page: the visitor is sent to the sign-in page, read as its own route
                if status != 200 or not body:
                    if who == "coordinator":
                        not_checked.append(f"{path} [{language}] → {status} {'' if body else '(not HTML)'}")
                    continue
                walked.append(f"{final} [{language}, {who}]")
                words = english_words(visible_text(body))
                if words:
                    problems.setdefault(f"{final} [{language}, {who}]", []).extend(words)
    print(f"\nwalked {len(walked)} page readings")
    print("skipped:\n  " + "\n  ".join(skipped))
    print("not checked (status other than 200, or not HTML):\n  " + "\n  ".join(not_checked))
    report = "\n".join(f"{page}:\n    " + "\n    ".join(sorted(set(words))) for page, words in problems.items())
    assert not problems, f"English words on {len(problems)} page(s):\n{report}"


def test_the_check_reads_what_a_person_sees_and_skips_codes() -> None:
    body = (
        b'<html><body><p>Guardar <span title="Save the case">caso</span> <input placeholder="Search">'
        b'<input type="submit" value="Delete"></p><script>var the = 1;</script><code>the</code>'
        b"<p>not_located, America/Mexico_City, yearOfRegistration, ALL, HTCDS, follow-up</p>"
        b'<p translate="no">ILO, The Economics</p><textarea>and more</textarea><p>Elaborado el 2026-12-07</p>'
        b"</body></html>"
    )
    words = [found.split(" in ")[0] for found in english_words(visible_text(body))]
    # 'case' is Spanish too ("que se case"): not in ENGLISH.
    assert sorted(words) == sorted(["'Save'", "'the'", "'Search'", "'Delete'", "ISO date '2026-12-07'"])
