"""Sessions end after 30 minutes idle or 8 hours in all."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def _login(client, time_machine, when):
    time_machine.move_to(when, tick=False)
    response = client.post(reverse("login"), {"username": "chair_a", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_idle_session_expires_after_30_minutes(client, chair_a, time_machine):
    _login(client, time_machine, "2026-11-24 09:00:00+08:00")
    time_machine.move_to("2026-11-24 09:29:00+08:00", tick=False)
    assert client.get(reverse("overview:home")).status_code == 200
    time_machine.move_to("2026-11-24 10:00:00+08:00", tick=False)
    response = client.get(reverse("overview:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_active_session_ends_after_8_hours(client, chair_a, time_machine):
    _login(client, time_machine, "2026-11-24 08:00:00+08:00")
    for hour in range(8, 16):
        for minute in (0, 20, 40):
            time_machine.move_to(f"2026-11-24 {hour:02d}:{minute:02d}:00+08:00", tick=False)
            assert client.get(reverse("overview:home")).status_code == 200
    time_machine.move_to("2026-11-24 16:01:00+08:00", tick=False)
    assert client.get(reverse("overview:home")).status_code == 302
