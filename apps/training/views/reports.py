"""The certificates' print views (结业证书, A4 landscape) and the reports: trained cadres per
township against the yearly target, and 未培训干部 (who still needs training), each in Excel."""

from django import forms
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from apps.branches.choices import OrgUnitKind
from apps.branches.selectors import orgunit_list
from apps.core.exports import XlsxExportMixin, xlsx_response
from apps.core.forms import int_param
from apps.core.mixins import ScopedListView, ScopedPermissionMixin
from apps.core.replica import ReadsFromReplicaMixin

from .. import selectors
from ..filters import MAX_YEARS, UntrainedFilter, year_choices
from ..tables import UntrainedTable
from .programmes import ProgrammeMixin

# --- certificates ----------------------------------------------------------------------------


def certificate_page(certificate) -> dict:
    nomination = certificate.nomination
    trainee = nomination.trainee
    return {
        "certificate": certificate,
        "nomination": nomination,
        "programme": nomination.programme,
        "unit": trainee.union.name if trainee is not None else "",
    }


class CertificatePrintView(ScopedPermissionMixin, TemplateView):
    """One trainee's 结业证书, an A4 landscape page."""

    permission_required = "training.view_certificate"
    selector = selectors.certificate_print_list
    template_name = "training/certificate_print.html"

    def get_context_data(self, **kwargs):
        certificate = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        programme = certificate.nomination.programme
        return super().get_context_data(
            pages=[certificate_page(certificate)], programme=programme, back_url=programme.get_absolute_url(), **kwargs
        )


class CertificateBatchPrintView(ProgrammeMixin, TemplateView):
    """Every certificate of a programme the user sees, one page each, in number order."""

    permission_required = "training.view_certificate"
    template_name = "training/certificate_print.html"

    def get_context_data(self, **kwargs):
        certificates = (
            selectors.certificate_print_list(user=self.request.user)
            .filter(nomination__programme=self.programme)
            .order_by("number")
        )
        return super().get_context_data(
            pages=[certificate_page(c) for c in certificates],
            batch=True,
            back_url=self.programme.get_absolute_url(),
            **kwargs,
        )


# --- trained cadres against the target ---------------------------------------------------------


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("year"), coerce=int, required=False, choices=year_choices)

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class TargetReportMixin(ReadsFromReplicaMixin, ScopedPermissionMixin):
    permission_required = "training.view_programme"
    selector = orgunit_list

    @cached_property
    def year(self) -> int:
        return YearForm(self.request.GET or None).chosen_year()

    def report(self) -> dict:
        return selectors.training_target_by_township(user=self.request.user, year=self.year)


class TargetReportView(TargetReportMixin, TemplateView):
    """Per township: its chair and full-time cadres in post (the target: each trained once a
    year), how many completed a programme that year, and the untrained cadres of the last years."""

    template_name = "training/target_report.html"

    def get_context_data(self, **kwargs):
        data = self.report()
        untrained = selectors.untrained_cadres_by_township(user=self.request.user)
        by_township = {row["township"].pk: row for row in untrained["rows"]}
        for row in data["rows"]:
            row["untrained"] = by_township.get(row["township"].pk)
        return super().get_context_data(
            form=YearForm(self.request.GET or None, initial={"year": self.year}),
            year=self.year,
            rows=data["rows"],
            total=data["total"],
            untrained_total=untrained["total"],
            years=untrained["years"],
            since=untrained["since"],
            **kwargs,
        )


class TargetReportExportView(TargetReportMixin, View):
    def get(self, request, *args, **kwargs):
        data = self.report()
        rows = [
            [row["township"].name, row["target"], row["trained"], row["missing"], _rate(row["rate"])]
            for row in [*data["rows"], {**data["total"], "township": _TotalRow()}]
        ]
        headers = [_("Township"), _("Target (chairs and full-time cadres)"), _("Trained"), _("Not yet"), _("Rate")]
        title = _("Trained cadres %(year)s") % {"year": self.year}
        return xlsx_response(filename=f"training-target-{self.year}", headers=headers, rows=rows, sheet_title=title)


class _TotalRow:
    @property
    def name(self):
        return _("Total")


def _rate(rate):
    return None if rate is None else round(rate * 100, 1)


# --- who has not been trained --------------------------------------------------------------------


class UntrainedListView(ScopedListView):
    """未培训干部: officers in post with no completed training in the last N years (default 2)."""

    permission_required = "training.view_programme"
    selector = selectors.untrained_cadres
    table_class = UntrainedTable
    filterset_class = UntrainedFilter
    page_title = gettext_lazy("Cadres not yet trained")
    export_url = "training:untrained_export"
    template_name = "training/untrained_list.html"

    @cached_property
    def years(self) -> int:
        years = int_param(self.request.GET.get("years"))
        return years if years is not None and 1 <= years <= MAX_YEARS else selectors.DEFAULT_YEARS

    def get_queryset(self):
        # The selector with the years asked for (the filter validates them; a bad value: the default).
        if self.years == selectors.DEFAULT_YEARS:
            return super().get_queryset()
        return type(self).selector(user=self.request.user, years=self.years)

    @cached_property
    def township_names(self) -> dict:
        return dict(orgunit_list(user=self.request.user).filter(kind=OrgUnitKind.TOWNSHIP).values_list("pk", "name"))

    def get_table_kwargs(self):
        return {"townships": self.township_names}

    def get_context_data(self, **kwargs):
        return super().get_context_data(years=self.years, **kwargs)


class UntrainedExportView(XlsxExportMixin, UntrainedListView):
    export_filename = "untrained-cadres"

    @property
    def export_columns(self):
        names = self.township_names
        return [
            (_("Township"), lambda o: names.get(o.township_id, "")),
            (_("Union"), lambda o: o.union.name),
            (_("Full name"), lambda o: o.name),
            (_("Position"), lambda o: o.get_position_display()),
            (_("In office since"), lambda o: o.term_start),
            (_("Last trained"), lambda o: o.last_trained_on),
        ]
