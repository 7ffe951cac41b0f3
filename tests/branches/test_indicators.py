"""The organisation's rates of the yearly assessment (apps.branches.indicators) on a small
hand-built county with a known answer: 经审会 and 女职委 同步组建率, 党政工联席会议 and
乡镇工会大会 held in the year, titles earned (grassroots unions' and townships'); empty
denominators, scoping, and each number's list showing exactly those rows."""

import datetime

import pytest

from apps.branches.models import Meeting, OrgUnit, Rating, SubCommittee
from apps.core.indicators import indicator
from tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

KEYS = (
    "branches.subcommittee_audit_rate",
    "branches.subcommittee_women_rate",
    "branches.joint_meeting_held",
    "branches.township_congress_held",
    "branches.titles_earned",
    "branches.township_titles_earned",
)
TOWNSHIP_RATES = ("branches.joint_meeting_held", "branches.township_congress_held", "branches.township_titles_earned")


def _union(parent, name, *, form="committee", status="approved", archived=False):
    union = OrgUnitFactory(parent=parent, kind="enterprise", name=name)
    OrgUnit.objects.filter(pk=union.pk).update(
        formation_form=form,
        status=status,
        is_active=not archived,
        archived_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC) if archived else None,
    )
    return OrgUnit.objects.get(pk=union.pk)


@pytest.fixture
def organisation(county_tree, county_user, time_machine):
    """Township A: 白塔化工 (committee; 经审会 and 女职委; 职工之家 2026), 白塔二厂 (committee;
    女职委), 白塔三厂 (an organiser; 职工之家 2025), 白塔待批 (pending) and 白塔旧厂 (archived),
    these last two counted nowhere; the township's own 合格示范 2026 and two joint meetings in 2026.
    Township B: 平明石英 (committee, nothing set up); a joint meeting in 2025, its assembly in 2026."""
    time_machine.move_to("2026-06-15 10:00:00+08:00", tick=False)
    tree = county_tree
    a, b = tree["a"], tree["b"]
    OrgUnit.objects.filter(pk__in=[tree["union_a"].pk, tree["union_b"].pk]).update(formation_form="committee")
    second = _union(a, "白塔二厂工会")
    third = _union(a, "白塔三厂工会", form="organiser")
    pending = _union(a, "白塔待批工会", status="pending")
    archived = _union(a, "白塔旧厂工会", archived=True)
    day = datetime.date(2025, 5, 1)
    for union, kind in [
        (tree["union_a"], "fund_audit"),
        (tree["union_a"], "women"),
        (second, "women"),
        (pending, "fund_audit"),
        (archived, "fund_audit"),
        (tree["union_b"], "mediation"),
    ]:
        SubCommittee.objects.create(union=union, kind=kind, established_on=day)
    for unit, title, year in [
        (tree["union_a"], "workers_home", 2026),
        (third, "workers_home", 2025),
        (a, "model_township", 2026),
        (archived, "workers_home", 2026),
    ]:
        Rating.objects.create(org_unit=unit, title=title, year=year, checklist="达标", awarded_by=county_user)
    for unit, kind, held_on in [
        (a, "joint_meeting", datetime.date(2026, 2, 1)),
        (a, "joint_meeting", datetime.date(2026, 5, 1)),
        (b, "joint_meeting", datetime.date(2025, 3, 1)),
        (b, "township_assembly", datetime.date(2026, 4, 1)),
        (tree["union_b"], "committee", datetime.date(2026, 4, 1)),
    ]:
        Meeting.objects.create(org_unit=unit, kind=kind, held_on=held_on, title="会议", recorded_by=county_user)
    return tree


def _counts(key, user, unit=None, year=None):
    rate = indicator(key).compute(user=user, unit=unit, year=year)
    return None if rate is None else (rate.numerator, rate.denominator)


def test_the_known_answer_for_the_county_and_each_township(organisation, county_user):
    a, b, county = organisation["a"], organisation["b"], organisation["county"]
    expected = {
        "branches.subcommittee_audit_rate": {None: (1, 3), county: (1, 3), a: (1, 2), b: (0, 1)},
        "branches.subcommittee_women_rate": {None: (2, 3), a: (2, 2), b: (0, 1)},
        "branches.joint_meeting_held": {None: (1, 2), a: (1, 1), b: (0, 1)},
        "branches.township_congress_held": {None: (1, 2), a: (0, 1), b: (1, 1)},
        "branches.titles_earned": {None: (1, 4), a: (1, 3), b: (0, 1)},
        "branches.township_titles_earned": {None: (1, 2), a: (1, 1), b: (0, 1)},
    }
    for key, units in expected.items():
        for unit, counts in units.items():
            assert _counts(key, county_user, unit) == counts, (key, unit)


def test_a_year_counts_that_years_meetings_and_titles(organisation, county_user):
    a, b = organisation["a"], organisation["b"]
    assert _counts("branches.joint_meeting_held", county_user, b, year=2025) == (1, 1)
    assert _counts("branches.joint_meeting_held", county_user, a, year=2025) == (0, 1)
    assert _counts("branches.titles_earned", county_user, a, year=2025) == (1, 3)
    assert _counts("branches.titles_earned", county_user, year=2024) == (0, 4)
    assert _counts("branches.township_titles_earned", county_user, year=2025) == (0, 2)
    rate = indicator("branches.joint_meeting_held").compute(user=county_user, unit=None, year=2025)
    assert rate.numerator_label == "2025年召开党政工联席会议的乡镇" and "held_year=2025" in rate.numerator_url


def test_an_empty_denominator_has_no_value_and_a_union_no_rate(organisation, county_user):
    empty = OrgUnitFactory(parent=organisation["county"], kind="township", name="空白镇总工会")
    for key in KEYS:
        rate = indicator(key).compute(user=county_user, unit=empty, year=2026)
        if key in TOWNSHIP_RATES:
            assert (rate.numerator, rate.denominator, rate.percent) == (0, 1, 0)
        else:
            assert (rate.numerator, rate.denominator, rate.value, rate.percent) == (0, 0, None, None)
        assert indicator(key).compute(user=county_user, unit=organisation["union_a"], year=2026) is None


def test_a_chair_counts_their_township_only_and_an_officer_nothing(organisation, chair_a, chair_b, officer_a):
    assert _counts("branches.subcommittee_audit_rate", chair_a) == (1, 2)
    assert _counts("branches.joint_meeting_held", chair_a) == (1, 1)
    assert _counts("branches.township_congress_held", chair_b) == (1, 1)
    assert _counts("branches.titles_earned", chair_b) == (0, 1)
    # Township B asked for by township A's chair: nothing of it is in their area.
    assert _counts("branches.subcommittee_women_rate", chair_a, organisation["b"]) == (0, 0)
    for key in KEYS:
        assert _counts(key, officer_a) is None


def test_the_labels_are_chinese(organisation, county_user):
    rate = indicator("branches.subcommittee_audit_rate").compute(user=county_user)
    assert (str(rate.label), rate.numerator_label) == ("经审会同步组建率", "已建经费审查委员会的基层工会")
    assert str(indicator("branches.titles_earned").label) == "基层工会获得称号率"


def _listed(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["filter"].errors, response.context["filter"].errors
    return response.context["table"].paginator.count


@pytest.mark.parametrize("role", ["county", "chair"])
def test_each_number_links_to_a_list_of_exactly_those_rows(organisation, client_for, county_user, chair_a, role):
    user = {"county": county_user, "chair": chair_a}[role]
    client = client_for(user)
    checked = 0
    for key in KEYS:
        for unit in (None, organisation["a"]):
            for year in (2025, 2026):
                rate = indicator(key).compute(user=user, unit=unit, year=year)
                assert _listed(client, rate.numerator_url) == rate.numerator, (key, unit, year, rate.numerator_url)
                assert _listed(client, rate.denominator_url) == rate.denominator, (key, unit, rate.denominator_url)
                checked += 1
    assert checked == 24


def test_the_missing_ones_are_listed_too(organisation, client_for, county_user):
    from django.urls import reverse

    client = client_for(county_user)
    unions = reverse("branches:union_list")
    base = "?status=approved&formation_form=committee&is_active=true"
    assert _listed(client, f"{unions}{base}&subcommittee=no_fund_audit") == 2
    assert _listed(client, f"{unions}{base}&subcommittee=no_women") == 1
    townships = reverse("branches:orgunit_list") + "?kind=township"
    assert _listed(client, f"{townships}&held=no_joint_meeting") == 1  # the current year: B
    assert _listed(client, f"{townships}&held=no_joint_meeting&held_year=2025") == 1  # A
    assert _listed(client, f"{townships}&title_year=2026") == 1  # A's 合格示范
    for bad in ("held=nonsense", "held_year=0", "subcommittee=x", "title_year=1e9"):
        url = f"{townships}&{bad}" if bad.startswith("held") else f"{unions}?{bad}"
        assert client.get(url).context["filter"].errors, bad


def test_each_costs_one_query(organisation, county_user, django_assert_num_queries):
    for key in KEYS:
        with django_assert_num_queries(1):
            indicator(key).compute(user=county_user, unit=organisation["a"], year=2026)


def test_registered_off_the_home_page():
    for key in KEYS:
        item = indicator(key)
        assert not item.home_page and item.permission == "branches.view_orgunit"
    assert [indicator(k).per_year for k in KEYS] == [False, False, True, True, True, True]
