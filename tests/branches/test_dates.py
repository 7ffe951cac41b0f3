"""Plausible dates in the branches app: every date a form, service or import sets is refused
beyond its range with a Chinese message, and the database refuses what slips past."""

import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.branches.demo import demo_credit_code
from apps.branches.models import Enterprise, Meeting, Officer, OrgUnit, Rating, SubCommittee
from apps.branches.services import (
    enterprise_register,
    meeting_record,
    officer_add,
    rating_record,
    subcommittee_add,
    union_new_term,
    union_register,
)

YEAR_1 = datetime.date(1, 1, 1)
YEAR_9999 = datetime.date(9999, 12, 31)
IMPLAUSIBLE = ("日期不合理", "不能晚于今天", "年度不合理")


def refused_in_chinese(text):
    return any(message in text for message in IMPLAUSIBLE)


@pytest.fixture
def factory_a(chair_a, county_tree):
    return enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔埠镇金鼎机械厂",
        credit_code=demo_credit_code(901),
        ownership="private",
        employee_count=60,
    )


def today():
    return timezone.localdate()


# --- the election with term_start=9999-12-31 (answered 500) ----------------------------------------


@pytest.mark.django_db
class TestElection:
    def test_the_page_refuses_an_implausible_term_start(self, client_for, county_user, county_tree):
        union = county_tree["union_a"]
        client = client_for(county_user)
        for term_start in ("9999-12-31", "0001-01-01", "1899-12-31", "2099-12-31"):
            response = client.post(
                reverse("branches:union_new_term", kwargs={"pk": union.pk}), {"term_start": term_start, "term_years": 5}
            )
            assert response.status_code == 200
            assert "日期不合理" in response.content.decode()
        union.refresh_from_db()
        assert union.term_start is None and union.term_end is None

    def test_the_service_refuses_it_before_computing_the_end(self, county_tree):
        for term_start in (YEAR_9999, YEAR_1):
            with pytest.raises(ValidationError) as caught:
                union_new_term(user=None, union=county_tree["union_a"], term_start=term_start, term_years=5)
            assert "日期不合理" in caught.value.message_dict["term_start"][0]

    def test_an_election_a_few_months_ahead_is_fine(self, county_tree):
        start = today() + datetime.timedelta(days=90)
        union = union_new_term(user=None, union=county_tree["union_a"], term_start=start, term_years=5)
        assert union.term_end > start


# --- every form refuses year 1 and 9999 and saves nothing ----------------------------------------


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 200, "a refused date answers the form again, never a redirect or a 500"
    assert refused_in_chinese(response.content.decode())


FORM_CASES = {
    "founded_on": lambda ctx, day: (
        reverse("branches:union_register"),
        {
            "township": ctx["tree"]["a"].pk,
            "name": "新工会",
            "kind": "enterprise",
            "enterprises": [ctx["factory"].pk],
            "formation_form": "committee",
            "declared_members": 30,
            "founded_on": day,
            "term_years": 5,
        },
        lambda: OrgUnit.objects.filter(name="新工会").exists(),
    ),
    "established_on": lambda ctx, day: (
        reverse("branches:subcommittee_add", kwargs={"pk": ctx["tree"]["union_a"].pk}),
        {"kind": "women", "established_on": day, "head_name": "张某"},
        lambda: SubCommittee.objects.exists(),
    ),
    "officer term_start": lambda ctx, day: (
        reverse("branches:officer_add", kwargs={"pk": ctx["tree"]["union_a"].pk}),
        {"name": "李某", "position": "chair", "term_start": day, "term_end": "2030-12-31"},
        lambda: Officer.objects.exists(),
    ),
    "officer term_end": lambda ctx, day: (
        reverse("branches:officer_add", kwargs={"pk": ctx["tree"]["union_a"].pk}),
        {"name": "李某", "position": "chair", "term_start": "2026-01-01", "term_end": day},
        lambda: Officer.objects.exists(),
    ),
    "held_on": lambda ctx, day: (
        reverse("branches:meeting_add", kwargs={"pk": ctx["tree"]["a"].pk}),
        {"kind": "joint_meeting", "held_on": day, "title": "党政工联席会议"},
        lambda: Meeting.objects.exists(),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(FORM_CASES))
def test_every_date_form_refuses_year_1_and_9999(client_for, county_user, county_tree, factory_a, case):
    client = client_for(county_user)
    for day in ("0001-01-01", "1899-12-31", "9999-12-31"):
        url, data, saved = FORM_CASES[case]({"tree": county_tree, "factory": factory_a}, day)
        _post(client, url, data)
        assert not saved()


@pytest.mark.django_db
def test_the_rating_form_refuses_implausible_years(client_for, county_user, county_tree):
    url = reverse("branches:rating_add", kwargs={"pk": county_tree["union_a"].pk})
    client = client_for(county_user)
    implausible = "年度不合理：应在 1950 年至 2100 年之间。"
    # A negative year never reaches the plausibility check: the form field's own minimum refuses it.
    expected = {"0": implausible, "1": implausible, "1949": implausible, "9999": implausible}
    expected |= {"32768": implausible, "-1": "不能小于 0。"}
    for year, message in expected.items():
        response = client.post(url, {"title": "workers_home", "year": year, "checklist": "达标"})
        assert response.status_code == 200
        content = response.content.decode()
        assert message in content, year
        assert (implausible in content) == (message == implausible), year
    assert not Rating.objects.exists()
    assert client.post(url, {"title": "workers_home", "year": "2026", "checklist": "达标"}).status_code == 302


# --- every service refuses them too --------------------------------------------------------------


SERVICE_CASES = {
    "union_register.founded_on": lambda ctx, day: union_register(
        user=ctx["chair"],
        township=ctx["tree"]["a"],
        name="新工会",
        kind="enterprise",
        enterprises=[ctx["factory"]],
        formation_form="committee",
        declared_members=30,
        founded_on=day,
        term_years=5,
    ),
    "subcommittee_add.established_on": lambda ctx, day: subcommittee_add(
        user=None, union=ctx["tree"]["union_a"], kind="women", established_on=day
    ),
    "officer_add.term_start": lambda ctx, day: officer_add(
        user=None,
        union=ctx["tree"]["union_a"],
        name="李某",
        position="chair",
        term_start=day,
        term_end=datetime.date(2030, 12, 31),
    ),
    "officer_add.term_end": lambda ctx, day: officer_add(
        user=None,
        union=ctx["tree"]["union_a"],
        name="李某",
        position="chair",
        term_start=datetime.date(2026, 1, 1),
        term_end=day,
    ),
    "meeting_record.held_on": lambda ctx, day: meeting_record(
        user=ctx["chair"], org_unit=ctx["tree"]["a"], kind="joint_meeting", held_on=day, title="联席会议"
    ),
    "union_new_term.term_start": lambda ctx, day: union_new_term(
        user=None, union=ctx["tree"]["union_a"], term_start=day, term_years=3
    ),
}


@pytest.mark.django_db
def test_every_service_refuses_implausible_dates(chair_a, county_tree, factory_a):
    counts = [model.objects.count() for model in (OrgUnit, SubCommittee, Officer, Meeting)]
    for case, service in SERVICE_CASES.items():
        for day in (YEAR_1, datetime.date(1899, 12, 31), YEAR_9999):
            with pytest.raises(ValidationError) as caught:
                service({"chair": chair_a, "tree": county_tree, "factory": factory_a}, day)
            assert refused_in_chinese(" ".join(caught.value.messages)), (case, day)
    assert [model.objects.count() for model in (OrgUnit, SubCommittee, Officer, Meeting)] == counts


@pytest.mark.django_db
def test_the_rating_service_refuses_implausible_years(chair_a, county_tree):
    for year in (0, 1949, 2101, 9999):
        with pytest.raises(ValidationError, match="年度不合理"):
            rating_record(
                user=chair_a, org_unit=county_tree["union_a"], title="workers_home", year=year, checklist="达标"
            )
    assert not Rating.objects.exists()


# --- the database refuses what slips past ---------------------------------------------------------


@pytest.fixture
def one_of_each(chair_a, county_tree, factory_a):
    union = county_tree["union_a"]
    start = datetime.date(2026, 1, 1)
    union_new_term(user=None, union=union, term_start=start, term_years=5)
    OrgUnit.objects.filter(pk=union.pk).update(founded_on=start)
    return {
        "user": chair_a,
        OrgUnit: union.pk,
        Enterprise: factory_a.pk,
        SubCommittee: subcommittee_add(user=None, union=union, kind="women", established_on=start).pk,
        Officer: officer_add(
            user=None,
            union=union,
            name="李某",
            position="chair",
            term_start=start,
            term_end=datetime.date(2030, 12, 31),
        ).pk,
        Meeting: meeting_record(
            user=chair_a, org_unit=county_tree["a"], kind="joint_meeting", held_on=start, title="联席会议"
        ).pk,
    }


DB_CASES = [
    (OrgUnit, {"founded_on": YEAR_1}),
    (OrgUnit, {"founded_on": YEAR_9999}),
    (OrgUnit, {"term_start": YEAR_1}),
    (OrgUnit, {"term_end": YEAR_9999}),
    (OrgUnit, {"approved_at": datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)}),
    (OrgUnit, {"archived_at": datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)}),
    (Enterprise, {"archived_at": datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)}),
    (Enterprise, {"credit_code_confirmed_at": datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)}),
    (SubCommittee, {"established_on": YEAR_1}),
    (Officer, {"term_start": YEAR_1}),
    (Officer, {"term_end": YEAR_9999}),
    (Meeting, {"held_on": datetime.date(1899, 12, 31)}),
]


@pytest.mark.django_db
def test_the_database_refuses_a_raw_update_beyond_the_window(one_of_each):
    for model, changes in DB_CASES:
        (field,) = changes
        with pytest.raises(IntegrityError, match=f"{field}_plausible"), transaction.atomic():
            model.objects.filter(pk=one_of_each[model]).update(**changes)
    rating = rating_record(
        user=one_of_each["user"],
        org_unit=OrgUnit.objects.get(pk=one_of_each[OrgUnit]),
        title="workers_home",
        year=2026,
        checklist="达标",
    )
    for year in (0, 1949, 2101, 9999):
        with pytest.raises(IntegrityError, match="rating_sensible_year"), transaction.atomic():
            Rating.objects.filter(pk=rating.pk).update(year=year)


@pytest.mark.django_db
def test_the_database_refuses_a_raw_insert_beyond_the_window(chair_a, county_tree):
    with pytest.raises(IntegrityError, match="held_on_plausible"), transaction.atomic():
        Meeting.objects.bulk_create(
            [Meeting(org_unit=county_tree["a"], kind="joint_meeting", held_on=YEAR_1, title="x", recorded_by=chair_a)]
        )


# --- the meeting list's year filter (answered 500 on ?year=0) -------------------------------------


@pytest.mark.django_db
def test_the_meeting_year_filter_never_fails(client_for, chair_a, county_tree):
    meeting_record(user=chair_a, org_unit=county_tree["a"], kind="joint_meeting", held_on=today(), title="联席会议")
    client = client_for(chair_a)
    for year in ("0", "-1", "1", "1899", "2100", "9999", "10000", "1e9", "9" * 20, "２０２６", "²", "", "x" * 10000):
        assert client.get(reverse("branches:meeting_list"), {"year": year}).status_code == 200, year
        export = client.get(reverse("branches:meeting_export"), {"year": year})
        # A year the list accepts is exported (none, or full-width digits, which it reads); one it
        # refuses sends the user back to the list with it, where the filter says why.
        if year in ("", "２０２６"):
            assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd."), year
        else:
            assert export.status_code == 302, year
            assert export.url == f"{reverse('branches:meeting_list')}?{urlencode({'year': year})}", year


@pytest.mark.django_db
def test_the_meeting_year_filter_still_filters(client_for, chair_a, county_tree):
    meeting_record(user=chair_a, org_unit=county_tree["a"], kind="joint_meeting", held_on=today(), title="今年的会")
    client = client_for(chair_a)
    assert "今年的会" in client.get(reverse("branches:meeting_list"), {"year": today().year}).content.decode()
    assert "今年的会" not in client.get(reverse("branches:meeting_list"), {"year": 2000}).content.decode()
    refused = client.get(reverse("branches:meeting_list"), {"year": "0"}).content.decode()
    assert "今年的会" not in refused and "1900" in refused  # the form says which years it takes
    sheet = load_workbook(io.BytesIO(client.get(reverse("branches:meeting_export"), {"year": 2000}).content)).active
    assert sheet.max_row == 1


# --- the migration repairs rows stored before the window -----------------------------------------


@pytest.mark.django_db
def test_the_migration_repairs_rows_stored_before_the_window(one_of_each):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("apps.branches.migrations.0009_plausible_dates")
    models = (OrgUnit, SubCommittee, Officer, Meeting)
    dropped = [(m, c) for m in models for c in m._meta.constraints if c.name.endswith("_plausible")]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model, constraint in dropped:
            cursor.execute(f"ALTER TABLE {model._meta.db_table} DROP CONSTRAINT {constraint.name}")
    OrgUnit.objects.filter(pk=one_of_each[OrgUnit]).update(founded_on=YEAR_1, term_start=YEAR_1)
    SubCommittee.objects.filter(pk=one_of_each[SubCommittee]).update(established_on=YEAR_9999)
    Officer.objects.filter(pk=one_of_each[Officer]).update(term_start=YEAR_1, term_end=YEAR_9999)
    Meeting.objects.filter(pk=one_of_each[Meeting]).update(held_on=YEAR_1)
    with connection.schema_editor() as editor:
        migration.repair_implausible_dates(django_apps, editor)
        for model, constraint in dropped:
            editor.add_constraint(model, constraint)
    union = OrgUnit.objects.get(pk=one_of_each[OrgUnit])
    assert union.founded_on is None and union.term_start is None and union.term_end == datetime.date(2030, 12, 31)
    recorded = today()
    assert SubCommittee.objects.get(pk=one_of_each[SubCommittee]).established_on == recorded
    officer = Officer.objects.get(pk=one_of_each[Officer])
    assert officer.term_start == recorded and officer.term_end > recorded
    assert Meeting.objects.get(pk=one_of_each[Meeting]).held_on == recorded


@pytest.mark.django_db
def test_the_compliance_task_refuses_an_implausible_day_typed_in_admin(county_tree):
    from apps.branches.tasks import send_compliance_reminders

    with pytest.raises(ValidationError, match="日期不合理"):
        send_compliance_reminders("9999-12-31")  # the term-end horizon would overflow
    with pytest.raises(ValidationError, match="不能晚于今天"):
        send_compliance_reminders("2099-12-31")  # a future day would claim its reminders now
    assert send_compliance_reminders("2001-01-01") >= 0
