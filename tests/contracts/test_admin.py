"""Django admin of the contracts app: every page opens in Chinese, the clock is read-only, nothing
is deleted, staff see their own township only, the reference data is editable and validated."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.contracts.choices import ContractStatus, DocumentKind
from apps.contracts.models import (
    Contract,
    ContractCoverage,
    ContractDocument,
    ContractImport,
    ContractStep,
    MinimumWage,
    RuleProfile,
    WageArea,
)
from apps.contracts.rules import rule_profile_default
from apps.contracts.services import contract_document_upload
from tests.contracts.factories import make_contract, make_existing_contract
from tests.core.test_admin_chinese import english_words, labels_of, visible

CONTRACT_MODELS = [
    RuleProfile,
    WageArea,
    MinimumWage,
    Contract,
    ContractStep,
    ContractCoverage,
    ContractDocument,
    ContractImport,
]


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser(username="root", password="x-pass-2026", real_name="系统管理员")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def contracts(contract_world):
    """A contract of township A at SIGNED (its content still editable) with a document, one of A
    in force signed before the portal, and one of township B."""
    w = contract_world
    signed = make_contract(user=w.chair, union=w.tree["union_a"], enterprise=w.ent_a, step="signed")
    contract_document_upload(
        user=w.chair,
        contract=signed,
        kind=DocumentKind.SIGNED_TEXT,
        file_name="合同文本.pdf",
        content=b"%PDF-1.4\n%test\n",
    )
    existing = make_existing_contract(
        user=w.chair,
        union=w.regional_a,
        covered=[w.small_a1, w.small_a2],
        signed_on=datetime.date(2025, 3, 1),
    )
    other = make_contract(user=w.chair_b, union=w.tree["union_b"], enterprise=w.ent_b, step="requested")
    WageArea.objects.create(unit=w.tree["county"], area_class="2")
    MinimumWage.objects.create(year=2025, area_class="2", monthly="2490.00", source="苏政发〔2025〕1号")
    ContractImport.objects.create(uploaded_by=w.chair, org_unit=w.tree["a"], file_name="台账.xlsx", content=b"")
    return {"signed": signed, "existing": existing, "other": other}


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(response) -> dict:
    """The change form's fields and its inlines' management data, as the browser would post them."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = getattr(value, "pk", value)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for index, inline_form in enumerate(formset.forms):
            data[f"{formset.prefix}-{index}-id"] = inline_form.instance.pk
            data[f"{formset.prefix}-{index}-contract"] = inline_form.instance.contract_id
    return data


@pytest.mark.django_db
class TestContractsAdmin:
    def test_every_page_opens_for_a_superuser_with_chinese_labels(self, admin_client, contracts):
        for model in CONTRACT_MODELS:
            assert model in admin.site._registry, model
            changelist = admin_client.get(url(model, "changelist"))
            assert changelist.status_code == 200, model
            assert not english_words(labels_of(changelist.content.decode())), (model, labels_of(changelist.content))
            obj = model.objects.order_by("-pk").first()
            change = admin_client.get(url(model, "change", obj.pk))
            assert change.status_code == 200, model
            labels = labels_of(change.content.decode())
            assert not english_words(labels, allowed={"PDF", "pdf", "xlsx", "JTHT"}), (model, labels)
            assert admin_client.get(url(model, "history", obj.pk)).status_code == 200, model

    def test_the_app_and_its_models_are_named_in_chinese(self, admin_client):
        names = {str(m._meta.verbose_name) for m in CONTRACT_MODELS}
        assert names >= {
            "集体合同",
            "集体协商规则",
            "最低工资标准",
            "最低工资地区类别",
            "合同覆盖企业",
            "合同进程",
            "合同文件",
        }
        index = admin_client.get(reverse("admin:index"))
        assert "集体合同" in [str(app["name"]) for app in index.context["app_list"]]

    def test_a_contracts_change_page_shows_its_timeline_coverage_and_documents_without_the_file(
        self, admin_client, contracts
    ):
        signed = contracts["signed"]
        page = admin_client.get(url(Contract, "change", signed.pk)).content.decode()
        text = " ".join(visible(page).split())
        assert "协商要约" in text and "签订" in text  # the steps, by their Chinese names
        assert "合同文本.pdf" in text and "%PDF" not in page  # the document, not its bytes
        assert "已签订" in text and "期限起始" in text and "签订工会" in text
        assert "每一步都在平台上办理" in text

    def test_read_only_fields_cannot_be_changed_by_a_post(self, admin_client, contracts):
        signed = contracts["signed"]
        change = admin_client.get(url(Contract, "change", signed.pk))
        data = form_data(change)
        data.update(
            main_terms="工资每年协商一次。",
            status=ContractStatus.IN_FORCE,
            number="JTHT-1999-9999",
            signed_on="2020-01-01",
            union=contracts["other"].union_id,
            workers_covered=9999,
        )
        response = admin_client.post(url(Contract, "change", signed.pk), data)
        assert response.status_code == 302, response.context and response.context["adminform"].form.errors
        stored = Contract.objects.get(pk=signed.pk)
        assert stored.main_terms == "工资每年协商一次。"  # content: through contract_update
        assert (stored.status, stored.number, stored.signed_on, stored.union_id, stored.workers_covered) == (
            signed.status,
            signed.number,
            signed.signed_on,
            signed.union_id,
            signed.workers_covered,
        )

    def test_a_contract_in_force_refuses_a_content_change_on_the_form(self, admin_client, contracts):
        existing = contracts["existing"]
        data = form_data(admin_client.get(url(Contract, "change", existing.pk)))
        data["main_terms"] = "改动"
        response = admin_client.post(url(Contract, "change", existing.pk), data)
        assert response.status_code == 200
        assert "不能再修改合同内容" in response.content.decode()
        assert Contract.objects.get(pk=existing.pk).main_terms == ""

    def test_nothing_is_added_or_deleted_here(self, admin_client, contracts):
        signed = contracts["signed"]
        assert admin_client.get(url(Contract, "add")).status_code == 403
        for model in (ContractStep, ContractCoverage, ContractDocument, ContractImport):
            assert admin_client.get(url(model, "add")).status_code == 403, model
        rows = {
            Contract: signed,
            ContractStep: signed.steps.first(),
            ContractCoverage: signed.coverage.first(),
            ContractDocument: signed.documents.first(),
            RuleProfile: rule_profile_default(),
            MinimumWage: MinimumWage.objects.get(),
            WageArea: WageArea.objects.get(),
        }
        for model, obj in rows.items():
            assert admin_client.get(url(model, "delete", obj.pk)).status_code == 403, model
            assert admin_client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403, model
        changelist = admin_client.post(
            url(Contract, "changelist"), {"action": "delete_selected", "_selected_action": [signed.pk]}
        )
        assert changelist.status_code in (200, 302)
        assert Contract.objects.filter(pk=signed.pk).exists()
        step = signed.steps.first()
        response = admin_client.post(url(ContractStep, "change", step.pk), {"note": "改动", "kind": "close"})
        assert response.status_code == 403
        assert ContractStep.objects.get(pk=step.pk).note == step.note

    def test_staff_with_a_unit_see_only_their_townships_contracts(self, client, contracts, contract_world):
        chair = contract_world.chair
        chair.is_staff = True
        chair.save(update_fields=["is_staff"])
        chair.user_permissions.add(Permission.objects.get(codename="view_contractstep"))
        client.force_login(chair)
        listed = client.get(url(Contract, "changelist"))
        assert listed.status_code == 200
        shown = set(listed.context["cl"].result_list)
        assert shown == {contracts["signed"], contracts["existing"]}
        other = contracts["other"]
        assert client.get(url(Contract, "change", other.pk)).status_code == 302  # "does not exist"
        steps = set(client.get(url(ContractStep, "changelist")).context["cl"].result_list)
        assert steps and all(step.contract_id != other.pk for step in steps)
        assert client.get(url(ContractStep, "change", other.steps.first().pk)).status_code == 302
        search = client.get(url(Contract, "changelist"), {"q": other.number})
        assert list(search.context["cl"].result_list) == []

    def test_the_list_searches_and_filters(self, admin_client, contracts):
        signed = contracts["signed"]
        for term in (signed.number, signed.enterprise.name, signed.union.name):
            found = admin_client.get(url(Contract, "changelist"), {"q": term}).context["cl"].result_list
            assert signed in list(found), term
        filtered = admin_client.get(url(Contract, "changelist"), {"status__exact": ContractStatus.IN_FORCE})
        assert list(filtered.context["cl"].result_list) == [contracts["existing"]]
        by_township = admin_client.get(
            url(Contract, "changelist"), {"township__id__exact": contracts["other"].township_id}
        )
        assert list(by_township.context["cl"].result_list) == [contracts["other"]]

    def test_the_minimum_wage_table_is_edited_here(self, admin_client, contracts, root):
        wage = MinimumWage.objects.get()
        response = admin_client.post(
            url(MinimumWage, "change", wage.pk),
            {"year": 2025, "area_class": "2", "monthly": "2550.00", "hourly": "24.50", "source": "苏政发〔2025〕1号"},
        )
        assert response.status_code == 302
        wage.refresh_from_db()
        assert (str(wage.monthly), str(wage.hourly)) == ("2550.00", "24.50")
        added = admin_client.post(url(MinimumWage, "add"), {"year": 2026, "area_class": "2", "monthly": "2600"})
        assert added.status_code == 302 and MinimumWage.objects.filter(year=2026).exists()
        twice = admin_client.post(url(MinimumWage, "add"), {"year": 2026, "area_class": "2", "monthly": "2700"})
        assert twice.status_code == 200 and "该年度、该地区类别已有最低工资标准" in twice.content.decode()
        listed = admin_client.get(url(MinimumWage, "changelist"), {"year": 2026})
        assert [w.year for w in listed.context["cl"].result_list] == [2026]
        history = visible(admin_client.get(url(MinimumWage, "history", wage.pk)).content.decode())
        assert root.real_name in history  # recorded as the administrator's change

    def test_a_second_default_rule_profile_is_a_chinese_form_error_not_a_500(self, admin_client, contract_world):
        page = admin_client.get(url(RuleProfile, "add"))
        assert page.status_code == 200
        text = " ".join(visible(page.content.decode()).split())
        assert "已有合同仍按原规则" in text and "集体合同规定第三十二条" in text
        data = {
            "name": "江苏省集体协商条例",
            "document_number": "江苏省人大常委会公告",
            "effective_from": "2023-05-01",
            "is_default": "on",
            "answer_days": 20,
            "send_days": 10,
            "review_days": 15,
            "renewal_window_months": 3,
            "term_min_months": 12,
            "term_max_months": 36,
            "quorum_numerator": 2,
            "quorum_denominator": 3,
            "majority_numerator": 1,
            "majority_denominator": 2,
            "thresholds_inclusive": "on",
        }
        response = admin_client.post(url(RuleProfile, "add"), data)
        assert response.status_code == 200
        assert "只能有一套默认规则" in response.content.decode()
        assert RuleProfile.objects.count() == 1
        data.pop("is_default")
        data["units"] = [contract_world.tree["county"].pk]
        data["quorum_numerator"] = 4
        refused = admin_client.post(url(RuleProfile, "add"), data)
        assert refused.status_code == 200 and "出席比例和同意比例" in refused.content.decode()
        data["quorum_numerator"] = 2
        added = admin_client.post(url(RuleProfile, "add"), data)
        assert added.status_code == 302
        jiangsu = RuleProfile.objects.get(name="江苏省集体协商条例")
        assert list(jiangsu.units.all()) == [contract_world.tree["county"]]
        listed = admin_client.get(url(RuleProfile, "changelist")).content.decode()
        assert "江苏省人大常委会公告" in listed and "12–36" in listed

    def test_the_contract_changelist_costs_the_same_queries_at_two_sizes(
        self, admin_client, contracts, contract_world, django_assert_num_queries
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def queries():
            with CaptureQueriesContext(connection) as captured:
                assert admin_client.get(url(Contract, "changelist")).status_code == 200
            return len(captured.captured_queries)

        admin_client.get(url(Contract, "changelist"))
        few = queries()
        for day in (1, 2, 3):
            make_existing_contract(
                user=contract_world.chair,
                union=contract_world.joint_a,
                covered=[contract_world.small_a1],
                signed_on=datetime.date(2024, 1, day),
            )
        assert queries() == few
