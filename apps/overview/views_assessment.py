"""The county assessment's pages (年终考核): the year's table, a township's page, the year's
administration (open, scheme, vetoes, refresh, lock) and the refresh's progress page.

Each view validates its form and calls one service (apps.overview.assessment); a refusal is shown
in Chinese and nothing is written. A township outside the user's assessment area is a 404
(apps.overview.selectors.assessment_townships).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from apps.core.errors import ApplicationError
from apps.core.forms import int_param
from apps.core.mixins import ScopedPermissionMixin
from apps.core.replica import ReadsFromReplicaMixin, pin_to_primary

from . import assessment as services
from . import report, selectors
from .models import (
    AssessmentRefresh,
    AssessmentYear,
    Deduction,
    SchemeItem,
    ScoreBand,
    ScoringScheme,
    TownshipVeto,
    VetoItem,
    indicator_key_choices,
)


def _error_text(exc) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errors)}".lstrip("：")
        for name, errors in form.errors.items()
    )


def _year_param(request) -> int:
    """The year a page shows (?year=): this year when missing or impossible. Forms post theirs
    (`_posted_year`), which never falls back."""
    try:
        year = int(request.GET.get("year") or "")
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2099 else timezone.localdate().year


def _posted_year(request) -> int:
    """The year a form posts, from the form only: a missing or impossible year is a 404, never
    taken for this year (a hand-made lock of "abc" must not lock the current year)."""
    year = int_param(request.POST.get("year"))
    if year is None or not 2000 <= year <= 2099:
        raise Http404
    return year


class PointsForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    indicator_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    # Empty clears the score (a scheme item scored by mistake can then be removed).
    points = forms.DecimalField(
        label=gettext_lazy("points"), max_digits=5, decimal_places=2, min_value=0, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VetoForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    veto = forms.ModelChoiceField(label=gettext_lazy("veto item"), queryset=VetoItem.objects.none())
    note = forms.CharField(label=gettext_lazy("note"), required=False, max_length=1000)

    def __init__(self, *args, year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["veto"].queryset = VetoItem.objects.filter(scheme__year=year)


class DeductionCountForm(forms.Form):
    """The count of a deduction the county enters (its choices: the scheme's entered deductions,
    given from the page's data, so the form costs no query)."""

    year = forms.IntegerField(widget=forms.HiddenInput)
    deduction = forms.TypedChoiceField(label=gettext_lazy("deduction"), coerce=int, choices=())
    count = forms.IntegerField(label=gettext_lazy("count"), min_value=0, max_value=10000)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deduction"].choices = list(choices)


def _entered_deductions(year):
    return Deduction.objects.filter(item__scheme__year=year, indicator_key="")


class YearTableView(ReadsFromReplicaMixin, ScopedPermissionMixin, TemplateView):
    """The year's table: townships × scheme items, ranked, with the previous year and the average.
    Read from the replica when there is one (statistics; the township page, with its forms, reads
    the primary so a score just saved shows at once)."""

    permission_required = "overview.view_assessmentyear"
    selector = selectors.assessment_townships
    template_name = "overview/assessment_table.html"

    def get_context_data(self, **kwargs):
        year = _year_param(self.request)
        key = self.request.GET.get("indicator", "")[:80]
        table = selectors.year_table(user=self.request.user, year=year, indicator_key=key)
        return super().get_context_data(
            page_title=_("County assessment %(year)s") % {"year": year},
            table=table,
            year=year,
            indicator_key=key,
            may_manage=self.request.user.has_perm("overview.manage_assessment"),
            # The charts draw the table's own rows (apps.overview.report): no query of their own.
            totals_chart=report.totals_chart(table) if table["rows"] else None,
            indicator_chart=report.indicator_chart(table) if key else None,
            **kwargs,
        )


class TownshipMixin(ScopedPermissionMixin):
    permission_required = "overview.view_assessmentyear"
    selector = selectors.assessment_townships

    @cached_property
    def township(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def back(self, year):
        return redirect(reverse("overview:assessment_township", args=[self.township.pk]) + f"?year={year}")


class TownshipView(TownshipMixin, TemplateView):
    """A township's page: each item's figures with the lists behind them, the three scores, the forms."""

    template_name = "overview/assessment_township.html"

    def get_context_data(self, **kwargs):
        year = _year_param(self.request)
        user = self.request.user
        data = selectors.township_assessment(user=user, township=self.township, year=year)
        assessment = data["assessment"]
        is_open = assessment is not None and not assessment.locked
        return super().get_context_data(
            page_title=_("%(township)s: assessment %(year)s") % {"township": self.township.name, "year": year},
            township=self.township,
            data=data,
            year=year,
            is_open=is_open,
            may_self=is_open and user.has_perm("overview.self_assess") and user.org_unit_id == self.township.pk,
            may_final=is_open and user.has_perm("overview.manage_assessment"),
            may_table=user.has_perm("overview.view_assessmentyear"),
            veto_form=VetoForm(year=year, initial={"year": year}),
            deduction_form=DeductionCountForm(
                initial={"year": year},
                choices=[
                    (row["deduction"]["id"], row["deduction"]["label"])
                    for entry in data["items"]
                    for row in entry["deductions"]
                    if not row["deduction"]["indicator_key"]
                ],
            ),
            # The items over the years, for the chart and its table: from the page's own read.
            over_years=report.township_years(data["items"], data["history"]),
            **kwargs,
        )


class PointsView(TownshipMixin, View):
    """POST one item's points and note; `service` is the self-assessment or the final score."""

    http_method_names = ["post"]
    service = None

    def post(self, request, pk):
        form = PointsForm(request.POST)
        year = _posted_year(request)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return self.back(year)
        data = form.cleaned_data
        try:
            type(self).service(
                user=request.user,
                year=data["year"],
                township=self.township,
                indicator_key=data["indicator_key"],
                points=data["points"],
                note=data["note"],
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Saved."))
        return self.back(data["year"])


class SelfAssessmentView(PointsView):
    permission_required = "overview.self_assess"
    service = staticmethod(services.save_self_assessment)


class FinalScoreView(PointsView):
    permission_required = "overview.manage_assessment"
    service = staticmethod(services.save_final_score)


class VetoRecordView(TownshipMixin, View):
    permission_required = "overview.manage_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        year = _posted_year(request)
        form = VetoForm(request.POST, year=year)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return self.back(year)
        try:
            services.veto_record(
                user=request.user,
                year=year,
                township=self.township,
                veto=form.cleaned_data["veto"],
                note=form.cleaned_data["note"],
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The veto was recorded: the township's total is 0."))
        return self.back(year)


class VetoRemoveView(TownshipMixin, View):
    permission_required = "overview.manage_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        year = _posted_year(request)
        # A hand-made or stale form may post anything as the row: that is a 404, never a 500.
        veto_pk = int_param(request.POST.get("veto_row"))
        if veto_pk is None:
            raise Http404
        row = get_object_or_404(TownshipVeto, township=self.township, year=year, pk=veto_pk)
        try:
            services.veto_remove(user=request.user, year=year, veto_row=row)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return self.back(year)


class DeductionCountView(TownshipMixin, View):
    permission_required = "overview.manage_assessment"
    http_method_names = ["post"]

    def post(self, request, pk):
        year = _posted_year(request)
        entered = {row.pk: row for row in _entered_deductions(year)}
        form = DeductionCountForm(request.POST, choices=[(pk, row.label) for pk, row in entered.items()])
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return self.back(year)
        try:
            services.deduction_count_set(
                user=request.user,
                year=year,
                township=self.township,
                deduction=entered[form.cleaned_data["deduction"]],
                count=form.cleaned_data["count"],
            )
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Saved."))
        return self.back(year)


# --- the year's administration (county staff) -----------------------------------------------


class ItemForm(forms.ModelForm):
    indicator_key = forms.ChoiceField(label=gettext_lazy("indicator"), choices=())

    class Meta:
        model = SchemeItem
        fields = ["indicator_key", "max_points", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = indicator_key_choices()


class BandForm(forms.ModelForm):
    class Meta:
        model = ScoreBand
        fields = ["item", "threshold", "points"]


class DeductionForm(forms.ModelForm):
    indicator_key = forms.ChoiceField(label=gettext_lazy("counted from indicator"), choices=(), required=False)

    class Meta:
        model = Deduction
        fields = ["item", "label", "points_each", "indicator_key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = [("", _("entered by the county")), *indicator_key_choices()]


class VetoItemForm(forms.ModelForm):
    class Meta:
        model = VetoItem
        fields = ["label", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ManageMixin(ScopedPermissionMixin):
    permission_required = "overview.manage_assessment"
    selector = selectors.assessment_years

    def back(self, year):
        return redirect(reverse("overview:assessment_manage") + f"?year={year}")


class ManageView(ManageMixin, TemplateView):
    """Open a year, edit its scheme, refresh it now, lock it."""

    template_name = "overview/assessment_manage.html"

    def get_context_data(self, **kwargs):
        year = _year_param(self.request)
        scheme = (
            ScoringScheme.objects.filter(year=year)
            .prefetch_related("items__bands", "items__deductions", "vetoes")
            .first()
        )
        labels = dict(indicator_key_choices())
        items = list(scheme.items.all()) if scheme else []
        for item in items:
            item.label = labels.get(item.indicator_key)
        restrict = {"queryset": SchemeItem.objects.filter(scheme=scheme)} if scheme else {}
        band_form, deduction_form = BandForm(), DeductionForm()
        if restrict:
            band_form.fields["item"].queryset = restrict["queryset"]
            deduction_form.fields["item"].queryset = restrict["queryset"]
        return super().get_context_data(
            page_title=_("Assessment administration %(year)s") % {"year": year},
            year=year,
            years=list(self.get_queryset()),
            assessment=AssessmentYear.objects.filter(year=year).first(),
            scheme=scheme,
            items=items,
            item_form=ItemForm(),
            band_form=band_form,
            deduction_form=deduction_form,
            veto_form=VetoItemForm(),
            refreshes=list(AssessmentRefresh.objects.filter(year=year).order_by("-pk")[:3]),
            **kwargs,
        )


class YearOpenView(ManageMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        year = _posted_year(request)
        try:
            services.year_open(user=request.user, year=year)
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The year's assessment is open."))
        return self.back(year)


class SchemeRowAddView(ManageMixin, View):
    """POST a scheme row (`kind`: item, band, deduction, veto) to the open year's scheme."""

    http_method_names = ["post"]
    kind = ""

    def post(self, request):
        year = _posted_year(request)
        scheme = ScoringScheme.objects.filter(year=year).first()
        if scheme is None:
            messages.error(request, _("The year has no scheme: open the year first."))
            return self.back(year)
        items = SchemeItem.objects.filter(scheme=scheme)
        try:
            if self.kind == "item":
                existing = items.filter(indicator_key=request.POST.get("indicator_key", "")).first()
                form = ItemForm(request.POST, instance=existing or SchemeItem(scheme=scheme))
                if form.is_valid():
                    services.scheme_item_save(user=request.user, item=form.instance)
            elif self.kind == "band":
                form = BandForm(request.POST)
                form.fields["item"].queryset = items
                if form.is_valid():
                    services.score_band_save(user=request.user, band=form.instance)
            elif self.kind == "deduction":
                form = DeductionForm(request.POST)
                form.fields["item"].queryset = items
                if form.is_valid():
                    services.deduction_save(user=request.user, deduction=form.instance)
            else:
                form = VetoItemForm(request.POST, instance=VetoItem(scheme=scheme))
                if form.is_valid():
                    services.veto_item_save(user=request.user, veto=form.instance)
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, _error_text(exc))
            return self.back(year)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
        else:
            messages.success(request, _("Saved."))
        return self.back(year)


class SchemeRowDeleteView(ManageMixin, View):
    http_method_names = ["post"]
    MODELS = {"item": SchemeItem, "band": ScoreBand, "deduction": Deduction, "veto": VetoItem}

    def post(self, request):
        year = _posted_year(request)
        model = self.MODELS.get(request.POST.get("kind", ""))
        if model is None:
            raise Http404
        field = "scheme__year" if model in (SchemeItem, VetoItem) else "item__scheme__year"
        pk = int_param(request.POST.get("row"))
        if pk is None:
            raise Http404
        row = get_object_or_404(model, pk=pk, **{field: year})
        try:
            services.scheme_row_delete(user=request.user, row=row)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Removed."))
        return self.back(year)


class RefreshStartView(ManageMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        year = _posted_year(request)
        try:
            job = services.refresh_job_start(user=request.user, year=year)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return self.back(year)
        return redirect("overview:assessment_refresh", pk=job.pk)


class RefreshProgressView(ManageMixin, TemplateView):
    """The refresh's progress (the page reloads itself until the job is done or failed)."""

    template_name = "overview/assessment_refresh.html"
    selector = selectors.assessment_refresh_list

    def get_context_data(self, **kwargs):
        job = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return super().get_context_data(page_title=_("Refreshing the assessment figures"), job=job, **kwargs)


class YearLockView(ManageMixin, TemplateView):
    """GET: the confirm page; POST: lock the year."""

    template_name = "overview/assessment_lock.html"

    def get_context_data(self, **kwargs):
        year = _year_param(self.request)
        return super().get_context_data(
            page_title=_("Lock the assessment %(year)s") % {"year": year},
            year=year,
            assessment=AssessmentYear.objects.filter(year=year).first(),
            **kwargs,
        )

    def post(self, request):
        year = _posted_year(request)
        try:
            services.year_lock(user=request.user, year=year)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return self.back(year)
        messages.success(request, _("The year is locked: its figures and scores no longer change."))
        # The year's table reads the replica, which may not have replayed the lock yet: this
        # session reads it from the primary for a while, so the year does not show as still open.
        pin_to_primary(request)
        return redirect(reverse("overview:assessment") + f"?year={year}")


class YearExportView(ReadsFromReplicaMixin, ScopedPermissionMixin, View):
    """The year's table as a statistical report (.xlsx): numbered columns (栏次), the cross-check
    (勾稽关系) under the header, one row per township and the totals row (the sum of the townships'
    rows, its rates the county's pooled rates)."""

    permission_required = "overview.view_assessmentyear"
    selector = selectors.assessment_townships

    def get(self, request):
        from apps.core.exports import xlsx_response

        year = _year_param(request)
        table = selectors.year_table(user=request.user, year=year)
        sheet = report.year_report(table)
        rows = [sheet["numbers"], [sheet["check"]], *(row["values"] for row in sheet["rows"])]
        if sheet["totals"]:
            rows.append(sheet["totals"]["values"])
        return xlsx_response(
            filename=f"{year}年度乡镇年终考核", headers=sheet["headers"], rows=rows, sheet_title=f"{year}年度考核"
        )


class YearPrintView(YearTableView):
    """The year's table as a printed statistical report (A4 landscape): the Excel report's columns,
    栏次 and 勾稽关系 (apps.overview.report.year_report), the townships and the totals row (a chair:
    their own row and the county average, as in the table), and the totals-by-township chart."""

    template_name = "overview/assessment_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(sheet=report.year_report(context["table"]), printed_at=timezone.localtime())
        return context
