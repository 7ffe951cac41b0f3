"""The finance part's pages: 财政划拨 (the finance bureau's list), 经费收缴率, the share-out (分成)
and the small-enterprise refunds, each report with its Excel download."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from apps.core.exports import xlsx_response
from apps.core.mixins import ScopedPermissionMixin
from apps.core.replica import ReadsFromReplicaMixin

from ..choices import Channel, PeriodKind
from ..forms.finance import PeriodForm, TransferListForm, TransferRowFormSet, transfer_initial
from ..selectors.finance import (
    CHANNELS,
    collection_rate_by_township,
    entry_list_url,
    finance_entry_list,
    finance_transfer_units,
)
from ..services import finance as transfers
from ..services import shareout

CHANNEL_LABELS = {channel: Channel(channel).label for channel in CHANNELS}

# --- 财政划拨 ------------------------------------------------------------------------------------


class FinanceTransferView(ScopedPermissionMixin, TemplateView):
    """The county-direct units of a month or quarter, with their payroll and the finance bureau's
    transfers: corrected row by row, or the bureau's list pasted at once; saved in one transaction."""

    permission_required = "dues.manage_funds"
    selector = finance_entry_list
    template_name = "dues/finance/finance_transfer.html"
    page_title = "财政划拨"
    kinds = (PeriodKind.MONTH, PeriodKind.QUARTER)

    def period(self, data):
        return PeriodForm(data, kinds=self.kinds).chosen()

    def get(self, request, *args, **kwargs):
        period = self.period(request.GET)
        units = list(finance_transfer_units(user=request.user, period=period))
        return self.render_to_response(
            self.get_context_data(
                period=period,
                units=units,
                list_form=TransferListForm(),
                paste_form=TransferListForm(prefix="paste"),
                formset=TransferRowFormSet(initial=transfer_initial(units)),
            )
        )

    def post(self, request, *args, **kwargs):
        period = self.period(request.POST)
        units = list(finance_transfer_units(user=request.user, period=period))
        pasting = request.POST.get("mode") == "paste"
        list_form = TransferListForm(None if pasting else request.POST)
        paste_form = TransferListForm(request.POST if pasting else None, prefix="paste")
        formset = (
            TransferRowFormSet(initial=transfer_initial(units))
            if pasting
            else TransferRowFormSet(request.POST, initial=transfer_initial(units))
        )
        form = paste_form if pasting else list_form
        line_errors = []
        if form.is_valid() and (pasting or formset.is_valid()):
            try:
                lines = self.lines(form, formset, units, pasting)
                transfers.transfer_lines_match(lines, user=request.user, period=period)
                result = transfers.finance_transfer_save(
                    lines,
                    user=request.user,
                    period=period,
                    paid_on=form.cleaned_data["paid_on"],
                    reference=form.cleaned_data["reference"],
                )
            except ValidationError as exc:
                line_errors = exc.messages
            else:
                messages.success(
                    request,
                    f"{period.label}财政划拨已保存：{result.units} 个单位有变更，新增划拨 {result.payments} 笔、"
                    f"共 {result.amount} 元；{result.unchanged} 个单位与已登记的一致，未重复记录。",
                )
                return redirect(f"{reverse('dues:finance_transfer')}?period={period.key}")
        context = self.get_context_data(
            period=period,
            units=units,
            list_form=list_form,
            paste_form=paste_form,
            formset=formset,
            line_errors=line_errors,
            pasting=pasting,
        )
        return self.render_to_response(context)

    @staticmethod
    def lines(form, formset, units, pasting):
        if pasting:
            return transfers.transfer_lines_parse(form.cleaned_data["paste"])
        by_pk = {unit.pk: unit for unit in units}
        rows = []
        for row in formset.cleaned_data:
            if row.get("enterprise") not in by_pk:
                raise ValidationError("表格中有不在本页列表中的单位，请刷新页面后再录入。")
            rows.append(row)
        return transfers.transfer_lines_from_rows(rows, enterprises=by_pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["period_form"] = PeriodForm(kinds=self.kinds)
        units, formset = context["units"], context["formset"]
        by_unit = {str(form["enterprise"].value()): form for form in formset.forms}
        if any(str(unit.pk) not in by_unit for unit in units) or len(by_unit) != len(units):
            # Rows posted for another list of units (it changed meanwhile): show today's list afresh.
            formset = context["formset"] = TransferRowFormSet(initial=transfer_initial(units))
            by_unit = {str(form["enterprise"].value()): form for form in formset.forms}
        context["unit_rows"] = [(unit, by_unit[str(unit.pk)]) for unit in units]
        return context


# --- 经费收缴率 ------------------------------------------------------------------------------------


def collection_cells(row, period, township=None) -> list[dict]:
    """A row's figures in the page's column order (in all, then per channel), each with the ledger
    list behind it (None while the ledger list is not installed)."""
    return [
        {
            **row[name],
            "name": name,
            "link": entry_list_url(period=period, township=township, channel=None if name == "all" else name),
        }
        for name in ("all", *CHANNELS)
    ]


class CollectionRateView(ReadsFromReplicaMixin, ScopedPermissionMixin, TemplateView):
    """收缴率 per township of the user's area, by channel and in all, for a month, quarter or year."""

    permission_required = "dues.view_ledgerentry"
    selector = finance_entry_list
    template_name = "dues/finance/collection_rate.html"
    page_title = "经费收缴率"

    def report(self):
        period = PeriodForm(self.request.GET).chosen()
        data = collection_rate_by_township(user=self.request.user, period=period)
        for row in data["rows"]:
            row["cells"] = collection_cells(row, period, row["township"])
        data["total"]["cells"] = collection_cells(data["total"], period)
        return data

    def get_context_data(self, **kwargs):
        data = self.report()
        return super().get_context_data(
            period_form=PeriodForm(),
            channels=[(channel, CHANNEL_LABELS[channel]) for channel in CHANNELS],
            **data,
            **kwargs,
        )


def _rate_cells(row) -> list:
    cells = []
    for name in ("all", *CHANNELS):
        cells += [row[name]["due"], row[name]["received"], row[name]["percent"] or "—"]
    return cells


class CollectionRateExportView(CollectionRateView):
    def get(self, request, *args, **kwargs):
        data = self.report()
        headers = ["乡镇"]
        for name in ("合计", *CHANNEL_LABELS.values()):
            headers += [f"{name}应收", f"{name}实收", f"{name}收缴率（%）"]
        rows = [[row["township"].name, *_rate_cells(row)] for row in data["rows"]]
        rows.append(["合计", *_rate_cells(data["total"])])
        return xlsx_response(
            filename=f"collection-rate-{data['period'].key}",
            headers=headers,
            rows=rows,
            sheet_title=f"经费收缴率{data['period'].label}",
        )


# --- 分成 and 返还 ---------------------------------------------------------------------------------


LEVEL_LABELS = {
    "township": "乡镇（街道）工会",
    "county": "县总工会",
    "city": "市总工会",
    "province": "省总工会",
    "national": "全国总工会",
}


class ShareOutView(ScopedPermissionMixin, TemplateView):
    """What each union keeps and owes upward of the funds received in a period, per township, and
    the small-enterprise refunds due for it."""

    permission_required = "dues.view_sharerate"
    selector = finance_entry_list
    template_name = "dues/finance/share_out.html"
    page_title = "经费分成与返还"

    def report(self):
        period = PeriodForm(self.request.GET).chosen()
        report = shareout.share_out_report(user=self.request.user, period=period)
        report["refunds"] = shareout.refund_list(user=self.request.user, period=period)
        return report

    def get_context_data(self, **kwargs):
        report = self.report()
        return super().get_context_data(
            period_form=PeriodForm(),
            level_labels=[LEVEL_LABELS[level] for level in report["levels"]],
            **report,
            **kwargs,
        )


class ShareOutExportView(ShareOutView):
    def get(self, request, *args, **kwargs):
        report = self.report()
        headers = ["乡镇", "工会", "经费类别", "缴费企业数", "实收", "留成", "上解合计"]
        headers += [f"上解{LEVEL_LABELS[level]}" for level in report["levels"]]
        rows = []
        for township in report["townships"]:
            for row in township.rows:
                rows.append(
                    [
                        township.township.name if township.township else "",
                        row.union.name if row.union else "（未建会企业）",
                        "工会经费" if row.kind == "fund" else "工会筹备金",
                        row.enterprises,
                        row.received,
                        row.kept,
                        row.upward,
                        *row.upward_parts,
                    ]
                )
        total = report["total"]
        rows.append(["合计", "", "", "", total.received, total.kept, total.upward, *total.upward_parts])
        return xlsx_response(
            filename=f"share-out-{report['period'].key}",
            headers=headers,
            rows=rows,
            sheet_title=f"经费分成{report['period'].label}",
        )


class RefundExportView(ShareOutView):
    """The period's small-enterprise refunds (小微企业工会经费返还) as a sheet."""

    def get(self, request, *args, **kwargs):
        period = PeriodForm(self.request.GET).chosen()
        refunds = shareout.refund_list(user=request.user, period=period)
        headers = ["企业", "所属乡镇", "所在工会", "职工人数", "本期实收", "全年实收", "本期应返还"]
        rows = [
            [r.name, r.township, r.union, r.employees, r.paid_period, r.paid_year, r.refund] for r in refunds["rows"]
        ]
        if rows:
            rows.append(["合计", "", "", "", "", "", refunds["total"]])
        return xlsx_response(
            filename=f"small-enterprise-refunds-{period.key}",
            headers=headers,
            rows=rows,
            sheet_title=f"小微企业经费返还{period.label}",
        )
