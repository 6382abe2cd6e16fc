"""The public tip form: stored before the thanks page, or refused with a clear message and nothing stored."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from redalert.cases.models import TimelineEvent, TimelineKind
from redalert.consent.choices import Decision, Purpose
from redalert.outbox.claiming import deliver_due
from redalert.outbox.models import OutboundMessage
from redalert.tips.models import Tip
from redalert.tips.tests.conftest import grant

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, public_id, meta=None, **overrides):
    data = {"description": "I saw her at the bus station with two men.", "seen_on": "2026-03-03"}
    data.update(overrides)
    return client.post(reverse("tips:send", args=[public_id]), data, **EN, **(meta or {}))


def jpeg(exif=None, size=(64, 64)):
    image = Image.new("RGB", size, "red")
    out = BytesIO()
    image.save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def test_the_form_is_served_for_a_public_case(client, public_id, settings):
    settings.PUBLIC_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get(reverse("tips:send", args=[public_id]), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="description"' in html
    assert '<label for="id_description">' in html
    assert 'aria-hidden="true"' in html and 'name="website"' in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "http" not in html.split("vendor/leaflet/leaflet.js")[0].rsplit("<script", 1)[1]  # no CDN
    assert reverse("tips:places", args=[public_id]) in html  # the picker asks the public endpoint


def test_without_a_tile_server_the_form_offers_the_place_picker_and_loads_no_map_code(client, public_id, settings):
    settings.PUBLIC_MAP_TILE_URL = ""
    html = client.get(reverse("tips:send", args=[public_id]), **EN).content.decode()
    assert "leaflet" not in html and "tips-map.js" not in html and "data-point-picker" not in html
    assert 'name="latitude"' not in html
    assert reverse("tips:places", args=[public_id]) in html


def test_a_tip_is_stored_encrypted_before_the_thanks_page(client, public_case, public_id):
    response = post(
        client,
        public_id,
        contact_name="Laura",
        contact_phone="+52 442 555 0101",
        contact_email="laura@example.org",
        place_description="Behind the market, blue door",
        latitude="20.5881",
        longitude="-100.3881",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tips:thanks", args=[public_id])
    tip = Tip.objects.get()
    assert tip.case == public_case
    assert tip.contact_phone == "+52 442 555 0101"
    assert not tip.anonymous
    assert tip.client_hash and "127.0.0.1" not in tip.client_hash
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_phone, description, latitude, place_description FROM tips_tip WHERE id = %s", [tip.pk]
        )
        raw = cursor.fetchone()
    assert all(value.startswith("fernet:") for value in raw)
    assert "555" not in raw[0]
    thanks = client.get(response["Location"], **EN)
    assert thanks.status_code == 200
    assert "Thank you, we received your information." in thanks.content.decode()
    assert tip.code in thanks.content.decode()
    event = TimelineEvent.objects.get(case=public_case, kind=TimelineKind.TIP)
    assert event.summary_data == {"code": tip.code}


def test_anonymous_tips_keep_no_contact(client, public_id):
    post(client, public_id, anonymous="on", contact_name="Laura", contact_phone="+524425550101")
    tip = Tip.objects.get()
    assert tip.anonymous
    assert (tip.contact_name, tip.contact_phone, tip.contact_email) == ("", "", "")


def test_the_place_typed_without_javascript_is_resolved(client, public_id, places):
    post(client, public_id, place_0="Santiago de Querétaro")
    assert Tip.objects.get().place == places["qro_city"]


def test_an_unknown_place_is_a_clear_error(client, public_id):
    response = post(client, public_id, place_0="Atlantis")
    assert response.status_code == 400
    assert "is not a place we know" in response.content.decode()
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_no_form_for_a_case_that_is_not_public(client, case):
    from redalert.public.services import publication_for

    public_id = publication_for(case).public_id
    assert client.get(reverse("tips:send", args=[public_id])).status_code == 404
    assert post(client, public_id).status_code == 404
    assert client.get(reverse("tips:send", args=["no-such-case"])).status_code == 404
    assert not Tip.objects.exists()


def test_no_form_once_consent_to_publish_is_withdrawn(client, public_case, public_id, coordinator):
    grant(public_case, Purpose.PUBLISH, coordinator, Decision.WITHDRAWN)
    assert client.get(reverse("tips:send", args=[public_id])).status_code == 404
    assert post(client, public_id).status_code == 404
    assert not Tip.objects.exists()


def test_the_sixth_tip_in_an_hour_is_refused_and_not_stored(client, public_id):
    for _ in range(5):
        assert post(client, public_id).status_code == 302
    response = post(client, public_id)
    assert response.status_code == 429
    assert "Too many messages from this connection" in response.content.decode()
    assert Tip.objects.count() == 5
    # Another address is not limited; an hour later this one is not either.
    assert post(client, public_id, meta={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302
    Tip.objects.update(received_at=timezone.now() - timedelta(hours=1, minutes=1))
    assert post(client, public_id).status_code == 302


def test_the_honeypot_stores_spam_with_the_same_confirmation_and_no_email(client, public_case, public_id):
    response = post(client, public_id, website="http://spam.example")
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.is_spam and tip.spam_reason == "honeypot"
    assert tip.code in client.get(response["Location"], **EN).content.decode()
    assert not OutboundMessage.objects.exists()
    assert not TimelineEvent.objects.filter(case=public_case, kind=TimelineKind.TIP).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "Tell us what you saw."),
        ({"description": "   "}, "Tell us what you saw."),
        ({"description": "x" * 5001}, "at most 5000 characters"),
        ({"seen_on": (timezone.localdate() + timedelta(days=1)).isoformat()}, "cannot be in the future"),
        ({"seen_on": "not a date"}, "Enter a valid date."),
        ({"latitude": "95", "longitude": "10"}, "less than or equal to 90"),
        ({"latitude": "20.5"}, "Give both latitude and longitude, or neither."),
        ({"contact_email": "not-an-email"}, "Enter a valid email address."),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(client, public_id, overrides, message):
    response = post(client, public_id, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Tip.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(client, public_id):
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = post(client, public_id, photo=upload)
    assert response.status_code == 400
    assert "This file is not an image, or it is damaged." in response.content.decode()
    assert not Tip.objects.exists()


def test_a_photo_over_the_limit_is_refused(client, public_id, settings):
    settings.PHOTO_MAX_BYTES = 1_048_576
    big = SimpleUploadedFile("big.jpg", jpeg() + b"\0" * 1_100_000, content_type="image/jpeg")
    response = post(client, public_id, photo=big)
    assert response.status_code == 400
    assert "The photo is too large" in response.content.decode()
    assert not Tip.objects.exists()


def test_a_photo_loses_its_gps_data(client, public_id):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (19.0, 26.0, 0.0), 3: "W", 4: (99.0, 8.0, 0.0)})
    original = jpeg(exif)
    assert Image.open(BytesIO(original)).getexif().get_ifd(0x8825)
    response = post(client, public_id, photo=SimpleUploadedFile("p.jpg", original, content_type="image/jpeg"))
    assert response.status_code == 302
    tip = Tip.objects.get()
    with tip.photo.open("rb") as stored:
        data = stored.read()
    cleaned = Image.open(BytesIO(data))
    assert cleaned.format == "JPEG"
    assert not cleaned.getexif()
    assert b"SpyCam" not in data and b"Exif" not in data


def test_the_team_is_emailed_through_real_smtp_without_the_tip(
    client, public_case, public_id, make_user, org_a, smtp_sink, settings
):
    from redalert.cases.models import TeamMembership

    settings.SITE_URL = "https://alerta.example.org"
    colleague = make_user(org_a, "caseworker")
    colleague.email = "caseworker@example.org"
    colleague.save(update_fields=["email"])
    no_email = make_user(org_a, "lawyer")
    for member in (colleague, no_email):
        TeamMembership.objects.create(case=public_case, user=member, added_by=public_case.created_by)
    post(client, public_id, contact_name="Laura Secreta", contact_phone="+524425550101")
    assert OutboundMessage.objects.count() == 2
    assert deliver_due() == 2
    assert deliver_due() == 0
    assert sorted(m["To"] for m in smtp_sink.messages) == ["caseworker@example.org", "coordinadora@example.org"]
    link = "https://alerta.example.org" + reverse("tips:case", args=[public_case.pk])
    for message in smtp_sink.messages:
        body = message.get_content()
        assert public_case.reference in message["Subject"]
        assert link in body
        assert "bus station" not in body and "Laura" not in body and "555" not in body
        assert message["Message-ID"].strip() in set(OutboundMessage.objects.values_list("message_id", flat=True))


def test_the_public_place_search_answers_without_login(public_id, places):
    response = Client().get(reverse("tips:places", args=[public_id]), {"q": "quere"})
    assert response.status_code == 200
    labels = [r["label"] for r in response.json()["results"]]
    assert any("Querétaro" in label for label in labels)
    assert len(labels) <= 10
    assert Client().get(reverse("tips:places", args=["nope"]), {"q": "quere"}).status_code == 404


def test_the_public_place_search_is_rate_limited(public_id, places, settings):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    url = reverse("tips:places", args=[public_id])
    statuses = [client.get(url, {"q": "qu"}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    cache.clear()
