import pytest
from django.core.management import call_command
from django.urls import reverse

from apps.branches.compliance import compliance_findings
from apps.branches.models import Enterprise, Meeting, OrgUnit


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_has_the_source_articles_enterprises_and_gaps(roles):
    call_command("seed_demo", force=True)
    counts = (OrgUnit.objects.count(), Enterprise.objects.count(), Meeting.objects.count())
    call_command("seed_demo", force=True)
    assert (OrgUnit.objects.count(), Enterprise.objects.count(), Meeting.objects.count()) == counts
    names = set(Enterprise.objects.values_list("name", flat=True))
    assert {"白塔化工建材厂", "平明太平洋石英制品有限公司", "浦南硅微粉有限公司", "大平乳品厂"} <= names
    assert OrgUnit.objects.filter(status="pending").exists()
    from django.utils import timezone

    findings = compliance_findings(today=timezone.localdate())
    assert findings.townships_without_joint_meeting and findings.unions_missing_subcommittees
    assert Enterprise.objects.filter(union__isnull=True).exists()


@pytest.mark.django_db
def test_admin_pages_open_for_the_administrator(admin_client, county_tree):
    for model in ("orgunit", "enterprise", "subcommittee", "officer", "meeting", "rating"):
        assert admin_client.get(reverse(f"admin:branches_{model}_changelist")).status_code == 200, model


@pytest.mark.django_db
def test_admin_is_scoped_for_staff_who_are_not_superusers(client, chair_a, county_tree):
    chair_a.is_staff = True
    chair_a.save()
    from django.contrib.auth.models import Permission

    chair_a.user_permissions.add(Permission.objects.get(codename="view_orgunit"))
    client.force_login(chair_a)
    content = client.get(reverse("admin:branches_orgunit_changelist")).content.decode()
    assert "白塔化工建材厂工会" in content and "平明" not in content
    other = county_tree["union_b"]
    assert client.get(reverse("admin:branches_orgunit_change", args=[other.pk])).status_code in (302, 404)


@pytest.mark.django_db
def test_admin_never_deletes(admin_client, county_tree):
    url = reverse("admin:branches_orgunit_delete", args=[county_tree["union_a"].pk])
    assert admin_client.get(url).status_code == 403


@pytest.mark.django_db
def test_admin_change_page_offers_only_in_scope_choices_and_no_approval(client, chair_a, county_tree, roles):
    from django.contrib.auth.models import Permission

    chair_a.is_staff = True
    chair_a.save()
    chair_a.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_orgunit", "change_orgunit", "view_enterprise", "add_enterprise"])
    )
    client.force_login(chair_a)
    page = client.get(reverse("admin:branches_orgunit_change", args=[county_tree["union_a"].pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "平明" not in content and "_ref_node_id" not in content and 'name="status"' not in content
    assert client.get(reverse("admin:branches_orgunit_add")).status_code == 403
    from apps.branches.demo import demo_credit_code
    from apps.branches.models import Enterprise

    response = client.post(
        reverse("admin:branches_enterprise_add"),
        {
            "name": "越权企业",
            "credit_code": demo_credit_code(990),
            "ownership": "private",
            "township": county_tree["b"].pk,
            "employee_count": 10,
            "credit_code_checksum_ok": "on",
        },
    )
    assert response.status_code == 200  # the form refuses another township's id
    assert not Enterprise.objects.filter(name="越权企业").exists()


@pytest.mark.django_db
def test_member_and_complaint_admin_show_no_whole_id_or_complainant(admin_client, county_tree):
    import datetime

    from apps.members.services import member_create
    from tests.members.conftest import make_id

    member = member_create(
        user=None,
        union=county_tree["union_a"],
        real_name="陈桂",
        id_number=make_id(),
        join_date=datetime.date(2020, 1, 1),
        employment_form="regular",
    )
    for url in (reverse("admin:members_member_changelist"), reverse("admin:members_member_change", args=[member.pk])):
        content = admin_client.get(url).content.decode()
        assert make_id() not in content and member.id_masked in content
    for model in ("membershiptransfer", "idnumberreveal", "rosterimport"):
        assert admin_client.get(reverse(f"admin:members_{model}_changelist")).status_code == 200
    for model in ("complaint", "complaintreminder"):
        assert admin_client.get(reverse(f"admin:complaints_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:members_member_delete", args=[member.pk])).status_code == 403


@pytest.mark.django_db
def test_the_demo_county_has_a_plausible_enrolment_rate_and_exactly_the_intended_problem_unions(roles):
    from apps.accounts.models import User
    from apps.members.demo import ENROLMENT_PROBLEM_UNIONS
    from apps.members.selectors import enrolment_problem_list, enrolment_rate

    call_command("seed_demo", force=True)
    county = User.objects.get(username="county")
    figures = enrolment_rate(user=county, unit=None)
    assert 0.6 < figures["rate"] < 0.9
    assert figures["problems"] == len(ENROLMENT_PROBLEM_UNIONS) == 2
    assert [u.name for u in enrolment_problem_list(user=county)] == sorted(
        ENROLMENT_PROBLEM_UNIONS, key=lambda name: OrgUnit.objects.get(name=name).path
    )
    rates = [row["rate"] for row in figures["rows"] if row["members"] and not row["problem"]]
    assert rates and all(0.4 <= rate <= 0.95 for rate in rates)
    page = _county_client(county).get(reverse("members:enrolment_problems")).content.decode()
    assert all(name in page for name in ENROLMENT_PROBLEM_UNIONS)


def _county_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
