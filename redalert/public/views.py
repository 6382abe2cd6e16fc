"""Public pages: the "se busca" and "localizadas" lists, a case's page, its photo variants and share image, about.

Every view is @public. Cases come only from redalert.public.exposure (public_cases(), missing_cases(),
located_cases(), public_case_or_404()) and data only from exposure(case): nothing here reads a case's fields for
display. Withdrawal of consent makes every one of these answer 404 at the next request.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from redalert.accounts.middleware import public
from redalert.accounts.models import Organisation
from redalert.cases.models import Case, Photo
from redalert.lib.text import fold
from redalert.places.models import PlaceKind
from redalert.places.names import country_name
from redalert.public import images
from redalert.public.exposure import (
    PublicCase,
    PublicContact,
    exposure,
    located_cases,
    missing_cases,
    public_case_or_404,
    public_contact,
    with_public_relations,
)
from redalert.public.forms import PublicSearchForm
from redalert.public.models import PublicText

# Images may sit in browsers and proxies only briefly: a withdrawal of consent must take them down quickly.
IMAGE_CACHE_CONTROL = "public, max-age=300"
PHOTO_SIZES = images.VARIANT_SIZES
LIST_PHOTO_SIZE = 160
PAGE_PHOTO_SIZE = 480


def _language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


# Lists ------------------------------------------------------------------------------------------------------------


def _filter_choices(cases: QuerySet[Case]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Countries and states (first-level subdivisions) that have a case in `cases`, for the filter's choices."""
    rows = cases.values_list(
        "last_seen_place__country_code",
        "last_seen_place__kind",
        "last_seen_place__code",
        "last_seen_place__name",
        "last_seen_place__subdivision__code",
        "last_seen_place__subdivision__name",
    ).distinct()
    countries: set[str] = set()
    states: dict[str, str] = {}
    for country, kind, code, name, sub_code, sub_name in rows:
        if country:
            countries.add(country)
        if kind == PlaceKind.SUBDIVISION:
            states[code] = name
        elif sub_code:
            states[sub_code] = sub_name
    country_choices = sorted(((c, country_name(c)) for c in countries), key=lambda pair: fold(pair[1]))
    state_choices = sorted(states.items(), key=lambda pair: fold(pair[1]))
    return country_choices, state_choices


def _name_matches(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Cases whose public name has every word of `query`, ignoring accents and case ("Maria Lopez" → "María López").

    The database narrows on MissingPerson.search_name; the check is then made on the name alone, because the
    search name also holds aliases, which are not public and must not be found by searching.
    """
    words = fold(query).split()
    if not words:
        return cases
    by_name = Q()
    for word in words:
        by_name &= Q(person__search_name__contains=word)
    candidates = cases.filter(by_name).values_list(
        "pk", "person__given_names", "person__first_surname", "person__second_surname"
    )
    keep = [pk for pk, *names in candidates if all(w in fold(" ".join(n for n in names if n)) for w in words)]
    return cases.filter(pk__in=keep)


def filter_cases(cases: QuerySet[Case], data: dict[str, Any]) -> QuerySet[Case]:
    """Apply the public search form's cleaned data."""
    query = (data.get("q") or "").strip()
    if query:
        cases = _name_matches(cases, query)
    if data.get("country"):
        cases = cases.filter(last_seen_place__country_code=data["country"])
    if data.get("state"):
        state = data["state"]
        cases = cases.filter(
            Q(last_seen_place__code=state, last_seen_place__kind=PlaceKind.SUBDIVISION)
            | Q(last_seen_place__subdivision__code=state)
        )
    age_min, age_max = data.get("age_min"), data.get("age_max")
    if age_min is not None or age_max is not None:
        # Only ages the public may see can be searched: a hidden age must not be guessable by filtering.
        cases = cases.filter(publication__show_age=True, person__age_at_disappearance__isnull=False)
        if age_min is not None:
            cases = cases.filter(person__age_at_disappearance__gte=age_min)
        if age_max is not None:
            cases = cases.filter(person__age_at_disappearance__lte=age_max)
    if data.get("date_from"):
        cases = cases.filter(last_seen_on__gte=data["date_from"])
    if data.get("date_to"):
        cases = cases.filter(last_seen_on__lte=data["date_to"])
    return cases


def _contacts(organisation_ids: set[int]) -> dict[int, PublicContact]:
    """One PublicContact per organisation on the page (not one query per case)."""
    organisations = Organisation.objects.filter(pk__in=organisation_ids)
    return {org.pk: public_contact(org) for org in organisations}


FILTER_CHOICES_SECONDS = 300
COUNT_SECONDS = 60


class CachedCountPaginator(Paginator):
    """A paginator that remembers the number of results for a minute.

    Only the total ("page 3 of 41") may be a minute old; the cases shown are always read live, so a withdrawal of
    consent still takes a case off the list at the next request.
    """

    def __init__(self, *args: Any, count_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @property
    def count(self) -> int:
        total = cache.get(self.count_key)
        if total is None:
            total = super().count
            cache.set(self.count_key, total, COUNT_SECONDS)
        return int(total)


def _count_key(kind: str, form: PublicSearchForm) -> str:
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = sorted((k, str(v)) for k, v in data.items() if v not in (None, ""))
    return "public-count:" + hashlib.sha256(f"{kind}:{filters}".encode()).hexdigest()


def _cached_filter_choices(scope: QuerySet[Case], kind: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The filter's choices change rarely and hold no personal data: computed at most every few minutes."""
    key = f"public-filter-choices:{kind}:{_language()}"
    choices = cache.get(key)
    if choices is None:
        choices = _filter_choices(scope)
        cache.set(key, choices, FILTER_CHOICES_SECONDS)
    return choices


def _list_page(request: HttpRequest, scope: QuerySet[Case], *, kind: str) -> HttpResponse:
    countries, states = _cached_filter_choices(scope, kind)
    form = PublicSearchForm(request.GET or None, countries=countries, states=states)
    cases = scope
    if form.is_bound:
        cases = filter_cases(cases, form.cleaned_data) if form.is_valid() else cases.none()
    cases = with_public_relations(cases).order_by("-publication__published_at", "-id")
    page = CachedCountPaginator(cases, settings.PUBLIC_PAGE_SIZE, count_key=_count_key(kind, form)).get_page(
        request.GET.get("page")
    )
    page_cases = list(page.object_list)
    contacts = _contacts({c.organisation_id for c in page_cases})
    cards = [exposure(c, contact=contacts[c.organisation_id]) for c in page_cases]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/list.html",
        {
            "form": form,
            "page": page,
            "cards": cards,
            "kind": kind,
            "nav": kind,
            "page_query": query.urlencode(),
            "photo_size": LIST_PHOTO_SIZE,
            "photo_box": images.variant_box(LIST_PHOTO_SIZE),
        },
    )


@public
@require_safe
def missing_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, missing_cases(), kind="missing")


@public
@require_safe
def located_list(request: HttpRequest) -> HttpResponse:
    return _list_page(request, located_cases(), kind="located")


# About ------------------------------------------------------------------------------------------------------------


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
    entries = []
    for org_id, texts in by_org.items():
        chosen = texts.get(language) or texts.get(settings.LANGUAGE_CODE)
        if chosen is None:
            continue
        organisation = organisations[org_id]
        entries.append(
            {
                "organisation": organisation.name,
                "about": chosen.about,
                "contact_line": chosen.contact_line or organisation.public_contact,
                "hotline": chosen.hotline,
            }
        )
    return render(request, "public/about.html", {"entries": entries, "nav": "about"})


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


@public
@require_safe
def case_page(request: HttpRequest, public_id: str) -> HttpResponse:
    _case, public_case = public_case_or_404(public_id)
    language = _language()
    url = request.build_absolute_uri()
    url = url.split("?", 1)[0]
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
        "nav": "missing" if public_case.is_missing else "located",
    }
    return render(request, "public/case.html", context)


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
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    response["X-Robots-Tag"] = "noarchive"
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
