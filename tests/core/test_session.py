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


# --- a progress page's own refreshing is not activity -------------------------------------------


def _running_import(union, user):
    from apps.members.models import RosterImport

    return RosterImport.objects.create(
        union=union,
        uploaded_by=user,
        file_name="花名册.xlsx",
        content=b"",
        status="running",
        total_rows=100,
        processed_rows=10,
    )


def _poll_for_31_minutes(client, time_machine, url, **extra):
    """What the page's script does while its user is away: one request a minute."""
    for minute in range(1, 32):
        time_machine.move_to(f"2026-11-24 09:{minute:02d}:00+08:00", tick=False)
        response = client.get(url, **extra)
        if response.status_code != 200:
            return minute, response
    return None, response


@pytest.mark.django_db
def test_progress_polling_does_not_keep_an_idle_session_alive(client, chair_a, county_tree, time_machine):
    _login(client, time_machine, "2026-11-24 09:00:00+08:00")
    roster_import = _running_import(county_tree["union_a"], chair_a)
    page = client.get(reverse("members:import_detail", kwargs={"pk": roster_import.pk}))
    assert page.status_code == 200 and "import-progress.js" in page.content.decode()
    progress = reverse("members:import_progress", kwargs={"pk": roster_import.pk})
    minute, response = _poll_for_31_minutes(client, time_machine, progress, headers={"X-Auto-Refresh": "1"})
    # 30 minutes after the last thing the user did, the poll finds the session ended.
    assert minute == 31 and response.status_code == 401
    response = client.get(reverse("members:import_detail", kwargs={"pk": roster_import.pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login_page = client.get(response["Location"]).content.decode()
    assert "登录已超时" in login_page


@pytest.mark.django_db
def test_a_progress_page_reloading_itself_does_not_keep_an_idle_session_alive(
    client, chair_a, county_user, time_machine
):
    from apps.core.models import ExportJob

    time_machine.move_to("2026-11-24 09:00:00+08:00", tick=False)
    client.force_login(county_user)
    job = ExportJob.objects.create(requested_by=county_user, path="/members/export/", total_rows=9000, status="running")
    page = client.get(job.get_absolute_url())
    assert "refresh_while_running.js" in page.content.decode()
    minute, response = _poll_for_31_minutes(client, time_machine, job.get_absolute_url() + "?auto_refresh=1")
    assert minute == 31 and response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_the_users_own_requests_still_count_and_the_marker_goes_no_further(client, chair_a, county_tree, time_machine):
    _login(client, time_machine, "2026-11-24 09:00:00+08:00")
    roster_import = _running_import(county_tree["union_a"], chair_a)
    url = reverse("members:import_detail", kwargs={"pk": roster_import.pk})
    # The same page, asked for by the user (no marker), every ten minutes: the session lives on.
    for minute in (10, 20, 30, 40, 50):
        time_machine.move_to(f"2026-11-24 09:{minute:02d}:00+08:00", tick=False)
        assert client.get(url).status_code == 200
    roster_import.status = "checked"
    roster_import.summary = {"rows": 1, "valid": 0, "warning": 0, "error": 1}
    roster_import.report = [{"row": 5, "status": "error", "messages": ["姓名：未填写"], "action": "skip"}]
    roster_import.save()
    page = client.get(url, {"auto_refresh": "1", "status": "error"}).content.decode()
    assert "姓名：未填写" in page and "auto_refresh" not in page  # links built from the page are the user's


@pytest.mark.django_db
def test_a_poll_after_a_logout_elsewhere_gets_a_401_not_the_login_page(client, chair_a, county_tree):
    """The session ended another way (a logout in another tab): the poll is not redirected to
    the login page, whose HTML the script cannot read (it polled it for ever); a page is."""
    client.force_login(chair_a)
    roster_import = _running_import(county_tree["union_a"], chair_a)
    progress = reverse("members:import_progress", kwargs={"pk": roster_import.pk})
    assert client.get(progress, headers={"X-Auto-Refresh": "1"}).status_code == 200
    client.logout()
    response = client.get(progress, headers={"X-Auto-Refresh": "1"})
    assert response.status_code == 401 and response.json() == {"expired": True}
    response = client.get(progress)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(reverse("members:import_detail", kwargs={"pk": roster_import.pk}), {"auto_refresh": "1"})
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
