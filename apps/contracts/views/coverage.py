"""集体合同签订率: the page per township and the list of enterprises behind each of its numbers."""

from urllib.parse import urlencode

import django_filters
import django_tables2 as tables
from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from apps.branches.choices import OrgUnitKind
from apps.branches.models import Enterprise, OrgUnit
from apps.branches.selectors import orgunit_list
from apps.core.exports import XlsxExportMixin
from apps.core.mixins import ScopedListView, ScopedPermissionMixin
from apps.core.replica import ReadsFromReplicaMixin
from apps.core.widgets import QuickSelect

from ..choices import ContractStatus
from ..selectors.coverage import (
    COVERED_CHOICES,
    coverage_day,
    coverage_enterprises,
    coverage_enterprises_filter,
    coverage_rate_by_township,
    coverage_years,
)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, f"{year}年") for year in coverage_years()]

    def chosen_year(self) -> int | None:
        """The year asked for, or None (the current one) when none or an unknown one is asked."""
        return (self.cleaned_data.get("year") or None) if self.is_valid() else None


def coverage_links(township=None, *, year: int | None = None) -> dict:
    """The lists behind a row's numbers: the enterprises (by `covered`) and the contracts in force.

    The contract list shows today's contracts in force, so it is linked for the current year only.
    """
    query = {"township": township.pk} if township is not None else {}
    if year is not None:
        query["year"] = year
    base = reverse("contracts:coverage_enterprises")
    links = {"unionised": f"{base}?{urlencode(query)}"}
    for covered in COVERED_CHOICES:
        links[covered] = f"{base}?{urlencode({**query, 'covered': covered})}"
    links["contracts"] = None
    if year is None:
        try:
            contract_list = reverse("contracts:contract_list")
        except NoReverseMatch:  # the contract list (apps.contracts.views.contracts) is not installed
            pass
        else:
            status = {"status": ContractStatus.IN_FORCE.value}
            contracts_query = {"township": township.pk, **status} if township is not None else status
            links["contracts"] = f"{contract_list}?{urlencode(contracts_query)}"
    return links


class CoverageView(ReadsFromReplicaMixin, ScopedPermissionMixin, TemplateView):
    """签订率 per township in the user's area, each number linked to the list behind it."""

    permission_required = "contracts.view_contract"
    selector = orgunit_list
    template_name = "contracts/coverage.html"

    def get_context_data(self, **kwargs):
        form = YearForm(self.request.GET or None)
        year = form.chosen_year()
        data = coverage_rate_by_township(user=self.request.user, year=year)
        current = year is None or year >= coverage_day().year
        link_year = None if current else data["day"].year
        for row in data["rows"]:
            row["links"] = coverage_links(row["township"], year=link_year)
        data["total"]["links"] = coverage_links(year=link_year)
        return super().get_context_data(
            form=form,
            year=data["day"].year,
            current=current,
            day=data["day"],
            rows=data["rows"],
            total=data["total"],
            oversees_nothing=not data["rows"],
            **kwargs,
        )


# --- the list behind each number ------------------------------------------------------------


class CoverageEnterpriseFilter(django_filters.FilterSet):
    township = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=OrgUnit.objects.none(), label=gettext_lazy("Township"), empty_label="全部"
    )
    covered = django_filters.ChoiceFilter(
        choices=list(COVERED_CHOICES.items()), label="集体合同", empty_label="全部已建会企业"
    )
    year = django_filters.TypedChoiceFilter(label=gettext_lazy("Year"), coerce=int)

    class Meta:
        model = Enterprise
        fields = ["township", "covered", "year"]

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["year"].extra["choices"] = [(year, f"{year}年") for year in coverage_years()]
        if user is not None:
            self.filters["township"].queryset = orgunit_list(user=user).filter(kind=OrgUnitKind.TOWNSHIP)

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return coverage_enterprises_filter(
            queryset, township=data.get("township"), covered=data.get("covered") or None, year=data.get("year") or None
        )


def _contracts_text(enterprise) -> str:
    return "、".join(f"{c.number}（{c.get_kind_display()}）" for c in enterprise.contracts_in_force)


class CoverageEnterpriseTable(tables.Table):
    name = tables.Column(
        verbose_name=gettext_lazy("Name"), linkify=("branches:enterprise_detail", {"pk": tables.A("pk")})
    )
    township = tables.Column(verbose_name=gettext_lazy("Township"), order_by=("township__path",))
    union = tables.Column(verbose_name=gettext_lazy("Covering union"), order_by=("union__name",))
    employee_count = tables.Column(verbose_name=gettext_lazy("Employees"))
    contracts = tables.Column(verbose_name="生效的集体合同", empty_values=(), orderable=False)

    class Meta:
        model = Enterprise
        fields = ["name", "township", "union", "employee_count"]
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "coverage-enterprises"}

    loaded_fields = ("name", "township__name", "union__name", "employee_count")

    def render_township(self, value):
        return value.name

    def render_union(self, value):
        return value.name

    def render_contracts(self, record):
        contracts = record.contracts_in_force
        if not contracts:
            return format_html('<span class="text-danger">{}</span>', "尚未签订")
        return format_html_join(
            "<br>",
            "{}<span class='small text-muted'>（{}）</span>",
            ((c.number, c.get_kind_display()) for c in contracts),
        )


class CoverageEnterpriseListView(ScopedListView):
    permission_required = "contracts.view_contract"
    selector = coverage_enterprises
    table_class = CoverageEnterpriseTable
    filterset_class = CoverageEnterpriseFilter
    template_name = "contracts/coverage_enterprises.html"
    page_title = "集体合同签订情况：已建会企业"
    export_url = "contracts:coverage_enterprises_export"


class CoverageEnterpriseExportView(XlsxExportMixin, CoverageEnterpriseListView):
    export_filename = "contract-coverage"
    export_sheet_title = "集体合同签订情况"
    export_columns = [
        (gettext_lazy("Name"), lambda e: e.name),
        (gettext_lazy("Unified social credit code"), lambda e: e.credit_code),
        (gettext_lazy("Township"), lambda e: e.township.name),
        (gettext_lazy("Covering union"), lambda e: e.union.name),
        (gettext_lazy("Employees"), lambda e: e.employee_count),
        ("生效的集体合同", _contracts_text),
    ]
