"""Membership dues (会费) pages: the branches' month (pick a branch and a month), a branch's sheet
(enter its members' basic wages and the dues collected, one form for the whole branch, saved
whole or not at all), its Excel file, and the warning list of members with six months unpaid."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from apps.core.errors import ApplicationError
from apps.core.exports import XlsxExportMixin, xlsx_response
from apps.core.mixins import ScopedListView, ScopedPermissionMixin

from ..choices import DuesExemption
from ..filters.memberdues import DuesOverdueFilter, DuesSummaryFilter
from ..forms.memberdues import DuesSheetFormSet, SheetMonthForm
from ..selectors.memberdues import (
    OVERDUE_MONTHS,
    current_month,
    dues_branch_totals,
    dues_overdue_members,
    dues_overdue_threshold,
    dues_sheet,
    dues_union_list,
)
from ..services.memberdues import DuesSheetRefused, dues_month_save, dues_row_problems
from ..tables.memberdues import DuesOverdueTable, DuesSummaryTable, month_label

VIEW = "dues.view_duesrecord"
WRITE = ("dues.add_duesrecord", "dues.change_duesrecord")


class BoundFilterMixin:
    """The filters are always applied, none given included: the month's figures are annotated by
    the filterset (an unbound django-filter skips filter_queryset)."""

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if kwargs.get("data") is None:
            kwargs["data"] = self.request.GET
        return kwargs


class DuesSummaryView(BoundFilterMixin, ScopedListView):
    """Each branch in the user's area for one month: members, exempt, liable, recorded, due and
    collected; a branch's name opens its sheet for the month."""

    permission_required = VIEW
    selector = dues_union_list
    table_class = DuesSummaryTable
    filterset_class = DuesSummaryFilter
    template_name = "dues/memberdues/summary.html"
    page_title = _("Membership dues")
    export_url = "dues:member_dues_export"

    def chosen_month(self):
        return self.filterset.chosen_month() if getattr(self, "filterset", None) else current_month()

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "month": self.chosen_month()}

    def get_context_data(self, **kwargs):
        month = self.chosen_month()
        return super().get_context_data(month=month, month_label=month_label(month), **kwargs)


class DuesSummaryExportView(XlsxExportMixin, DuesSummaryView):
    export_filename = "membership-dues"
    export_sheet_title = "会费收缴汇总"
    export_columns = [
        (_("Union"), lambda u: u.name),
        (_("Township"), lambda u: u.township_name or ""),
        (_("Number of members"), lambda u: u.members_active),
        (_("Exempt"), lambda u: u.members_exempt),
        (_("Liable"), lambda u: max(u.members_active - u.members_exempt, 0)),
        (_("Recorded"), lambda u: u.records_made),
        (_("Dues due"), lambda u: u.dues_due),
        (_("Dues collected"), lambda u: u.dues_collected),
    ]


class SheetMixin(ScopedPermissionMixin):
    """A branch (404 outside the user's area) and the month asked for in `?month=`."""

    permission_required = VIEW
    selector = dues_union_list

    def setup_sheet(self):
        self.union = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.month_form = SheetMonthForm(self.request.GET)
        valid = self.month_form.is_valid()
        self.month = (self.month_form.cleaned_data.get("month") or current_month()) if valid else None

    def sheet_url(self, month=None) -> str:
        month = month or self.month or current_month()
        return f"{reverse('dues:member_dues_sheet', kwargs={'pk': self.union.pk})}?month={month:%Y-%m}"


class DuesSheetView(SheetMixin, TemplateView):
    template_name = "dues/memberdues/sheet.html"

    def get_permission_required(self):
        if self.request.method == "POST":
            return (VIEW, *WRITE)
        return (VIEW,)

    def get(self, request, *args, **kwargs):
        self.setup_sheet()
        formset = None
        if self.month is not None:
            initial = [_initial(member, record) for member, record in self.sheet_rows()]
            formset = DuesSheetFormSet(prefix="rows", initial=initial)
        return self.render_to_response(self.get_context_data(formset=formset))

    def sheet_rows(self):
        if not hasattr(self, "_rows"):
            self._rows = dues_sheet(union=self.union, month=self.month)
        return self._rows

    def post(self, request, *args, **kwargs):
        self.setup_sheet()
        if self.month is None:
            return self.render_to_response(self.get_context_data(formset=None))
        formset = DuesSheetFormSet(request.POST, prefix="rows")
        if formset.is_valid():
            try:
                saved = dues_month_save(
                    user=request.user,
                    union=self.union,
                    month=self.month,
                    rows=[form.dues_row() for form in formset.forms],
                )
            except DuesSheetRefused as exc:
                for index, problems in exc.rows.items():
                    for field, message in problems.items():
                        formset.forms[index].add_error(field if field != "member" else None, message)
                messages.error(request, exc.message)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已保存{month_label(self.month)}的会费，写入 {saved} 条记录。")
                return redirect(self.sheet_url())
        else:
            # The rows that were read still get the sheet's rules, so every mistake shows at once.
            for form in formset.forms:
                if form.is_valid():
                    for field, message in dues_row_problems(form.dues_row()).items():
                        form.add_error(field, message)
            messages.error(request, "有填写有误的行，整张表没有保存，请改正标出的行后再保存。")
        return self.render_to_response(self.get_context_data(formset=formset), status=200)

    def get_context_data(self, formset=None, **kwargs):
        lines = []
        if formset is not None:
            by_id = {member.pk: (member, record) for member, record in self.sheet_rows()}
            for form in formset.forms:
                member, record = by_id.get(_int(form["member"].value()), (None, None))
                lines.append({"form": form, "member": member, "record": record})
        user = self.request.user
        return super().get_context_data(
            union=self.union,
            month=self.month,
            month_value=f"{self.month:%Y-%m}" if self.month else self.request.GET.get("month", "")[:20],
            month_label=month_label(self.month),
            month_form=self.month_form,
            formset=formset,
            lines=lines,
            totals=dues_branch_totals(union=self.union, month=self.month) if self.month else None,
            can_write=all(user.has_perm(perm) for perm in WRITE),
            exemption_choices=DuesExemption.choices,
            **kwargs,
        )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _initial(member, record) -> dict:
    if record is None:
        return {"member": member.pk}
    return {
        "member": member.pk,
        "basic_wage": record.basic_wage,
        "exemption": record.exemption,
        "exemption_reason": record.exemption_reason,
        "collected": record.collected,
    }


class DuesSheetExportView(SheetMixin, View):
    """A branch's month as an Excel file: its members, wages declared, dues due and collected."""

    def get(self, request, *args, **kwargs):
        self.setup_sheet()
        if self.month is None:
            messages.error(request, "月份有误，没有导出：请按“年-月”选择月份后再导出。")
            return redirect(reverse("dues:member_dues_sheet", kwargs={"pk": self.union.pk}))
        labels = dict(DuesExemption.choices)
        rows = []
        for member, record in dues_sheet(union=self.union, month=self.month):
            if record is None:
                rows.append([member.real_name, member.card_number, None, "未登记", "", None, None])
                continue
            rows.append(
                [
                    member.real_name,
                    member.card_number,
                    record.basic_wage,
                    str(labels.get(record.exemption, "正常缴纳")),
                    record.exemption_reason,
                    record.due,
                    record.collected,
                ]
            )
        headers = ["姓名", "会员证号", "基本工资", "免缴情形", "免缴原因", "应交会费", "实收会费"]
        return xlsx_response(
            filename=f"membership-dues-{self.month:%Y%m}",
            headers=headers,
            rows=rows,
            sheet_title=f"{self.union.name}{month_label(self.month)}会费",
        )


class DuesOverdueView(ScopedListView):
    """Members with no month paid or exempt in the six before the current one: a list to follow
    up, never a removal."""

    permission_required = VIEW
    selector = dues_overdue_members
    table_class = DuesOverdueTable
    filterset_class = DuesOverdueFilter
    template_name = "dues/memberdues/overdue.html"
    page_title = _("Members without dues for six months")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            threshold_label=month_label(dues_overdue_threshold()), overdue_months=OVERDUE_MONTHS, **kwargs
        )
