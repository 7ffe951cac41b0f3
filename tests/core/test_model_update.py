"""model_update: the one way a service updates a row (apps.core.services)."""

import pytest
from django.core.exceptions import ValidationError
from pghistory.models import Events

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise
from apps.core.services import model_update


@pytest.fixture
def enterprise(county_tree):
    return Enterprise.objects.create(
        name="白塔埠示范纺织有限公司",
        credit_code=demo_credit_code(881),
        township=county_tree["a"],
        ownership="private",
        employee_count=40,
    )


def test_only_changed_fields_are_written_and_the_actor_is_recorded(enterprise, county_user):
    before = enterprise.updated_at
    instance, changed = model_update(
        instance=enterprise,
        fields=["name", "employee_count"],
        data={"name": "白塔埠示范纺织有限公司", "employee_count": 55},
        user=county_user,
    )
    assert changed is True
    enterprise.refresh_from_db()
    assert enterprise.employee_count == 55
    assert enterprise.updated_at > before
    event = Events.objects.tracks(enterprise).order_by("-pgh_created_at", "-pgh_id").first()
    assert event.pgh_label == "update"
    assert set(event.pgh_diff) >= {"employee_count"}
    assert "name" not in event.pgh_diff
    assert event.pgh_context["user_name"] == county_user.get_username()


def test_nothing_changed_writes_nothing(enterprise, county_user):
    events_before = Events.objects.tracks(enterprise).count()
    _instance, changed = model_update(
        instance=enterprise, fields=["employee_count"], data={"employee_count": 40}, user=county_user
    )
    assert changed is False
    assert Events.objects.tracks(enterprise).count() == events_before


def test_fields_not_listed_are_ignored_and_unknown_fields_refused(enterprise, county_user):
    model_update(instance=enterprise, fields=["employee_count"], data={"name": "别的名字"}, user=county_user)
    enterprise.refresh_from_db()
    assert enterprise.name == "白塔埠示范纺织有限公司"
    with pytest.raises(ValueError):
        model_update(instance=enterprise, fields=["no_such_field"], data={"no_such_field": 1}, user=county_user)


def test_an_invalid_row_is_refused_and_not_saved(enterprise, county_user):
    with pytest.raises(ValidationError):
        model_update(instance=enterprise, fields=["employee_count"], data={"employee_count": -5}, user=county_user)
    enterprise.refresh_from_db()
    assert enterprise.employee_count == 40


def test_a_system_job_is_recorded_as_the_system(enterprise):
    model_update(instance=enterprise, fields=["employee_count"], data={"employee_count": 41}, user=None)
    event = Events.objects.tracks(enterprise).order_by("-pgh_created_at", "-pgh_id").first()
    assert event.pgh_context["user_name"] == "系统"


def test_the_innermost_acting_user_is_recorded_and_the_outer_one_restored(enterprise, county_user, chair_a):
    import pghistory

    from apps.core.history import acting_user

    with pghistory.context(url="/page/"), acting_user(county_user):
        model_update(instance=enterprise, fields=["employee_count"], data={"employee_count": 41}, user=county_user)
        outer_event = Events.objects.tracks(enterprise).order_by("-pgh_created_at", "-pgh_id").first()
        with acting_user(chair_a):
            enterprise.employee_count = 42
            enterprise.save(update_fields=["employee_count"])
        inner_event = Events.objects.tracks(enterprise).order_by("-pgh_created_at", "-pgh_id").first()
        enterprise.employee_count = 43
        enterprise.save(update_fields=["employee_count"])
        last_event = Events.objects.tracks(enterprise).order_by("-pgh_created_at", "-pgh_id").first()
    outer_event = Events.objects.get(pgh_id=outer_event.pgh_id, pgh_model=outer_event.pgh_model)
    assert inner_event.pgh_context["user_name"] == "chair_a"
    assert inner_event.pgh_context["url"] == "/page/"
    assert outer_event.pgh_context["user_name"] == "county"  # not overwritten by the inner user
    assert last_event.pgh_context["user_name"] == "county"
