"""Django admin in Chinese (issue 12): apps, models, fields, permissions, schedules and history.

The checks read what a page shows a person: its labels, column and section headings, the index's
app and model names; a run of Latin letters there is English, save the codes allowlisted below.
"""

import datetime
import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from apps.complaints.services import complaint_transition
from apps.core.permissions import name_permissions_in_chinese
from apps.core.schedules import describe_crontab, describe_interval, describe_schedule
from tests.factories import ComplaintFactory, EnterpriseFactory, MemberFactory, NotificationFactory, valid_id_number

PORTAL_APPS = [
    "branches",
    "members",
    "complaints",
    "contracts",
    "dues",
    "training",
    "reemployment",
    "aid",
    "accounts",
    "core",
]
# Codes and proper names that are not English prose: they may appear in a label.
ALLOWED_WORDS = {
    "IP",
    "SHA",
    "Excel",
    "Celery",
    "Control",
    "Command",
    "Mac",
    "LDAP",
    "AMQP",
    "JSON",
    "TS",
    "DH",
    "JTHT",
}
WORD = re.compile(r"[A-Za-z]{3,}")


def visible(fragment: str) -> str:
    fragment = re.sub(r"<(script|style|select|textarea)\b.*?</\1>", " ", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def english_words(text: str, allowed=()) -> set[str]:
    return {word for word in WORD.findall(text) if word not in ALLOWED_WORDS and word not in allowed}


def labels_of(page: str) -> str:
    """What names the fields, columns and sections of an admin page (not the values shown)."""
    parts = re.findall(r"<label\b[^>]*>(.*?)</label>", page, flags=re.S)
    parts += re.findall(r"<th\b[^>]*scope=\"col\"[^>]*>(.*?)</th>", page, flags=re.S)
    parts += re.findall(r"<th\b[^>]*class=\"(?:column-|sortable)[^\"]*\"[^>]*>(.*?)</th>", page, flags=re.S)
    parts += re.findall(r"<h[123]\b[^>]*>(.*?)</h[123]>", page, flags=re.S)
    parts += re.findall(r"<title>(.*?)</title>", page, flags=re.S)
    return visible(" | ".join(parts))


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser(username="root", password="x-pass-2026", real_name="系统管理员")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def filled(world, county_tree, chair_a):
    """One row of each kind the admin lists most: a member, a complaint with steps, a notification."""
    enterprise = EnterpriseFactory(township=county_tree["a"])
    member = MemberFactory(union=county_tree["union_a"], id_number=valid_id_number(7))
    complaint = ComplaintFactory(user=chair_a, enterprise=enterprise)
    complaint = complaint_transition(user=chair_a, complaint=complaint, to_status="investigating")
    NotificationFactory(recipient=chair_a)
    _contract_and_dues(chair_a, county_tree, enterprise, member)
    _training(chair_a, county_tree)
    _reemployment(county_tree, member)
    _aid(county_tree, member)
    return {"member": member, "complaint": complaint, "enterprise": enterprise}


def _training(chair, tree):
    """A county batch with a quota, a session, an enrolled trainee, their attendance and certificate."""
    from apps.branches.services import officer_add
    from apps.training.models import Nomination
    from apps.training.services import certificate_issue, quota_set
    from tests.training.conftest import train

    county_user = get_user_model().objects.get(username="county")
    officer = officer_add(
        user=None,
        union=tree["union_a"],
        name="培训学员",
        position="member",
        term_start=datetime.date(2024, 1, 1),
        term_end=datetime.date(2028, 12, 31),
    )
    world = type("World", (), {"tree": tree, "county_user": county_user})
    programme = train(world, [officer], starts=datetime.date(2025, 6, 10))
    quota_set(user=None, programme=programme, township=tree["a"], places=5)
    certificate_issue(user=None, nomination=Nomination.objects.get(programme=programme))


def _reemployment(tree, member):
    """A base with places, a member placed there and re-employed, a non-member seeking, a target."""
    from apps.reemployment.services import (
        base_create,
        base_places_set,
        case_employed,
        case_register,
        help_give,
        target_set,
    )

    today = timezone.localdate()
    base = base_create(
        user=None, name="大平乳品厂", township=tree["a"], level="municipal", recognised_on=datetime.date(2020, 1, 1)
    )
    base_places_set(user=None, base=base, year=today.year, places=5)
    case = case_register(user=None, member=member, registered_on=today, reason="laid_off")
    placement = help_give(user=None, case=case, kind="base", given_on=today, base=base)
    case_employed(user=None, case=case, employed_on=today, via=placement)
    case_register(
        user=None,
        township=tree["a"],
        person_name="非会员",
        id_number=valid_id_number(8),
        registered_on=today,
        reason="unemployed",
    )
    target_set(user=None, township=tree["a"], year=today.year, persons=10)


def _aid(tree, member):
    """A threshold, a campaign, a hardship file reviewed once, aid given and a reversal."""
    from decimal import Decimal
    from types import SimpleNamespace

    from apps.aid.services import aid_reverse, file_review, threshold_set
    from tests.aid.conftest import give, make_campaign, open_file

    today = timezone.localdate()
    threshold_set(user=None, unit=tree["county"], year=today.year, amount=Decimal("800.00"))
    campaign = make_campaign(SimpleNamespace(tree=tree), "county", name="送温暖")
    file = open_file(member, opened_on=today - datetime.timedelta(days=30))
    file_review(user=None, file=file, reviewed_on=today, outcome="continued", note="仍困难")
    aid_reverse(user=None, record=give(member, campaign=campaign), reason="重复登记")


def _contract_and_dues(chair, tree, enterprise, member):
    """A contract, and a row of each of the dues app's tables, for their admin pages."""
    from decimal import Decimal

    from apps.dues.models import RefundRule, ShareRate
    from apps.dues.services.ledger import ledger_entry_ensure, payment_add
    from apps.dues.services.memberdues import DuesRow, dues_month_save
    from tests.contracts.factories import make_contract

    union_enterprise = EnterpriseFactory(township=tree["a"], union=tree["union_a"])
    make_contract(user=chair, union=tree["union_a"], enterprise=union_enterprise, step="negotiating")
    entry = ledger_entry_ensure(enterprise, datetime.date(2026, 7, 1), "month", payroll=Decimal("80000.00"))
    payment_add(entry, amount=Decimal("1600.00"), paid_on=datetime.date(2026, 8, 10), user=chair)
    ShareRate.objects.create(year=2026, flow="upward", level="county", share=Decimal("0.1000"))
    RefundRule.objects.create(year=2026, basis="employees", max_employees=25, share=Decimal("1.0000"))
    row = DuesRow(member.pk, basic_wage=Decimal("3000.00"), collected=Decimal("15.00"))
    dues_month_save(user=chair, union=tree["union_a"], month=datetime.date(2026, 7, 1), rows=[row])


def test_the_index_is_chinese_with_the_portals_apps_first(admin_client):
    page = admin_client.get(reverse("admin:index"))
    apps = [app["app_label"] for app in page.context["app_list"]]
    assert apps[: len(PORTAL_APPS)] == PORTAL_APPS, apps
    names = {app["app_label"]: str(app["name"]) for app in page.context["app_list"]}
    assert names["axes"] == "登录安全"
    assert names["pghistory"] == "变更记录"
    assert names["django_celery_beat"] == "周期任务"
    assert names["auth"] == "认证和授权"
    content = page.content.decode()
    assert not english_words(visible(content[content.index("<body") :]), allowed={"admin", "root"})


def test_every_model_and_app_of_the_admin_has_a_chinese_name(admin_client):
    for model in admin.site._registry:
        opts = model._meta
        for name in (opts.verbose_name, opts.verbose_name_plural, opts.app_config.verbose_name):
            assert not english_words(str(name)), (opts.label, str(name))


@pytest.mark.parametrize("app_label", PORTAL_APPS)
def test_the_portals_change_lists_and_change_pages_have_no_english_labels(admin_client, filled, app_label):
    checked = 0
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if opts.app_label != app_label:
            continue
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        assert not english_words(labels_of(changelist.content.decode())), opts.label
        obj = model_admin.get_queryset(changelist.wsgi_request).order_by("-pk").first()
        if obj is None:
            continue
        change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200, opts.label
        assert not english_words(labels_of(change.content.decode())), (opts.label, labels_of(change.content.decode()))
        checked += 1
    assert checked >= 1  # at least one change page of the app was read


def test_third_party_change_pages_have_no_english_labels(admin_client):
    names = ["auth_group", "django_celery_beat_periodictask", "django_celery_beat_intervalschedule"]
    for name in [f"admin:{model}_add" for model in names]:
        page = admin_client.get(reverse(name))
        assert page.status_code == 200
        assert not english_words(labels_of(page.content.decode())), (name, labels_of(page.content.decode()))


def test_axes_rows_are_named_in_chinese(admin_client):
    from axes.models import AccessAttempt, AccessLog

    row = {"username": "someone", "ip_address": "10.0.0.8", "user_agent": "Mozilla", "http_accept": "*/*"}
    log = AccessLog.objects.create(**row, path_info="/admin/login/")
    attempt = AccessAttempt.objects.create(**row, path_info="/", get_data="", post_data="", failures_since_start=3)
    for name, obj in (("accesslog", log), ("accessattempt", attempt)):
        page = admin_client.get(reverse(f"admin:axes_{name}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert not english_words(labels_of(page.content.decode()), allowed={"someone"}), labels_of(
            page.content.decode()
        )
    assert str(log) == f"someone {timezone.localtime(log.attempt_time):%Y-%m-%d %H:%M} 的登录"


def test_a_complaints_steps_are_titled_in_chinese(filled):
    step = filled["complaint"].steps.order_by("at", "id").last()
    local = timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M")
    assert str(step) == f"{local} 已受理 → 调查中"


# --- permissions ---------------------------------------------------------------------------------


def test_permissions_are_named_in_chinese(db):
    names = dict(Permission.objects.filter(content_type__app_label="members").values_list("codename", "name"))
    assert names["add_member"] == "可以添加 会员"
    assert names["view_membershiptransfer"] == "可以查看 会籍接转"
    assert not english_words(names["reveal_id_number"]), names["reveal_id_number"]
    assert not Permission.objects.filter(name__startswith="Can ").exists()


def test_naming_the_permissions_is_idempotent_and_repairs_an_english_name(db, django_assert_num_queries):
    from django.apps import apps

    permission = Permission.objects.get(codename="change_member")
    Permission.objects.filter(pk=permission.pk).update(name="Can change member")
    members = apps.get_app_config("members")
    name_permissions_in_chinese(members)
    permission.refresh_from_db()
    assert permission.name == "可以修改 会员"
    before = dict(Permission.objects.values_list("pk", "name"))
    name_permissions_in_chinese(members)  # nothing left to write
    assert dict(Permission.objects.values_list("pk", "name")) == before


def test_the_group_page_lists_the_permissions_in_chinese(admin_client):
    group = Group.objects.create(name="测试组")
    page = admin_client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    options = re.findall(r"<option value=\"\d+\"[^>]*>(.*?)</option>", page)
    assert options
    assert "会员 | 会员 | 可以添加 会员" in options
    assert all(not english_words(option) for option in options), [o for o in options if english_words(o)][:5]


def test_the_selector_widgets_scripts_speak_chinese(admin_client):
    catalog = admin_client.get(reverse("admin:jsi18n")).content.decode()
    strings = {
        key: value.encode().decode("unicode_escape")
        for key, value in re.findall(r'"([^"\n]+)": "((?:[^"\\]|\\.)*)"', catalog)
    }
    assert strings["Choose all %s"] == "选择全部%s"
    assert strings["Remove all %s"] == "移除全部%s"


def test_treebeards_move_form_is_labelled_in_chinese(db):
    from treebeard.forms import movenodeform_factory

    from apps.branches.models import OrgUnit

    form = movenodeform_factory(OrgUnit, fields=["name"])()
    assert str(form.fields["treebeard_position"].label) == "位置"
    assert str(form.fields["treebeard_ref_node"].label) == "相对于"
    positions = {str(label) for _value, label in form.fields["treebeard_position"].choices}
    assert positions >= {"作为其第一个下级", "排在其前"}


# --- the member search by a whole ID number ---------------------------------------------------------


def test_the_member_search_finds_a_whole_id_number_through_its_hash(admin_client, filled, caplog):
    number = valid_id_number(7)
    url = reverse("admin:members_member_changelist")
    first = admin_client.get(url, {"q": f" {number[:6]} {number[6:14]} {number[14:].lower()} "})
    assert first.status_code == 302 and number not in first["Location"]  # the number leaves the URL
    page = admin_client.get(first["Location"])
    assert list(page.context["cl"].result_list) == [filled["member"]]
    other = admin_client.get(admin_client.get(url, {"q": valid_id_number(8)})["Location"])
    assert list(other.context["cl"].result_list) == []
    assert number not in caplog.text


# --- schedules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("every", "period", "words"),
    [
        (21600, "seconds", "每 6 小时"),
        (300, "seconds", "每 5 分钟"),
        (60, "seconds", "每分钟"),
        (1, "days", "每天"),
        (90, "seconds", "每 90 秒"),
        (2, "hours", "每 2 小时"),
    ],
)
def test_intervals_read_in_chinese(every, period, words):
    assert describe_interval(every, period) == words


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        (("0", "4", "*", "*", "*"), "每天 04:00"),
        (("*/5", "*", "*", "*", "*"), "每 5 分钟"),
        (("30", "*", "*", "*", "*"), "每小时第 30 分"),
        (("30", "7", "*", "*", "1,5"), "每周一、周五 07:30"),
        (("30", "7", "1", "*", "*"), "每月 1 日 07:30"),
        (("0", "*/2", "*", "*", "*"), "分钟 0，小时 */2，日 *，月 *，星期 *"),
    ],
)
def test_crontabs_read_in_chinese(cron, words):
    assert describe_crontab(*cron) == words


def test_the_periodic_tasks_list_is_in_chinese(admin_client, settings):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():  # as beat stores them: in seconds
        interval, _new = IntervalSchedule.objects.get_or_create(
            every=int(entry["schedule"].total_seconds()), period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.create(name=name, task=entry["task"], interval=interval)
    task = PeriodicTask.objects.get(name="clear-expired-sessions")
    assert describe_schedule(task) == "每 6 小时"
    page = admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "清理过期会话" in page and "每 6 小时" in page and "每 5 分钟" in page
    assert "21600" not in page and "clear-expired-sessions" not in page
    change = admin_client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).content.decode()
    assert "每 6 小时" in change and "21600" not in visible(change)


# --- the history pages --------------------------------------------------------------------------------


def test_the_admin_history_page_reads_like_the_portals(admin_client, county_tree, county_user, chair_a):
    from apps.branches.services import union_approve, union_register

    union = union_register(
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
    moment = datetime.datetime(2026, 11, 30, 17, 30, tzinfo=datetime.UTC)  # 12-01 01:30 in Shanghai
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        union_approve(user=county_user, union=union)
    page = admin_client.get(reverse("admin:branches_orgunit_history", args=[union.pk]))
    assert page.status_code == 200
    text = " ".join(visible(page.content.decode()).split())
    assert "审批状态: 待审批 → 已批准" in text  # choice labels
    assert f"审批人: — → {county_user.real_name}" in text  # a person's name, not an id
    assert "2026-12-01 01:30" in text  # Shanghai time
    assert county_user.real_name in text and chair_a.real_name in text  # who acted, by name
    assert "已批准 → 待审批" not in text  # no step that did not happen

    tracks = {"obj": f"branches.OrgUnit:{union.pk}", "method": "tracks"}
    events = admin_client.get(reverse("admin:pghistory_events_changelist"), tracks)
    assert events.status_code == 200
    events_text = " ".join(visible(events.content.decode()).split())
    assert f"审批人: — → {county_user.real_name}" in events_text
    assert "pgh_diff" not in events.content.decode() and '"approved_by"' not in events.content.decode()
    assert not english_words(labels_of(events.content.decode()))


def test_a_model_without_an_audit_history_keeps_djangos_history_page(admin_client):
    group = Group.objects.create(name="测试组")
    page = admin_client.get(reverse("admin:auth_group_history", args=[group.pk]))
    assert page.status_code == 200
    assert "action_list" in page.context and "history" not in page.context
    assert [t.name for t in page.templates][0] == "admin/object_history.html"


def test_the_members_admin_history_masks_the_mobile_as_the_portal_does(admin_client, filled, client, county_tree):
    from apps.accounts.services import user_create
    from apps.core.services import model_update

    member = filled["member"]
    model_update(instance=member, fields=["mobile"], data={"mobile": "13900001111"}, user=None)
    whole = visible(admin_client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode())
    assert "13900001111" in whole  # the superuser may see whole mobiles
    staff = user_create(user=None, username="staffer", password="x-pass-2026", org_unit=county_tree["a"])
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(Permission.objects.get(codename="view_member"))
    client.force_login(staff)
    page = client.get(reverse("admin:members_member_history", args=[member.pk]))
    assert page.status_code == 200
    assert "13900001111" not in page.content.decode()
    assert "139****1111" in visible(page.content.decode())
    elsewhere = MemberFactory(union=county_tree["union_b"], id_number=valid_id_number(9))  # another township's
    outside = client.get(reverse("admin:members_member_history", args=[elsewhere.pk]))
    assert outside.status_code == 302 and elsewhere.real_name not in outside.content.decode()


def test_the_events_list_is_for_superusers_only(client, county_user):
    county_user.is_staff = True
    county_user.save(update_fields=["is_staff"])
    county_user.user_permissions.add(*Permission.objects.filter(content_type__app_label="pghistory"))
    client.force_login(county_user)
    assert client.get(reverse("admin:pghistory_events_changelist")).status_code == 403


def test_the_events_list_costs_the_same_queries_for_one_member_and_for_many(admin_client, county_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:pghistory_events_changelist")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured.captured_queries)

    MemberFactory(union=county_tree["union_a"], id_number=valid_id_number(20))
    admin_client.get(url)  # warm: the session, content types
    one = queries()
    for serial in range(21, 26):
        MemberFactory(union=county_tree["union_a"], id_number=valid_id_number(serial))
    assert queries() == one
