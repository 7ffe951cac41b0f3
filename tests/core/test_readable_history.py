"""The change history reads as the office reads it (issue 12): labels, names, Shanghai times, display
names, and no step that did not happen."""

import datetime

import pytest
from django.utils import timezone

from apps.branches.services import union_approve, union_register
from apps.core.history import object_history
from tests.factories import EnterpriseFactory


@pytest.fixture
def registered(chair_a, county_tree):
    return union_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔埠镇新建五金厂工会",
        kind="enterprise",
        formation_form="committee",
        declared_members=30,
        founded_on=datetime.date(2026, 3, 1),
        term_years=5,
        enterprises=[EnterpriseFactory(township=county_tree["a"])],
    )


def test_a_registered_union_has_no_step_it_never_took(registered):
    rows = object_history(registered)
    assert [row.label for row in rows] == ["新建"]
    for row in rows:
        for _field, before, after in row.changes:
            assert not (before == "已批准" and after == "待审批"), row.changes


def test_an_approval_reads_with_names_local_times_and_display_names(registered, county_user):
    moment = datetime.datetime(2026, 11, 30, 17, 30, tzinfo=datetime.UTC)  # 12-01 01:30 in Shanghai
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        union_approve(user=county_user, union=registered)
    latest = object_history(registered)[0]
    changes = {field: (before, after) for field, before, after in latest.changes}
    assert changes["审批人"] == (None, county_user.real_name)  # a person, not a user id
    assert changes["审批时间"][1] == "2026-12-01 01:30"  # Shanghai's day, not UTC's
    assert changes["审批状态"] == ("待审批", "已批准")
    assert latest.who == county_user.real_name  # the display name, not the login
    assert county_user.real_name != county_user.get_username()


def test_the_history_costs_the_same_queries_for_one_event_and_for_many(
    registered, county_user, chair_a, django_assert_num_queries
):
    from apps.core.services import model_update

    with django_assert_num_queries(2):  # the events, and the users who acted
        object_history(registered)
    for index in range(5):
        model_update(instance=registered, fields=["name"], data={"name": f"新名称{index}"}, user=chair_a)
    union_approve(user=county_user, union=registered)
    with django_assert_num_queries(2):  # the events, and the users (who acted and the approver) in one query
        assert len(object_history(registered)) == 7
