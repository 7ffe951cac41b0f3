"""The arrears pages (催缴): the list and its export, a stage of one entry, a township's notices
at once, the ageing report, and the prints (催缴通知书, 支付令申请书) on A4 from the browser."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from apps.branches.choices import OrgUnitKind
from apps.branches.selectors import orgunit_list
from apps.core.exports import XlsxExportMixin
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin, form_add_service_error

from ..choices import ArrearsStage
from ..filters.arrears import ArrearsFilter, MonthField
from ..forms.arrears import ArrearsNoticeBatchForm, ArrearsStageForm
from ..selectors.arrears import (
    arrears_actions_of,
    arrears_ageing,
    arrears_entry_queryset,
    arrears_list,
    arrears_print_entries,
    arrears_print_pages,
    arrears_today,
    stage_next,
)
from ..services.arrears import arrears_close_finished, arrears_notice_batch, arrears_stage_problem, arrears_stage_record
from ..tables.arrears import ArrearsTable, months_since

VIEW_PERMISSION = "dues.view_arrearsaction"
ADD_PERMISSION = "dues.add_arrearsaction"


class ArrearsListView(ScopedListView):
    """Owing entries (and those already chased), oldest period first, with their stage."""

    permission_required = VIEW_PERMISSION
    selector = arrears_list
    table_class = ArrearsTable
    filterset_class = ArrearsFilter
    template_name = "dues/arrears/list.html"
    page_title = gettext_lazy("Arrears to chase")
    export_url = "dues:arrears_export"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(may_record=self.request.user.has_perm(ADD_PERMISSION), **kwargs)
        # The prints of a township's notices and orders, once the list is filtered to one township.
        filterset = context["filter"]
        township = filterset.form.cleaned_data.get("township") if filterset.is_valid() else None
        if township is not None:
            period = filterset.form.cleaned_data.get("period")
            query = f"?period={period:%Y-%m}" if period else ""
            for kind in ("notice", "order"):
                url = reverse(f"dues:arrears_{kind}_batch_print", kwargs={"township": township.pk})
                context[f"{kind}_print_url"] = url + query
        return context


class ArrearsExportView(XlsxExportMixin, ArrearsListView):
    """Exactly the rows the list shows under the same filters."""

    export_filename = "arrears"

    @property
    def export_columns(self):
        today = arrears_today()
        return [
            (_("Enterprise"), lambda e: e.enterprise.name),
            (_("Township"), lambda e: e.enterprise.township.name if e.enterprise.township_id else ""),
            (_("Period"), lambda e: e.period_label),
            (_("Period end"), lambda e: e.period_end),
            (_("Amount due"), lambda e: e.due),
            (_("Amount received"), lambda e: e.received),
            (_("Amount owed"), lambda e: max(e.owed, 0)),
            (_("Months since the period's end"), lambda e: months_since(e.period_end, today)),
            (
                _("Arrears stage"),
                lambda e: str(ArrearsStage(e.stage_now).label) if e.stage_now else _("Not chased yet"),
            ),
        ]


class ArrearsEntryMixin(ScopedPermissionMixin):
    """One ledger entry of the user's scope: another township's is a 404."""

    selector = arrears_entry_queryset

    @cached_property
    def entry(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class ArrearsStageView(ArrearsEntryMixin, ServiceFormMixin, FormView):
    """The stages recorded for one entry, and the form for the next."""

    permission_required = ADD_PERMISSION
    form_class = ArrearsStageForm
    template_name = "dues/arrears/stage_form.html"
    success_message = gettext_lazy("Arrears stage recorded.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "next_stage": stage_next(self.entry.arrears_stage)}

    def get_context_data(self, **kwargs):
        entry = self.entry
        next_stage = stage_next(entry.arrears_stage)
        refusal = arrears_stage_problem(entry, next_stage, today=arrears_today()) if next_stage else None
        if next_stage is None:
            refusal = _("The chasing of this period has come to its last stage.")
        return super().get_context_data(
            entry=entry, actions=arrears_actions_of(entry), refusal=refusal, next_stage=next_stage, **kwargs
        )

    def get(self, request, *args, **kwargs):
        # A payment may have settled a chased entry since: record it before showing the stages.
        if arrears_close_finished([self.entry.pk]):
            del self.entry  # read again, with the stage just recorded
        return super().get(request, *args, **kwargs)

    def save(self, form):
        arrears_stage_record(self.entry, user=self.request.user, **form.cleaned_data)
        return reverse("dues:arrears_record", kwargs={"pk": self.entry.pk})


class ArrearsNoticeBatchView(ScopedPermissionMixin, FormView):
    """The 催缴通知书 for every owing, not yet chased entry of a township's period, at once."""

    permission_required = ADD_PERMISSION
    selector = arrears_entry_queryset
    form_class = ArrearsNoticeBatchForm
    template_name = "dues/arrears/batch_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        period = data["period"]
        entries = self.get_queryset().filter(
            enterprise__township=data["township"], period_start__lte=period, period_end__gte=period
        )
        try:
            done = arrears_notice_batch(
                entries=entries,
                done_on=data["done_on"],
                delivery=data["delivery"],
                note=data["note"],
                user=self.request.user,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Notices recorded for %(recorded)s entries (%(skipped)s already chased).")
            % {"recorded": done["recorded"], "skipped": done["already_chased"]},
        )
        query = urlencode({"township": data["township"].pk, "period": f"{period:%Y-%m}"})
        return redirect(f"{reverse('dues:arrears_list')}?{query}")


class ArrearsAgeingView(ScopedPermissionMixin, TemplateView):
    """The ageing of the arrears per township: 0–3, 3–6, 6–12 and over 12 months since the period's end."""

    permission_required = VIEW_PERMISSION
    selector = arrears_entry_queryset
    template_name = "dues/arrears/ageing.html"

    def get_context_data(self, **kwargs):
        report = arrears_ageing(user=self.request.user)
        return super().get_context_data(list_url=reverse("dues:arrears_list"), **report, **kwargs)


# --- prints --------------------------------------------------------------------------------------


class ArrearsPrintMixin(ScopedPermissionMixin):
    """A print: one page per enterprise; `kind` says which document."""

    permission_required = VIEW_PERMISSION
    selector = arrears_entry_queryset
    kind = "notice"

    def print_entries(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        entries = self.print_entries()
        if self.kind == "order":
            # An application names what was demanded and not paid: entries already noticed.
            entries = entries.exclude(arrears_stage="")
        pages = arrears_print_pages(entries)
        return super().get_context_data(
            pages=pages,
            printed_on=timezone.localdate(),
            back_url=reverse("dues:arrears_list"),
            **kwargs,
        )


class ArrearsEntryPrintMixin(ArrearsPrintMixin, ArrearsEntryMixin):
    """The print of one entry's enterprise: every owing period of it."""

    def print_entries(self):
        return arrears_print_entries(user=self.request.user, enterprise_id=self.entry.enterprise_id)


class ArrearsTownshipPrintMixin(ArrearsPrintMixin):
    """The print of a township's enterprises (optionally `?period=2026-07`); a township outside
    the user's area is a 404."""

    batch = True  # the title says so: a batch and a single print are different pages

    def print_entries(self):
        township = self.kwargs["township"]
        if not orgunit_list(user=self.request.user).filter(kind=OrgUnitKind.TOWNSHIP, pk=township).exists():
            raise Http404
        try:
            period = MonthField(required=False).clean(self.request.GET.get("period", ""))
        except ValidationError as exc:
            raise Http404 from exc
        return arrears_print_entries(user=self.request.user, township_id=township, period=period)


class ArrearsNoticePrintView(ArrearsEntryPrintMixin, TemplateView):
    template_name = "dues/arrears/notice_print.html"
    kind = "notice"


class ArrearsOrderPrintView(ArrearsEntryPrintMixin, TemplateView):
    template_name = "dues/arrears/order_print.html"
    kind = "order"


class ArrearsNoticeBatchPrintView(ArrearsTownshipPrintMixin, TemplateView):
    template_name = "dues/arrears/notice_print.html"
    kind = "notice"


class ArrearsOrderBatchPrintView(ArrearsTownshipPrintMixin, TemplateView):
    template_name = "dues/arrears/order_print.html"
    kind = "order"
