"""Public pages: the "se busca" and "localizadas" lists, a case's page, its photo variants and share image, about.

Every view is @public. Cases come only from redalert.public.exposure (public_cases(), missing_cases(),
located_cases(), public_case_or_404()) and data only from exposure(case): nothing here reads a case's fields for
display. Withdrawal of consent makes every one of these answer 404 at the next request.

The lists choose their cases from the PublicListing copy (redalert.public.listing) and then read the cases of the
page through public_cases(). The content of list and case pages is cached (redalert.public.pagecache) under the
public version, which every change of what is public renews in its own transaction; a cached copy is served only
after its cases were checked again against public_cases().
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from redalert.accounts.middleware import public
from redalert.accounts.models import Organisation
from redalert.cases.models import Case, Photo
from redalert.lib.text import fold
from redalert.matching.public_search import matching_ids
from redalert.places.models import Place, PlaceKind
from redalert.places.names import country_name
from redalert.public import compiled, edge, images, pagecache
from redalert.public.exposure import (
    LOCATED,
    MISSING,
    PublicCase,
    exposure,
    located_cases,
    missing_cases,
    public_case_or_404,
    public_cases,
    public_contact,
    public_contacts,
    with_public_relations,
)
from redalert.public.forms import PublicSearchForm
from redalert.public.frame import render_page
from redalert.public.listing import sync_listing
from redalert.public.models import PublicListing, PublicText

# Without a purged shared cache (redalert.public.edge), images may sit in browsers and proxies only briefly: a
# withdrawal of consent must take them down quickly.
IMAGE_CACHE_CONTROL = "public, max-age=300"
PAGE_CACHE_CONTROL = "private, no-cache"
PHOTO_SIZES = images.VARIANT_SIZES
LIST_PHOTO_SIZE = 160
PAGE_PHOTO_SIZE = 480


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


# Lists ------------------------------------------------------------------------------------------------------------

SCOPES = {MISSING: missing_cases, LOCATED: located_cases}
LIST_PARAMETERS = ("q", "country", "state", "age_min", "age_max", "date_from", "date_to", "page")


Choices = tuple[list[tuple[str, str]], list[tuple[str, str]]]


def _filter_choices(kind: str) -> Choices:
    """Countries and states (first-level subdivisions) that have a listed case of this kind, for the choices."""
    rows = PublicListing.objects.filter(kind=kind)
    countries = {c for c in rows.values_list("country_code", flat=True).distinct() if c}
    state_codes = {c for c in rows.values_list("state_code", flat=True).distinct() if c}
    states = Place.objects.filter(kind=PlaceKind.SUBDIVISION, code__in=state_codes).values_list("code", "name")
    country_choices = sorted(((c, country_name(c)) for c in countries), key=lambda pair: fold(pair[1]))
    state_choices = sorted(states, key=lambda pair: fold(pair[1]))
    return country_choices, state_choices


def filter_listing(rows: QuerySet[PublicListing], data: dict[str, Any]) -> QuerySet[PublicListing]:
    """Apply the public search form's cleaned data to listing rows.

    The name search matches every word of the query in the public name, ignoring accents and case ("Maria Lopez"
    finds "María López") and forgiving spelling (redalert.matching.public_search: "Espinosa" finds "Espinoza",
    "Guadalupe" finds "Lupita"); the listing holds the name alone, never the aliases, which are not public.
    The other filters narrow the rows first; the names left are compared in Python.
    """
    query = (data.get("q") or "").strip()
    if data.get("country"):
        rows = rows.filter(country_code=data["country"])
    if data.get("state"):
        rows = rows.filter(state_code=data["state"])
    # The listing has an age only where the public may see it: a hidden age cannot be guessed by filtering.
    if data.get("age_min") is not None:
        rows = rows.filter(age__gte=data["age_min"])
    if data.get("age_max") is not None:
        rows = rows.filter(age__lte=data["age_max"])
    if data.get("date_from"):
        rows = rows.filter(last_seen_on__gte=data["date_from"])
    if data.get("date_to"):
        rows = rows.filter(last_seen_on__lte=data["date_to"])
    if fold(query).split():
        rows = rows.filter(case_id__in=matching_ids(query, rows.values_list("case_id", "name")))
    return rows


class CachedCountPaginator(Paginator):
    """A paginator that takes the number of results from the page cache when it can.

    The key holds the public version, so the total is counted again after any change of what is public.
    """

    def __init__(self, *args: Any, count_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        total = pagecache.cached(self.count_key)
        if not isinstance(total, int):
            total = super().count
            pagecache.store(self.count_key, total)
        return total


def _cached_filter_choices(keys: pagecache.PageKeys, kind: str) -> Choices:
    """The filter's choices hold no personal data and change only with the public version."""
    key = keys.key("filter-choices", kind)
    choices = pagecache.cached(key)
    if not isinstance(choices, tuple):
        choices = _filter_choices(kind)
        pagecache.store(key, choices)
    return choices


@dataclass(frozen=True)
class Card:
    """A list card: exposure() plus the strings the template would otherwise compute."""

    case: PublicCase
    url: str
    photo_url: str
    age_text: str
    last_seen_iso: str
    last_seen_text: str
    located_iso: str
    located_text: str


def _card(c: PublicCase, case_url: str, photo_url: str) -> Card:
    return Card(
        case=c,
        url=case_url.replace("PUBLICID", c.public_id),
        photo_url=photo_url.replace("PUBLICID", c.public_id) if c.photo_id else "",
        age_text=_age_text(c.age),
        last_seen_iso=c.last_seen_on.isoformat(),
        last_seen_text=date_format(c.last_seen_on, "SHORT_DATE_FORMAT"),
        located_iso=c.located_on.isoformat() if c.located_on else "",
        located_text=date_format(c.located_on, "SHORT_DATE_FORMAT") if c.located_on else "",
    )


def _age_text(age: int | None) -> str:
    if age is None:
        return ""
    return translation.ngettext("%(age)s year old", "%(age)s years old", age) % {"age": age}


def _cards_html(keys: pagecache.PageKeys, kind: str, versions: dict[int, str]) -> dict[int, str]:
    """The HTML card of each case, from the cache where its version has one; the others are drawn (and kept)."""
    card_keys = {pk: keys.case_key("card", pk, version) for pk, version in versions.items()}
    found = pagecache.cached_many(list(card_keys.values()))
    html: dict[int, str] = {}
    for pk, key in card_keys.items():
        value = found.get(key)
        if isinstance(value, str):
            html[pk] = value
    missing = [pk for pk in versions if pk not in html]
    if missing:
        cases = list(with_public_relations(SCOPES[kind]()).filter(pk__in=missing))
        contacts = public_contacts({c.organisation_id for c in cases})
        template = get_template("public/_card.html")
        case_url = reverse("public:case", args=["PUBLICID"])
        photo_url = reverse("public:photo", args=["PUBLICID", LIST_PHOTO_SIZE])
        box = images.variant_box(LIST_PHOTO_SIZE)
        drawn: dict[str, str] = {}
        for case in cases:
            card = _card(exposure(case, contact=contacts[case.organisation_id]), case_url, photo_url)
            html[case.pk] = drawn[card_keys[case.pk]] = template.render({"card": card, "photo_box": box})
        pagecache.store_many(drawn)
    return html


@dataclass(frozen=True)
class CachedList:
    case_ids: tuple[int, ...]
    body: str


def _list_body(keys: pagecache.PageKeys, kind: str, params: dict[str, str]) -> CachedList:
    """Draw the content of a list page: the form, the count, the cards of the page and the pager."""
    countries, states = _cached_filter_choices(keys, kind)
    data = {name: value for name, value in params.items() if name != "page" and value}
    form = PublicSearchForm(data or None, countries=countries, states=states)
    rows = PublicListing.objects.filter(kind=kind)
    if form.is_bound:
        rows = filter_listing(rows, form.cleaned_data) if form.is_valid() else rows.none()
    ids = rows.order_by("-published_at", "-case_id").values_list("case_id", flat=True)
    count_key = keys.key("count", kind, sorted(data.items()))
    page = CachedCountPaginator(ids, settings.PUBLIC_PAGE_SIZE, count_key=count_key).get_page(params["page"])
    page_ids = list(page.object_list)
    # The listing only chooses: whether each case may be shown now is read again through public_cases().
    live = dict(_public_now(kind, page_ids, "public_listing__version")) if page_ids else {}
    stale = [pk for pk in page_ids if not live.get(pk)]
    if stale:
        sync_listing(stale)  # a change missed its hook: repair the listing (and renew the public version)
    shown = [pk for pk in page_ids if live.get(pk)]
    cards = _cards_html(keys, kind, {pk: live[pk] for pk in shown})
    body = render_to_string(
        "public/_list_body.html",
        {
            "form": form,
            "page": page,
            "cards": [mark_safe(cards[pk]) for pk in shown if pk in cards],  # drawn by our template
            "kind": kind,
            "page_query": urlencode(data),
        },
    )
    return CachedList(case_ids=tuple(pk for pk in shown if pk in cards), body=body)


def _public_now(kind: str, case_ids: Sequence[int], *columns: str) -> list[tuple[Any, ...]]:
    """(pk, *columns) of those of these cases that are in the list `kind` now, by public_cases()."""
    return compiled.run(
        f"{kind}:{','.join(columns)}",
        lambda *ids: SCOPES[kind]().filter(pk__in=ids).order_by().values_list("pk", *columns),
        case_ids,
    )


def _still_public(kind: str, case_ids: tuple[int, ...]) -> bool:
    return not case_ids or len(_public_now(kind, case_ids)) == len(set(case_ids))


def _list_page(request: HttpRequest, *, kind: str) -> HttpResponse:
    params = {name: request.GET.get(name, "") for name in LIST_PARAMETERS}
    keys = pagecache.PageKeys.now(with_version=True)
    key = keys.key("list", kind, sorted(params.items()))
    content = pagecache.cached(key)
    if not isinstance(content, CachedList) or not _still_public(kind, content.case_ids):
        content = _list_body(keys, kind, params)
        pagecache.store(key, content)
    page = render_page(request, "public/list.html", body=content.body, nav=kind, kind=kind)
    return edge.shareable(request, page, edge.LIST_KEYS, otherwise=PAGE_CACHE_CONTROL)


def _no_shared_caching(response: HttpResponse) -> HttpResponse:
    """Browsers must ask again each time (a withdrawal takes effect at once) and proxies must not keep the page."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


@public
@require_safe
def missing_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, kind=MISSING)


@public
@require_safe
def located_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, kind=LOCATED)


# Language ---------------------------------------------------------------------------------------------------------


@public
@csrf_exempt
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language form of the public pages: Django's set_language (a safe `next`, the language cookie), without
    the CSRF check. A token in the form would make every public page one visitor's own, which no shared cache may
    keep; what a forged post can do here is change someone's language, nothing more."""
    return set_language(request)


# About ------------------------------------------------------------------------------------------------------------


_FAVICON = settings.BASE_DIR / "redalert" / "static" / "favicon.ico"


@public
@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on every site whatever the page's <link rel="icon"> says."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@public
@require_safe
def about(request: HttpRequest) -> HttpResponse:
    """The organisations' public texts in the reader's language (Spanish where a text is missing)."""
    language = _language()
    by_org: dict[int, dict[str, PublicText]] = {}
    organisations: dict[int, Organisation] = {}
    for text in PublicText.objects.select_related("organisation").order_by("organisation__name"):
        by_org.setdefault(text.organisation_id, {})[text.language] = text
        organisations[text.organisation_id] = text.organisation
    # An organisation with public searches but no text of its own yet gets the default one, with its contact line.
    with_searches = PublicListing.objects.values_list("organisation_id", flat=True).distinct()
    for organisation in Organisation.objects.filter(pk__in=with_searches).exclude(pk__in=list(by_org)):
        by_org[organisation.pk] = {}
        organisations[organisation.pk] = organisation
    entries = []
    for org_id, texts in sorted(by_org.items(), key=lambda item: fold(organisations[item[0]].name)):
        chosen = texts.get(language) or texts.get(settings.LANGUAGE_CODE)
        organisation = organisations[org_id]
        entries.append(
            {
                "organisation": organisation.name,
                "about": (chosen.about if chosen else "") or default_about(organisation.name),
                "contact_line": (chosen.contact_line if chosen else "") or organisation.public_contact,
                "hotline": chosen.hotline if chosen else "",
            }
        )
    return _no_shared_caching(render(request, "public/about.html", {"entries": entries, "nav": "about"}))


def default_about(name: str) -> str:
    """What /acerca/ says of an organisation until its editors write their own text (public texts page)."""
    return _(
        "%(name)s searches for women and girls who disappeared and may be victims of trafficking, and accompanies "
        "their families until she is found and afterwards. If you have information about someone on this site, "
        "press “I have information” on her page, or write or call using the contact below. You can do it "
        "anonymously."
    ) % {"name": name}


# A case -----------------------------------------------------------------------------------------------------------


def share_links(url: str, text: str) -> list[tuple[str, str]]:
    """Share links that work without JavaScript: (network, URL)."""
    return [
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{text} {url}"})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
        ("X", "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": text})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": text})),
    ]


def og_description(public: PublicCase) -> str:
    parts: list[str] = []
    if public.age is not None:
        parts.append(translation.ngettext("%(age)d year old", "%(age)d years old", public.age) % {"age": public.age})
    if public.is_missing:
        parts.append(_("last seen in %(place)s") % {"place": public.place_label})
        parts.append(_("on %(date)s") % {"date": date_format(public.last_seen_on, "DATE_FORMAT")})
    else:
        parts.append(_("She was located."))
    return ", ".join(parts)


@dataclass(frozen=True)
class CachedCase:
    title: str
    meta: str
    body: str
    nav: str


def _case_content(request: HttpRequest, case: Case) -> CachedCase:
    public_case = exposure(case)
    language = _language()
    url = request.build_absolute_uri().split("?", 1)[0]
    heading = _("LOOKING FOR") if public_case.is_missing else _("LOCATED")
    title = f"{heading}: {public_case.full_name}"
    version = str(int(public_case.updated_at.timestamp()))  # a new URL when the case changes: crawlers re-fetch
    share_image_url = request.build_absolute_uri(
        reverse("public:share_image", args=[public_case.public_id]) + "?" + urlencode({"lang": language, "v": version})
    )
    context = {
        "case": public_case,
        "heading": heading,
        "og_title": title,
        "og_description": og_description(public_case),
        "og_url": url,
        "og_image": share_image_url,
        "share_width": images.SHARE_WIDTH,
        "share_height": images.SHARE_HEIGHT,
        "share_links": share_links(url, title),
        "photo_size": PAGE_PHOTO_SIZE,
        "photo_box": images.variant_box(PAGE_PHOTO_SIZE),
        "photo_large": images.VARIANT_SIZES[-1],
        "language": language,
    }
    return CachedCase(
        title=title,
        meta=render_to_string("public/_case_meta.html", context),
        body=render_to_string("public/_case_body.html", context),
        nav=MISSING if public_case.is_missing else LOCATED,
    )


@public
@require_safe
def case_page(request: HttpRequest, public_id: str) -> HttpResponse:
    # Checked on every request, cached copy or not: the case must be public now. The copy is keyed by the case's
    # listing version, which every change of what is shown of the case renews.
    live = compiled.run(
        "case-page",
        lambda pid: (
            public_cases()
            .filter(publication__public_id=pid)
            .order_by()
            .values_list("pk", "status", "located_on", "public_listing__version")
        ),
        [public_id],
    )
    if not live:
        raise Http404("No such page.")
    pk, status, located_on, version = live[0]
    if version is None:
        sync_listing([pk])  # public, but a change missed its hook: repair the listing
    key = pagecache.PageKeys.now().case_key(
        "case", public_id, version, status, located_on, request.scheme, request.get_host()
    )
    content = pagecache.cached(key) if version else None
    if not isinstance(content, CachedCase):
        case = with_public_relations(public_cases()).filter(pk=pk).first()
        if case is None:
            raise Http404("No such page.")
        content = _case_content(request, case)
        if version:
            pagecache.store(key, content)
    page = render_page(
        request, "public/case.html", title=content.title, meta=content.meta, body=content.body, nav=content.nav
    )
    return edge.shareable(request, page, edge.case_keys(public_id), otherwise=PAGE_CACHE_CONTROL)


def _public_photo(case: Case, public_case: PublicCase) -> Photo | None:
    """The photo exposure() allows, if it still exists; never any other photo of the case."""
    if public_case.photo_id is None:
        return None
    return Photo.objects.filter(pk=public_case.photo_id, case=case).first()


def _image_response(request: HttpRequest, data_or_none: bytes | None, etag: str, content_type: str) -> HttpResponse:
    if data_or_none is None:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(data_or_none, content_type=content_type)
    response["ETag"] = etag
    response["X-Robots-Tag"] = "noarchive"
    public_id = request.resolver_match.kwargs["public_id"] if request.resolver_match else ""
    edge.shareable(request, response, edge.case_keys(public_id), otherwise=IMAGE_CACHE_CONTROL)
    return response


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return etag in [tag.strip().removeprefix("W/") for tag in sent.split(",")]


@public
@require_safe
def photo(request: HttpRequest, public_id: str, size: int) -> HttpResponse:
    if size not in PHOTO_SIZES:
        raise Http404("No such size.")
    case, public_case = public_case_or_404(public_id)
    stored = _public_photo(case, public_case)
    if stored is None:
        raise Http404("No photo.")
    etag = images.variant_etag(stored, size)
    if _etag_matches(request, etag):
        return _image_response(request, None, etag, "image/jpeg")
    try:
        data = images.photo_variant(stored, size)
    except (OSError, ValueError) as exc:  # the stored file is missing or damaged
        raise Http404("No photo.") from exc
    return _image_response(request, data, etag, "image/jpeg")


@public
@require_safe
def share_image(request: HttpRequest, public_id: str) -> HttpResponse:
    """The 1200×630 preview image for social networks, in ?lang= (crawlers send no Accept-Language)."""
    case, public_case = public_case_or_404(public_id)
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    stored = _public_photo(case, public_case)
    with translation.override(language):
        # Again through exposure(), with the place label and contact line in the image's language.
        public_case = exposure(case, contact=public_contact(case.organisation, language))
        try:
            data, key = images.share_image(public_case, stored, language)
        except OSError as exc:
            raise Http404("No image.") from exc
    etag = f'"{key[:32]}"'
    if _etag_matches(request, etag):
        return _image_response(request, None, etag, "image/png")
    return _image_response(request, data, etag, "image/png")
