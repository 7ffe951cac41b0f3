"""The arrears pages: who may use each (the view checks), the list's filters and export, the
ageing report's numbers and query count, a stage refused in Chinese, and the two prints."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.dues.choices import ArrearsStage, Delivery
from apps.dues.models import ArrearsAction, LedgerEntry
from apps.dues.services import ledger
from apps.dues.services.arrears import arrears_stage_record
from tests.dues.conftest import JULY, make_entry
from tests.factories import EnterpriseFactory
from tests.viewchecks import STAFF, Route, ViewChecks, form, page

LIST = reverse("dues:arrears_list")
AGEING = reverse("dues:arrears_ageing")


def _entry(world, where, user=None, start=JULY, payroll="100000.00", name=None):
    enterprise = EnterpriseFactory(
        township=world.tree[where], union=world.tree[f"union_{where}"], name=name or f"欠缴企业{where}"
    )
    return make_entry(enterprise, start, payroll)


def _notice(entry, user, on=datetime.date(2026, 9, 10)):
    return arrears_stage_record(entry, stage=ArrearsStage.NOTICE, done_on=on, delivery=Delivery.POST, user=user)


def _noticed(world, where, user):
    entry = _entry(world, where, user)
    _notice(entry, world.users["county"])
    return entry


def _shown(entry):
    return entry.enterprise.name


def _stage_recorded(entry):
    assert LedgerEntry.objects.get(pk=entry.pk).arrears_stage == ArrearsStage.NOTICE


def _township(entry):
    return {"township": entry.enterprise.township_id}


class TestArrearsViews(ViewChecks):
    def make(self, world, where, user):
        return _entry(world, where, user)

    routes = (
        page("dues:arrears_list", "list", STAFF, shows=_shown),
        page("dues:arrears_list", "list", STAFF, shows=_shown, query="?due=remind&period=2026-07"),
        page("dues:arrears_export", "export", STAFF),
        page("dues:arrears_ageing", "list", STAFF, shows=lambda entry: entry.enterprise.township.name),
        form(
            "dues:arrears_notice_batch",
            "create",
            STAFF,
            data=lambda world, entry: {
                "township": entry.enterprise.township_id,
                "period": "2026-07",
                "done_on": "2026-09-15",
                "delivery": Delivery.IN_PERSON,
            },
            url_kwargs=None,
            other_township=False,
            done=_stage_recorded,
            foreign=lambda world, entry: {
                "township": world.tree["b"].pk,
                "period": "2026-07",
                "done_on": "2026-09-15",
                "delivery": Delivery.IN_PERSON,
            },
        ),
        form(
            "dues:arrears_record",
            "edit",
            STAFF,
            data=lambda world, entry: {"stage": "notice", "done_on": "2026-09-10", "delivery": Delivery.POST},
            done=_stage_recorded,
        ),
        Route("dues:arrears_notice_print", "detail", STAFF),
        Route("dues:arrears_order_print", "detail", STAFF, obj=_noticed),
        Route("dues:arrears_notice_batch_print", "detail", STAFF, url_kwargs=_township, query="?period=2026-07"),
        Route("dues:arrears_order_batch_print", "detail", STAFF, url_kwargs=_township, obj=_noticed),
    )


@pytest.fixture
def owing(dues_world):
    """Township A: a July entry owing 2000.00 (noticed) and a partly paid one; B: one owing."""
    w = dues_world
    tax = make_entry(w.tax_a)
    _notice(tax, w.chair)
    direct = make_entry(w.direct_a, payroll="50000.00")
    ledger.payment_add(direct, amount="400.00", paid_on=datetime.date(2026, 8, 20), user=w.finance)
    other = make_entry(w.tax_b)
    return {"tax": tax, "direct": direct, "other": other}


@pytest.mark.django_db
def test_the_list_shows_the_owed_amounts_filters_by_stage_and_scopes_the_chair(owing, dues_world, client_for):
    response = client_for(dues_world.chair).get(LIST)
    content = response.content.decode()
    assert "白塔埠镇石英制品有限公司" in content and "白塔埠镇供销合作社" in content
    assert "平明镇水晶制品有限公司" not in content
    assert "600.00" in content  # 1000.00 due, 400.00 received
    noticed = client_for(dues_world.chair).get(LIST, {"stage": ArrearsStage.NOTICE}).content.decode()
    assert "白塔埠镇石英制品有限公司" in noticed and "白塔埠镇供销合作社" not in noticed
    fresh = client_for(dues_world.chair).get(LIST, {"stage": "none"}).content.decode()
    assert "白塔埠镇石英制品有限公司" not in fresh and "白塔埠镇供销合作社" in fresh


@pytest.mark.django_db
def test_a_bad_period_filter_is_a_chinese_error_not_a_500(owing, dues_world, client_for):
    response = client_for(dues_world.chair).get(LIST, {"period": "2026-13"})
    assert response.status_code == 200
    assert "请按“2026-07”的格式填写月份" in response.content.decode()
    export = client_for(dues_world.chair).get(reverse("dues:arrears_export"), {"period": "x"})
    assert export.status_code == 302


@pytest.mark.django_db
def test_the_export_holds_the_rows_the_list_shows(owing, dues_world, client_for):
    response = client_for(dues_world.county).get(reverse("dues:arrears_export"), {"township": dues_world.tree["a"].pk})
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "企业" and rows[0][6] == "欠缴金额"
    names = sorted(row[0] for row in rows[1:])
    assert names == ["白塔埠镇供销合作社", "白塔埠镇石英制品有限公司"]
    owed = {row[0]: row[6] for row in rows[1:]}
    assert Decimal(str(owed["白塔埠镇供销合作社"])) == Decimal("600.00")


@pytest.mark.django_db
def test_a_stage_out_of_order_is_refused_on_the_form_in_chinese(owing, dues_world, client_for):
    direct = owing["direct"]
    url = reverse("dues:arrears_record", kwargs={"pk": direct.pk})
    response = client_for(dues_world.chair).post(
        url, {"stage": "payment_order", "done_on": "2026-09-20", "court": "东海县人民法院"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "催缴须按顺序进行" in content and "催缴通知书" in content
    assert not ArrearsAction.objects.filter(entry=direct).exists()


@pytest.mark.django_db
def test_a_townships_notices_at_once_from_the_form(owing, dues_world, client_for):
    shown = client_for(dues_world.chair).get(reverse("dues:arrears_notice_batch"))
    assert shown.context["form"].initial["township"] == dues_world.tree["a"].pk  # the chair's own
    response = client_for(dues_world.chair).post(
        reverse("dues:arrears_notice_batch"),
        {"township": dues_world.tree["a"].pk, "period": "2026-07", "done_on": "2026-09-15", "delivery": "post"},
    )
    assert response.status_code == 302 and "period=2026-07" in response["Location"]
    assert LedgerEntry.objects.get(pk=owing["direct"].pk).arrears_stage == ArrearsStage.NOTICE
    assert LedgerEntry.objects.get(pk=owing["other"].pk).arrears_stage == ""


@pytest.mark.django_db
def test_the_notice_prints_the_enterprise_amounts_legal_basis_and_union(owing, dues_world, client_for):
    august = make_entry(dues_world.tax_a, datetime.date(2026, 8, 1), payroll="50000.00")
    response = client_for(dues_world.chair).get(reverse("dues:arrears_notice_print", kwargs={"pk": owing["tax"].pk}))
    content = response.content.decode()
    assert response.status_code == 200
    assert "工会经费催缴通知书" in content and "白塔埠镇石英制品有限公司" in content
    assert "2026年7月" in content and "2026年8月" in content and august.due == Decimal("1000.00")
    assert "3,000.00" in content  # 2000.00 for July + 1000.00 for August, owed
    assert "第四十三条" in content and "第四十四条" in content
    assert "白塔埠镇总工会" in content
    assert content.count('data-testid="print-page"') == 1


@pytest.mark.django_db
def test_the_payment_order_draft_is_the_principal_of_noticed_periods_to_the_court(owing, dues_world, client_for):
    tax = owing["tax"]
    chair = dues_world.chair
    arrears_stage_record(
        tax, stage=ArrearsStage.SECOND_NOTICE, done_on=datetime.date(2026, 10, 10), delivery="post", user=chair
    )
    arrears_stage_record(
        tax, stage=ArrearsStage.PAYMENT_ORDER, done_on=datetime.date(2026, 11, 1), court="东海县人民法院", user=chair
    )
    content = client_for(chair).get(reverse("dues:arrears_order_print", kwargs={"pk": tax.pk})).content.decode()
    assert "支付令申请书" in content and "东海县人民法院" in content
    assert '申请人：<span data-testid="print-union">白塔埠镇总工会</span>' in content
    assert "白塔埠镇石英制品有限公司" in content and "2,000.00" in content
    assert "滞纳金" not in content.split("</div>", 1)[1]  # the principal only: no late fee claimed


@pytest.mark.django_db
def test_a_townships_prints_are_one_page_per_enterprise(owing, dues_world, client_for):
    url = reverse("dues:arrears_notice_batch_print", kwargs={"township": dues_world.tree["a"].pk})
    content = client_for(dues_world.chair).get(url, {"period": "2026-07"}).content.decode()
    assert content.count('data-testid="print-page"') == 2
    assert "平明镇水晶制品有限公司" not in content
    orders = reverse("dues:arrears_order_batch_print", kwargs={"township": dues_world.tree["a"].pk})
    content = client_for(dues_world.chair).get(orders).content.decode()
    assert content.count('data-testid="print-page"') == 1  # only the noticed enterprise
    other = reverse("dues:arrears_notice_batch_print", kwargs={"township": dues_world.tree["b"].pk})
    assert client_for(dues_world.chair).get(other).status_code == 404


@pytest.mark.django_db
def test_the_ageing_report_bands_by_months_since_the_periods_end(dues_world, client_for, time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.timezone(datetime.timedelta(hours=8))), tick=False
    )
    w = dues_world
    make_entry(w.tax_a, datetime.date(2026, 9, 1))  # ended 30 Sep: 0–3 months
    make_entry(w.direct_a, datetime.date(2026, 7, 1), payroll="50000.00")  # ended 31 Jul: 3–6
    make_entry(w.finance_a, datetime.date(2026, 1, 1))  # ended 31 Jan: 6–12
    make_entry(w.tax_a, datetime.date(2025, 6, 1))  # ended 30 Jun 2025: over 12
    make_entry(w.tax_b, datetime.date(2025, 10, 1))  # B, 6–12
    deferred = make_entry(w.direct_a, datetime.date(2026, 8, 1))
    ledger.entry_defer(
        deferred, until=datetime.date(2027, 1, 31), reason="受灾", user=w.county, on=datetime.date(2026, 9, 1)
    )
    make_entry(w.tax_a, datetime.date(2026, 11, 1))  # November is still running: not in arrears yet
    response = client_for(w.county).get(AGEING)
    rows = {row["township_id"]: row for row in response.context["rows"]}
    a = rows[w.tree["a"].pk]
    assert [cell["count"] for cell in a["cells"]] == [1, 1, 1, 1]
    assert [cell["amount"] for cell in a["cells"]] == [Decimal(x) for x in ("2000.00", "1000.00", "2000.00", "2000.00")]
    assert a["count"] == 4 and a["amount"] == Decimal("7000.00")
    assert response.context["total"]["count"] == 5
    chair_rows = client_for(w.chair).get(AGEING).context["rows"]
    assert [row["township_id"] for row in chair_rows] == [w.tree["a"].pk]
    # Each number opens exactly its rows on the list.
    listed = client_for(w.county).get(LIST, {"township": w.tree["a"].pk, "age": "3_6"})
    assert listed.context["table"].paginator.count == 1


def _many(dues_world, count):
    for index in range(count):
        enterprise = EnterpriseFactory(township=dues_world.tree["a"], name=f"企业{index:03}")
        entry = make_entry(enterprise)
        if index % 2:
            _notice(entry, dues_world.chair)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_the_list_and_the_ageing_report_cost_a_constant_number_of_queries(
    dues_world, client_for, count, django_assert_num_queries
):
    _many(dues_world, count)
    client = client_for(dues_world.chair)
    client.get(reverse("overview:home"))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST, {"township": dues_world.tree["a"].pk})
    assert response.context["table"].paginator.count == count
    with django_assert_num_queries(AGEING_QUERIES):
        response = client.get(AGEING)
    assert response.context["total"]["count"] == count


LIST_QUERIES = 7
AGEING_QUERIES = 5
