"""The yearly report per township (registered, re-employed, target, rate) with its Excel export,
and the county's target page (a number per township for the year)."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from apps.core.errors import ApplicationError
from apps.core.exports import xlsx_response
from apps.core.indicators import indicator
from apps.core.mixins import ScopedPermissionMixin
from apps.core.replica import ReadsFromReplicaMixin

from .. import selectors, services
from ..filters import year_choices
from ..forms import TargetsForm


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("year"), coerce=int, required=False, choices=year_choices)

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


def _rate(employed, target):
    return None if not target else round(employed * 100 / target, 1)


class ReportMixin(ReadsFromReplicaMixin, ScopedPermissionMixin):
    permission_required = "reemployment.view_reemploymentcase"
    selector = selectors.yearly_report

    @cached_property
    def year(self) -> int:
        return YearForm(self.request.GET or None).chosen_year()

    def rows(self):
        rows = list(selectors.yearly_report(user=self.request.user, year=self.year))
        for row in rows:
            row.rate = _rate(row.employed, row.target)
        return rows


class ReportView(ReportMixin, TemplateView):
    template_name = "reemployment/report.html"

    def get_context_data(self, **kwargs):
        rows = self.rows()
        totals = selectors.report_totals(rows)
        totals["rate"] = _rate(totals["employed"], totals["target"])
        return super().get_context_data(
            form=YearForm(self.request.GET or None, initial={"year": self.year}),
            year=self.year,
            rows=rows,
            totals=totals,
            indicator=indicator("reemployment.reemployed").compute(user=self.request.user, year=self.year),
            may_set_targets=self.request.user.has_perm("reemployment.change_reemploymenttarget"),
            **kwargs,
        )


class ReportExportView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        rows = self.rows()
        totals = selectors.report_totals(rows)
        table = [[r.name, r.registered, r.employed, r.seeking, r.placed, r.target, r.rate] for r in rows]
        table.append(
            [
                _("Total"),
                *(totals[k] for k in ("registered", "employed", "seeking", "placed", "target")),
                _rate(totals["employed"], totals["target"]),
            ]
        )
        headers = [
            _("Township"),
            _("Registered"),
            _("Re-employed"),
            _("Still seeking"),
            _("Placed at bases"),
            _("Target"),
            _("Target rate (%)"),
        ]
        title = _("Re-employment %(year)s") % {"year": self.year}
        return xlsx_response(filename=f"reemployment-{self.year}", headers=headers, rows=table, sheet_title=title)


class TargetView(ScopedPermissionMixin, FormView):
    """County staff: the year's target of each township of their area, one form."""

    permission_required = "reemployment.change_reemploymenttarget"
    selector = selectors.target_list
    form_class = TargetsForm
    template_name = "reemployment/target_form.html"

    @cached_property
    def year(self) -> int:
        return YearForm(self.request.GET or None).chosen_year()

    def get_form_kwargs(self):
        user = self.request.user
        targets = dict(self.get_queryset().filter(year=self.year).values_list("township_id", "persons"))
        return {**super().get_form_kwargs(), "townships": selectors.township_choices(user=user), "targets": targets}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            year=self.year, year_form=YearForm(self.request.GET or None, initial={"year": self.year}), **kwargs
        )

    def form_valid(self, form):
        try:
            with transaction.atomic():
                for township, persons in form.targets():
                    services.target_set(user=self.request.user, township=township, year=self.year, persons=persons)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("Targets saved."))
        return redirect(f"{self.request.path}?year={self.year}")
