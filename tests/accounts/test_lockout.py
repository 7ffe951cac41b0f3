"""django-axes: five wrong passwords lock an account from that address, twenty lock the address."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, chair_a):
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "chair_a", "password": "wrong"})
        assert response.status_code == 200
        assert "用户名或密码错误" in response.content.decode()
    response = client.post(url, {"username": "chair_a", "password": "wrong"})
    assert response.status_code == 429
    assert "账号已暂时锁定" in response.content.decode()
    response = client.post(url, {"username": "chair_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_four_wrong_passwords_then_the_right_one_logs_in(client, chair_a):
    url = reverse("login")
    for _ in range(4):
        client.post(url, {"username": "chair_a", "password": "wrong"})
    response = client.post(url, {"username": "chair_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(chair_a.pk)


@pytest.mark.django_db
def test_lockout_ends_after_30_minutes(client, chair_a, time_machine):
    url = reverse("login")
    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    for _ in range(5):
        client.post(url, {"username": "chair_a", "password": "wrong"})
    # (A login tried while locked counts as a failure and restarts the 30 minutes, so the
    # first try comes only after the cool-off.)
    time_machine.move_to("2026-11-24 09:31:00+08:00", tick=False)
    assert client.post(url, {"username": "chair_a", "password": PASSWORD}).status_code == 302


# --- by account and address, and by address alone ------------------------------------------------

ADDRESS_X = "203.0.113.7"
ADDRESS_Y = "198.51.100.9"


def _login(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_failures_for_county_from_one_address_lock_county_only_from_that_address(client, county_user):
    for _ in range(5):
        _login(client, "county", "wrong", ADDRESS_X)
    assert _login(client, "county", PASSWORD, ADDRESS_X).status_code == 429
    # Nobody can lock `county` out from outside: from another address it logs in.
    response = _login(client, "county", PASSWORD, ADDRESS_Y)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(county_user.pk)


@pytest.mark.django_db
def test_an_account_locked_from_one_address_does_not_lock_that_address_for_colleagues(client, county_user, chair_a):
    for _ in range(5):
        _login(client, "county", "wrong", ADDRESS_X)
    # A township office behind one NAT address: a colleague still logs in from it.
    assert _login(client, "chair_a", PASSWORD, ADDRESS_X).status_code == 302


@pytest.mark.django_db
def test_one_address_trying_one_password_against_many_accounts_is_locked(client, settings, county_user, chair_a):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    # A password spray: one guess per account name, never five for any one of them.
    for number in range(limit):
        response = _login(client, f"user{number:03d}", "Spring2026!", ADDRESS_X)
        assert response.status_code == (429 if number == limit - 1 else 200)
    # Now every account is refused from that address, even with the right password...
    assert _login(client, "chair_a", PASSWORD, ADDRESS_X).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...and not from elsewhere.
    assert _login(client, "chair_a", PASSWORD, ADDRESS_Y).status_code == 302


@pytest.mark.django_db
def test_logging_in_to_ones_own_account_does_not_clear_the_addresss_failures(client, settings, chair_a):
    limit = settings.AXES_ADDRESS_FAILURE_LIMIT
    for number in range(limit - 1):
        _login(client, f"user{number:03d}", "Spring2026!", ADDRESS_X)
    assert _login(client, "chair_a", PASSWORD, ADDRESS_X).status_code == 302
    client.logout()
    assert _login(client, "user999", "Spring2026!", ADDRESS_X).status_code == 429


@pytest.mark.django_db
def test_a_success_clears_that_accounts_failures_from_that_address(client, chair_a):
    for _ in range(4):
        _login(client, "chair_a", "wrong", ADDRESS_X)
    assert _login(client, "chair_a", PASSWORD, ADDRESS_X).status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "chair_a", "wrong", ADDRESS_X).status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_what_the_client_wrote(client, settings, chair_a):
    settings.CLIENT_IP_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # The client forges X-Forwarded-For entries; the proxy appends the address it really saw.
    for number in range(5):
        response = client.post(
            reverse("login"),
            {"username": "chair_a", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {ADDRESS_X}",
        )
    assert response.status_code == 429
    # Another client behind the same proxy is not locked out.
    response = client.post(
        reverse("login"),
        {"username": "chair_a", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=ADDRESS_Y,
    )
    assert response.status_code == 302


def test_client_address_ignores_a_header_that_did_not_pass_through_every_proxy(settings, rf):
    from apps.accounts.lockout import client_ip_address

    settings.CLIENT_IP_PROXY_COUNT = 0
    assert client_ip_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ADDRESS_X)) == "10.0.0.2"
    settings.CLIENT_IP_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {ADDRESS_X}, 10.0.0.1")
    assert client_ip_address(request) == ADDRESS_X
    assert client_ip_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=ADDRESS_X)) == "10.0.0.2"
    assert client_ip_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="junk, 10.0.0.1")) == "10.0.0.2"
