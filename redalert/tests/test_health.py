from django.test import Client


def test_healthz_answers_without_login_or_database():
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
