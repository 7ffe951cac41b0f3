"""Django admin of the dues app: the county's share-out and refund tables editable and validated,
every other table listed read-only, in scope, and nothing of the app deleted."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.dues.models import (
    ArrearsAction,
    ChannelOverride,
    DuesRecord,
    LedgerEntry,
    Payment,
    RefundRule,
    ShareRate,
    TaxStatementImport,
)
from apps.dues.services.ledger import payment_add
from apps.dues.services.memberdues import DuesRow, dues_month_save
from tests.core.test_admin_chinese import english_words, labels_of
from tests.dues.conftest import make_entry
from tests.factories import MemberFactory

EDITABLE = [ShareRate, RefundRule]
READ_ONLY = [LedgerEntry, Payment, ArrearsAction, ChannelOverride, DuesRecord, TaxStatementImport]
JULY = datetime.date(2026, 7, 1)


def url(model, view, *args):
    return reverse(f"admin:dues_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client(client, db):
    root = get_user_model().objects.create_superuser(username="root", password="x-pass-2026", real_name="系统管理员")
    client.force_login(root)
    return client


@pytest.fixture
def rows(dues_world):
    w = dues_world
    entry_a = make_entry(w.tax_a)
    payment_add(entry_a, amount=Decimal("2000.00"), paid_on=datetime.date(2026, 8, 5), user=w.finance)
    make_entry(w.tax_b)
    ChannelOverride.objects.create(enterprise=w.direct_a, channel="finance", reason="县直单位", set_by=w.county)
    ArrearsAction.objects.create(
        entry=entry_a, stage="notice", done_on=datetime.date(2026, 9, 1), delivery="post", recorded_by=w.county
    )
    TaxStatementImport.objects.create(uploaded_by=w.finance, file_name="明细.xlsx", content=b"")
    members = {where: MemberFactory(union=w.tree[f"union_{where}"], real_name=f"会员{where}") for where in "ab"}
    for member in members.values():
        dues_month_save(
            user=w.county,
            union=member.union,
            month=JULY,
            rows=[DuesRow(member.pk, basic_wage=Decimal("3000"), collected=Decimal("15"))],
        )
    ShareRate.objects.create(year=2026, flow="upward", level="county", share=Decimal("0.1000"))
    RefundRule.objects.create(year=2026, basis="employees", max_employees=25, share=Decimal("1.0000"))
    return members


@pytest.mark.django_db
def test_every_table_of_the_app_opens_in_chinese(admin_client, rows):
    for model in EDITABLE + READ_ONLY:
        changelist = admin_client.get(url(model, "changelist"))
        assert changelist.status_code == 200, model
        assert not english_words(labels_of(changelist.content.decode())), model
        obj = model.objects.order_by("pk").first()
        change = admin_client.get(url(model, "change", obj.pk))
        assert change.status_code == 200, model
        assert not english_words(labels_of(change.content.decode()), allowed={"xlsx"}), (
            model,
            labels_of(change.content.decode()),
        )
    assert {m for m in admin.site._registry if m._meta.app_label == "dues"} == set(EDITABLE + READ_ONLY)


@pytest.mark.django_db
def test_the_records_are_read_only_and_nothing_is_deleted(admin_client, rows):
    for model in EDITABLE + READ_ONLY:
        obj = model.objects.order_by("pk").first()
        model_admin = admin.site._registry[model]
        request = admin_client.get(url(model, "changelist")).wsgi_request
        assert not model_admin.has_delete_permission(request, obj), model
        assert "delete_selected" not in model_admin.get_actions(request), model
        assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code in (302, 403)
        assert model.objects.filter(pk=obj.pk).exists(), model
    for model in READ_ONLY:
        obj = model.objects.order_by("pk").first()
        assert admin_client.get(url(model, "add")).status_code == 403, model
        change = admin_client.get(url(model, "change", obj.pk)).content.decode()
        assert 'name="_save"' not in change, model
    record = DuesRecord.objects.order_by("pk").first()
    posted = admin_client.post(url(DuesRecord, "change", record.pk), {"basic_wage": "9999", "due": "50"})
    assert posted.status_code == 403
    record.refresh_from_db()
    assert record.due == Decimal("15.00")


@pytest.mark.django_db
def test_the_countys_tables_are_edited_and_validated_in_chinese(admin_client, rows):
    added = admin_client.post(
        url(ShareRate, "add"), {"year": "2027", "flow": "kept", "level": "grassroots", "share": "0.6000"}
    )
    assert added.status_code == 302
    assert ShareRate.objects.filter(year=2027, level="grassroots", share=Decimal("0.6000")).exists()
    too_much = admin_client.post(
        url(ShareRate, "add"), {"year": "2028", "flow": "kept", "level": "grassroots", "share": "1.5"}
    )
    assert too_much.status_code == 200 and not ShareRate.objects.filter(year=2028).exists()
    rule = RefundRule.objects.get()
    changed = admin_client.post(
        url(RefundRule, "change", rule.pk),
        {
            "year": "2026",
            "basis": "employees",
            "max_employees": "30",
            "share": "1.0000",
            "cap": "",
            "document": "苏工发〔2026〕3号",
        },
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert rule.max_employees == 30 and rule.document == "苏工发〔2026〕3号"
    no_threshold = admin_client.post(
        url(RefundRule, "add"), {"year": "2027", "basis": "yearly_amount", "share": "0.5", "cap": "", "document": ""}
    )
    assert no_threshold.status_code == 200 and "请填写所选依据的上限。" in no_threshold.content.decode()
    assert not RefundRule.objects.filter(year=2027).exists()


@pytest.mark.django_db
def test_staff_see_their_townships_rows_only(client, dues_world, rows):
    chair = dues_world.chair
    chair.is_staff = True
    chair.save(update_fields=["is_staff"])
    chair.user_permissions.add(*Permission.objects.filter(content_type__app_label="dues", codename__startswith="view_"))
    client.force_login(chair)
    records = client.get(url(DuesRecord, "changelist")).context["cl"].result_list
    assert [r.member.real_name for r in records] == ["会员a"]
    entries = client.get(url(LedgerEntry, "changelist")).context["cl"].result_list
    assert {e.enterprise for e in entries} == {dues_world.tax_a}
    assert list(client.get(url(TaxStatementImport, "changelist")).context["cl"].result_list) == []
    other = DuesRecord.objects.get(member=rows["b"])
    assert client.get(url(DuesRecord, "change", other.pk)).status_code == 302  # not found in scope
