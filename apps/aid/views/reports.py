"""The yearly report per township (files opened, reviewed, closed; aid by kind and by fund) with
its Excel export."""

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from apps.core.exports import xlsx_response
from apps.core.indicators import indicator
from apps.core.mixins import ScopedPermissionMixin

from .. import selectors
from ..choices import AidKind, FundSource
from ..filters import year_choices


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("year"), coerce=int, required=False, choices=year_choices)

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


def _columns():
    return (
        [
            ("opened", _("Files opened")),
            ("reviewed", _("Reviews")),
            ("closed", _("Files closed")),
            ("open_now", _("Open now")),
        ]
        + [(f"kind_{value}", label) for value, label in AidKind.choices]
        + [(f"fund_{value}", label) for value, label in FundSource.choices]
        + [("total", _("Aid total (yuan)"))]
    )


class ReportMixin(ScopedPermissionMixin):
    permission_required = "aid.view_aidrecord"
    selector = selectors.yearly_report

    @cached_property
    def year(self) -> int:
        return YearForm(self.request.GET or None).chosen_year()

    def rows(self):
        rows = list(selectors.yearly_report(user=self.request.user, year=self.year))
        for row in rows:
            row.cells = [getattr(row, key) for key, _label in _columns()]
        return rows


class ReportView(ReportMixin, TemplateView):
    template_name = "aid/report.html"

    def get_context_data(self, **kwargs):
        rows = self.rows()
        keys = [key for key, _label in _columns()]
        totals = selectors.totals_of(rows, keys)
        return super().get_context_data(
            form=YearForm(self.request.GET or None, initial={"year": self.year}),
            year=self.year,
            rows=rows,
            headers=[label for _key, label in _columns()],
            totals=[totals[key] for key in keys],
            indicator=indicator("aid.reviewed_on_time").compute(user=self.request.user, year=self.year),
            **kwargs,
        )


class ReportExportView(ReportMixin, View):
    def get(self, request, *args, **kwargs):
        rows = self.rows()
        keys = [key for key, _label in _columns()]
        totals = selectors.totals_of(rows, keys)
        table = [[row.name, *row.cells] for row in rows]
        table.append([_("Total"), *(totals[key] for key in keys)])
        headers = [_("Township"), *(label for _key, label in _columns())]
        title = _("Hardship aid %(year)s") % {"year": self.year}
        return xlsx_response(filename=f"aid-{self.year}", headers=headers, rows=table, sheet_title=title)
