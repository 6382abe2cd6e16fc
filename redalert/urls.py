from django.urls import include, path
from django.views.i18n import set_language

from redalert.accounts.middleware import public
from redalert.health import healthz, readyz
from redalert.metrics.views import metrics

urlpatterns = [
    path("", include("redalert.public.urls")),
    path("", include("redalert.tips.urls")),
    path("", include("redalert.alerts.urls")),
    path("", include("redalert.public.staff_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),  # database, Redis, workers' heartbeats (issue 19)
    path("metrics", metrics, name="metrics"),  # Prometheus, for allowed addresses and token only (issue 19)
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("accounts/", include("redalert.accounts.urls")),
    path("security/", include("redalert.security.urls")),  # security events and account unlock (issue 13)
    path("places/", include("redalert.places.urls")),
    path("cases/", include("redalert.cases.urls")),
    path("cases/", include("redalert.consent.urls")),
    path("cases/", include("redalert.investigation.urls")),
    path("matching/", include("redalert.matching.urls")),  # the intake check, further reports (issue 15)
    path("tasks/", include("redalert.tasks.urls")),
    path("", include("redalert.legal.urls")),
    path("", include("redalert.care.urls")),
    path("", include("redalert.shelters.urls")),
    path("imports/", include("redalert.imports.urls")),
    path("found/", include("redalert.found.urls")),  # register of people found (issue 15)
    path("coalition/", include("redalert.coalition.urls")),  # matching across the coalition (issue 15)
    path("statistics/regional/", include("redalert.statistics.regional_urls")),
    path("statistics/", include("redalert.statistics.urls")),
    path("data/", include("redalert.opendata.urls")),
    path("webhooks/", include("redalert.webhooks.urls")),  # webhooks on case events (issue 16)
    path("conversations/", include("redalert.conversations.urls")),  # SMS, WhatsApp, e-mail inbox (issue 18)
    path("identity/", include("redalert.identity.urls")),  # sign-in through the organisation's provider (issue 16)
    path("api/v1/", include("redalert.api.urls")),  # the REST API, its schema and reference (issue 16)
    path("api-clients/", include("redalert.api.staff_urls")),  # an administrator's API clients (issue 16)
    path("transfers/", include("redalert.transfers.urls")),  # transfers and referrals between members (issue 16)
    path("maps/", include("redalert.maps.urls")),
    path("duplicates/", include("redalert.duplicates.urls")),  # possible duplicates, merge and undo (issue 15)
    path("prevention/", include("redalert.prevention.urls")),
    path("hotline/", include("redalert.hotline.urls")),  # the hotline desk and its statistics (issue 18)
    path("", include("redalert.opendata.public_urls")),
    path("", include("redalert.pfif.public_urls")),  # PFIF 1.4 export of published cases (issue 16)
    path("", include("redalert.retention.urls")),  # retention periods and erasure requests (issue 13)
]
