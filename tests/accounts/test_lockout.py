"""django-axes: five wrong passwords lock the account name for 30 minutes."""

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
