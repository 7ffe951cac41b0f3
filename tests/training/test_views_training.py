"""What the training pages show and do beyond the view checks: each form's bad input is a clear
Chinese error and writes nothing, the nomination answers 已报名 or 候补第 N 位, a withdrawal
names who moved up, and the pages' queries do not grow with their rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.training import services
from apps.training.choices import NominationStatus, ProgrammeKind
from apps.training.models import Attendance, Nomination, Programme, Quota, Session
from tests.training.conftest import add_sessions, make_officer, make_programme

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _at(day):
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=timezone.get_current_timezone())


def _errors(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _running(w, *, trainees=1, where="a"):
    today = _today()
    programme = make_programme(
        w.tree[where],
        kind=ProgrammeKind.TOWNSHIP_CLASS,
        opens=today - datetime.timedelta(days=20),
        closes=today - datetime.timedelta(days=5),
        starts=today - datetime.timedelta(days=3),
        ends=today + datetime.timedelta(days=2),
    )
    (session,) = add_sessions(programme, "6")
    nominations = [
        services.nomination_create(
            user=None,
            programme=programme,
            officer=make_officer(w.tree[f"union_{where}"], f"学员{i}"),
            now=_at(today - datetime.timedelta(days=15)),
        )
        for i in range(trainees)
    ]
    return programme, session, nominations


@pytest.fixture
def batch(training_world):
    """A county batch with sign-up open today (the live clock), capacity 3."""
    return make_programme(training_world.tree["county"], capacity=3, opens=_today(), user=training_world.county_user)


# --- bad input: a clear Chinese error, nothing written ------------------------------------------


def test_a_programme_that_ends_before_it_starts_is_refused(training_world, client_for):
    w = training_world
    today = _today()
    data = {
        "organiser": w.tree["a"].pk,
        "title": "倒着的培训班",
        "starts_on": (today + datetime.timedelta(days=20)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=10)).isoformat(),
        "signup_opens_on": today.isoformat(),
        "signup_closes_on": (today + datetime.timedelta(days=5)).isoformat(),
        "completion_share": "0.80",
    }
    content = _errors(client_for(w.chair).post(reverse("training:programme_create"), data))
    assert "培训班结束日期不能早于开始日期" in content or "不能早于" in content
    assert not Programme.objects.filter(title="倒着的培训班").exists()


def test_a_chair_cannot_open_a_class_for_another_township(training_world, client_for):
    w = training_world
    today = _today()
    data = {
        "organiser": w.tree["b"].pk,
        "title": "别人的培训班",
        "starts_on": (today + datetime.timedelta(days=20)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=21)).isoformat(),
        "signup_opens_on": today.isoformat(),
        "signup_closes_on": (today + datetime.timedelta(days=5)).isoformat(),
        "completion_share": "0.80",
    }
    content = _errors(client_for(w.chair).post(reverse("training:programme_create"), data))
    assert "选择一个有效的选项" in content
    assert not Programme.objects.filter(title="别人的培训班").exists()


def test_a_session_outside_the_programme_dates_is_refused(training_world, batch, client_for):
    w = training_world
    data = {"held_on": (batch.ends_on + datetime.timedelta(days=1)).isoformat(), "hours": "3", "subject": "多余"}
    content = _errors(client_for(w.county_user).post(reverse("training:session_create", args=[batch.pk]), data))
    assert "课程日期应在培训班起止日期" in content
    assert not Session.objects.filter(subject="多余").exists()


def test_a_nomination_without_a_trainee_is_refused(training_world, batch, client_for):
    content = _errors(client_for(training_world.chair).post(reverse("training:nomination_create", args=[batch.pk]), {}))
    assert "请选择一名学员" in content
    assert not batch.nominations.exists()


def test_a_nomination_after_sign_up_closed_is_refused(training_world, client_for):
    w = training_world
    programme, _session, _nominations = _running(w, trainees=0)
    officer = make_officer(w.tree["union_a"], "迟到者")
    response = client_for(w.chair).post(
        reverse("training:nomination_create", args=[programme.pk]), {"officer": officer.pk}
    )
    assert "现在不能报名" in _errors(response)
    assert not programme.nominations.exists()


def test_a_withdrawal_needs_a_reason(training_world, batch, client_for):
    w = training_world
    nomination = services.nomination_create(user=None, programme=batch, officer=w.officers_a[0])
    content = _errors(client_for(w.chair).post(reverse("training:nomination_withdraw", args=[nomination.pk]), {}))
    assert "这个字段是必填项" in content
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.NOMINATED


def test_a_quota_below_the_township_enrolled_is_refused_and_none_is_saved(training_world, batch, client_for):
    w = training_world
    services.quota_set(user=None, programme=batch, township=w.tree["a"], places=2)
    services.nomination_create(user=None, programme=batch, officer=w.officers_a[0])
    services.nomination_create(user=None, programme=batch, officer=w.officers_a[1])
    data = {f"township_{w.tree['a'].pk}": "1", f"township_{w.tree['b'].pk}": "1"}
    content = _errors(client_for(w.county_user).post(reverse("training:quotas", args=[batch.pk]), data))
    assert "名额不能少于已报名人数" in content
    assert not Quota.objects.filter(township=w.tree["b"]).exists()
    assert Quota.objects.get(township=w.tree["a"]).places == 2


def test_a_negative_quota_is_refused(training_world, batch, client_for):
    w = training_world
    data = {f"township_{w.tree['a'].pk}": "-1"}
    content = _errors(client_for(w.county_user).post(reverse("training:quotas", args=[batch.pk]), data))
    assert "不能小于 0" in content
    assert not batch.quotas.exists()


def test_attendance_hours_beyond_the_session_are_refused(training_world, client_for):
    w = training_world
    programme, session, (nomination,) = _running(w)
    data = {f"present_{nomination.pk}": "on", f"hours_{nomination.pk}": "7"}
    content = _errors(client_for(w.chair).post(reverse("training:attendance", args=[session.pk]), data))
    assert "不能大于 6.0" in content
    assert not Attendance.objects.exists()


def test_a_score_above_100_is_refused(training_world, client_for):
    w = training_world
    programme, _session, (nomination,) = _running(w)
    data = {f"score_{nomination.pk}": "101"}
    content = _errors(client_for(w.chair).post(reverse("training:scores", args=[programme.pk]), data))
    assert "不能大于 100" in content
    nomination.refresh_from_db()
    assert nomination.score is None


# --- what the pages say -------------------------------------------------------------------------


def test_the_chair_is_told_enrolled_or_waiting_and_a_withdrawal_moves_the_list_up(training_world, client_for):
    w = training_world
    batch = make_programme(w.tree["county"], capacity=1, opens=_today(), user=w.county_user)
    client = client_for(w.chair)
    url = reverse("training:nomination_create", args=[batch.pk])
    first = client.post(url, {"officer": w.officers_a[0].pk}, follow=True).content.decode()
    assert f"{w.officers_a[0].name} 已报名" in first
    second = client.post(url, {"officer": w.officers_a[1].pk}, follow=True).content.decode()
    assert "本乡镇候补第 1 位" in second
    assert "候补第 1 位" in second  # the detail page's badge
    enrolled = Nomination.objects.get(officer=w.officers_a[0])
    page = client.post(
        reverse("training:nomination_withdraw", args=[enrolled.pk]), {"reason": "工作冲突"}, follow=True
    ).content.decode()
    assert f"候补递补为已报名：{w.officers_a[1].name}" in page
    assert Nomination.objects.get(officer=w.officers_a[1]).status == NominationStatus.NOMINATED


def test_the_attendance_form_enters_every_line_and_completion_follows(training_world, client_for):
    w = training_world
    programme, session, (present, absent) = _running(w, trainees=2)
    client = client_for(w.chair)
    data = {f"present_{present.pk}": "on", f"hours_{present.pk}": "6", f"hours_{absent.pk}": ""}
    client.post(reverse("training:attendance", args=[session.pk]), data)
    assert {(a.nomination_id, a.present, a.hours) for a in session.attendances.all()} == {
        (present.pk, True, Decimal("6")),
        (absent.pk, False, Decimal("0")),
    }
    page = client.post(reverse("training:completion_assess", args=[programme.pk]), follow=True).content.decode()
    assert "结业评定完成：1 人结业，1 人未结业" in page


def test_the_programme_list_shows_the_chairs_township_places(training_world, batch, client_for):
    w = training_world
    services.quota_set(user=None, programme=batch, township=w.tree["a"], places=2)
    services.nomination_create(user=None, programme=batch, officer=w.officers_a[0])
    content = client_for(w.chair).get(reverse("training:programme_list")).content.decode()
    assert "1 / 2" in content  # the township's enrolled / quota
    assert "1 / 3" in content  # the programme's enrolled / capacity


def test_the_places_left_todo_opens_exactly_its_programmes(training_world, batch, client_for):
    from apps.core.todos import todo_list

    w = training_world
    services.quota_set(user=None, programme=batch, township=w.tree["a"], places=2)
    (todo,) = [t for t in todo_list(w.chair) if t.key == "training.places_to_fill"]
    assert todo.count == 1
    listed = client_for(w.chair).get(todo.url).context["table"].data
    assert [p.pk for p in listed] == [batch.pk]
    assert "training.places_to_fill" not in [t.key for t in todo_list(w.chair_b)]


# --- queries do not grow with the rows ---------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the session and the permissions, loaded once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _grow(w, n):
    for i in range(n):
        programme = make_programme(w.tree["county"], opens=_today(), user=w.county_user, title=f"第{i}期")
        add_sessions(programme, "3", "3")
        services.quota_set(user=None, programme=programme, township=w.tree["a"], places=5)
        for j in range(2):
            officer = make_officer(w.tree["union_a"], f"干部{i}-{j}")
            services.nomination_create(user=None, programme=programme, officer=officer)


@pytest.mark.parametrize("url_name", ["training:programme_list", "training:untrained_list", "training:target_report"])
def test_the_lists_cost_the_same_queries_at_two_sizes(training_world, client_for, url_name):
    w = training_world
    client = client_for(w.chair)
    url = reverse(url_name)
    _grow(w, 1)
    few = _queries(client, url)
    _grow(w, 4)
    for i in range(10):
        make_officer(w.tree["union_a"], f"新干部{i}")
    assert _queries(client, url) == few


def test_the_programme_page_costs_the_same_queries_at_two_sizes(training_world, client_for):
    w = training_world
    programme = make_programme(w.tree["county"], opens=_today(), user=w.county_user, capacity=50)
    add_sessions(programme, "3")
    services.nomination_create(user=None, programme=programme, officer=w.officers_a[0])
    client = client_for(w.county_user)
    few = _queries(client, programme.get_absolute_url())
    add_sessions(programme, "3", "2")
    services.quota_set(user=None, programme=programme, township=w.tree["a"], places=20)
    for i in range(12):
        officer = make_officer(w.tree["union_a" if i % 2 else "union_b"], f"多人{i}")
        services.nomination_create(user=None, programme=programme, officer=officer)
    assert _queries(client, programme.get_absolute_url()) == few
