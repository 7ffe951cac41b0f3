"""/healthz/: 200 when database, Redis, a Celery worker and migrations are fine, 503 otherwise."""

import pytest

pytestmark = pytest.mark.worker


def test_healthz_is_200_with_everything_up_and_needs_no_login(celery_worker, client):
    response = client.get("/healthz/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "migrations": True,
        "redis": True,
        "celery": True,
    }


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    # No connection strings or secrets in the answer.
    assert "redis://" not in response.content.decode()
    assert settings.SECRET_KEY not in response.content.decode()


def test_excel_exports_never_run_user_text_as_a_formula():
    from apps.core.exports import safe_cell

    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+1") == "'+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("白塔化工建材厂") == "白塔化工建材厂" and safe_cell(25) == 25


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_healthz_is_503_not_500_with_a_session_cookie_while_the_database_is_down(
    transactional_db, client, county_user, settings
):
    """The session and the user are in the database: /healthz/ must not read them to answer."""
    from django.db import connection

    settings.HEALTHZ_CELERY_TIMEOUT = 0.2
    client.force_login(county_user)  # the probe carries a session cookie, as a browser's does
    client.raise_request_exception = False
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _closed_port()
    try:
        response = client.get("/healthz/")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError"}
    assert body["checks"]["migrations"]["ok"] is False
