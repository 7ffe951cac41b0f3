"""The fund ledger's pages (经费台账): the list and its export, one entry, the entry and payroll
forms, 工会直收 (a payment and its receipt), a reversal, a deferral or write-off, and an
enterprise's channel. Every page takes its rows from the dues selectors (a chair gets 404 for
another township's entry) and writes through one service."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import DetailView, FormView

from apps.core.exports import XlsxExportMixin
from apps.core.forms import int_param
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin

from .. import selectors
from ..choices import Channel
from ..filters.ledger import LedgerEntryFilter
from ..forms.ledger import (
    ChannelOverrideForm,
    DirectPaymentForm,
    EntryDeferForm,
    EntryWriteOffForm,
    LedgerEntryForm,
    LedgerEntryPayrollForm,
    PaymentReverseForm,
)
from ..selectors import ledger as ledger_selectors
from ..services import channel_overrides, entries, ledger, receipts
from ..tables.ledger import STATUS_COLOURS, LedgerEntryTable, money


def percent_text(rate) -> str:
    """0.0200 → "2", 0.0150 → "1.5": a rate as the percentage a form shows."""
    return f"{(rate * 100).normalize():f}"


class EntryListView(ScopedListView):
    """Newest period first; the totals of the whole filtered set at the foot (not of the page)."""

    permission_required = "dues.view_ledgerentry"
    selector = selectors.ledger_entry_list
    table_class = LedgerEntryTable
    filterset_class = LedgerEntryFilter
    page_title = gettext_lazy("Fund ledger")
    create_url = "dues:entry_create"
    create_label = gettext_lazy("Add a ledger entry")
    create_permission = "dues.add_ledgerentry"
    export_url = "dues:entry_export"

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "totals": ledger_selectors.ledger_entry_totals(self.object_list)}


class EntryExportView(XlsxExportMixin, EntryListView):
    """Exactly the rows the list shows under the same filters, one line an entry."""

    export_filename = "fund-ledger"

    def export_queryset(self):
        return super().export_queryset().select_related("enterprise", "enterprise__township")

    @property
    def export_columns(self):
        return [
            (_("Enterprise"), lambda e: e.enterprise.name),
            (_("Unified social credit code"), lambda e: e.enterprise.credit_code),
            (_("Township"), lambda e: e.enterprise.township.name),
            (_("Period"), lambda e: e.period_label),
            (_("Period start"), lambda e: e.period_start),
            (_("Period end"), lambda e: e.period_end),
            (_("Fund"), lambda e: e.get_fund_kind_display()),
            (pgettext("fund", "Channel"), lambda e: e.get_channel_display()),
            (_("Total payroll"), lambda e: e.payroll),
            (_("Rate"), lambda e: e.rate),
            (_("Amount due"), lambda e: e.due),
            (_("Amount received"), lambda e: e.received),
            (_("Arrears"), lambda e: e.arrears),
            (_("Status"), lambda e: e.get_status_display()),
            (_("Arrears stage"), lambda e: e.get_arrears_stage_display()),
            (_("Deferred until"), lambda e: e.deferred_until),
        ]


class EntryMixin(ScopedPermissionMixin):
    """One entry from the user's scope: another township's is a 404."""

    selector = selectors.ledger_entry_detail_queryset

    @cached_property
    def entry(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)


class RefusedFormMixin:
    """A form the entry does not take now (not 工会直收, written off, paid) is refused when it
    opens as when it is sent: back to the entry with the reason."""

    def refusal(self) -> str | None:
        return None

    def refused(self):
        refusal = self.refusal()
        if refusal is None:
            return None
        messages.error(self.request, refusal)
        return redirect(self.entry)

    def get(self, request, *args, **kwargs):
        return self.refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refused() or super().post(request, *args, **kwargs)


class EntryDetailView(EntryMixin, DetailView):
    """Amounts, payments (source, reference, receipt, reversals), the approval, arrears, history."""

    permission_required = "dues.view_ledgerentry"
    template_name = "dues/ledger/entry_detail.html"
    context_object_name = "entry"

    def get_object(self, queryset=None):
        return self.entry

    def get_context_data(self, **kwargs):
        entry, user = self.entry, self.request.user
        may_relieve = user.has_perm("dues.approve_fund_relief") and entries.entry_relief_problem(entry) is None
        return super().get_context_data(
            payments=ledger_selectors.entry_payments(entry),
            arrears_actions=ledger_selectors.entry_arrears_actions(entry),
            history=ledger_selectors.entry_history(entry),
            rate_percent=percent_text(entry.rate),
            status_colour=STATUS_COLOURS.get(entry.status, "secondary"),
            may_edit=user.has_perm("dues.change_ledgerentry"),
            may_pay=user.has_perm("dues.add_payment") and receipts.direct_payment_problem(entry) is None,
            may_reverse=user.has_perm("dues.add_payment"),
            may_relieve=may_relieve,
            may_write_off=may_relieve,
            **kwargs,
        )


class LedgerFormView(ServiceFormMixin, FormView):
    template_name = "dues/ledger/form.html"
    form_title = ""
    form_intro = ""
    danger = False

    def get_context_data(self, **kwargs):
        return super().get_context_data(form_title=self.form_title, form_intro=self.form_intro, **kwargs)


class EntryCreateView(ScopedPermissionMixin, LedgerFormView):
    """A period's entry for an enterprise of the user's area; `?enterprise=<id>` fills it in."""

    permission_required = "dues.add_ledgerentry"
    selector = selectors.ledger_entry_list
    form_class = LedgerEntryForm
    form_title = gettext_lazy("Add a ledger entry")
    form_intro = gettext_lazy(
        "The channel and the fund (union fund or preparatory fund) follow the enterprise; "
        "the amount due is the rate times the payroll, to the cent."
    )
    success_message = gettext_lazy("Ledger entry saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = super().get_initial()
        enterprise_pk = int_param(self.request.GET.get("enterprise"))
        if enterprise_pk is not None:
            enterprise = ledger_selectors.ledger_enterprise_list(user=self.request.user).filter(pk=enterprise_pk)
            if enterprise.exists():
                initial["enterprise"] = enterprise_pk
        return initial

    def save(self, form):
        data = form.cleaned_data
        return entries.ledger_entry_create(
            data["enterprise"],
            start=data["period"],
            kind=data["period_kind"],
            payroll=data["payroll"],
            rate=form.rate(),
        )


class EntryUpdateView(EntryMixin, LedgerFormView):
    """The payroll and rate of an entry; the amount due and the status follow."""

    permission_required = "dues.change_ledgerentry"
    form_class = LedgerEntryPayrollForm
    form_title = gettext_lazy("Correct the payroll")
    success_message = gettext_lazy("Payroll saved; the amount due follows.")

    def get_initial(self):
        return {"payroll": self.entry.payroll, "rate_percent": percent_text(self.entry.rate)}

    def save(self, form):
        return entries.ledger_entry_payroll_set(self.entry, payroll=form.cleaned_data["payroll"], rate=form.rate())


class DirectPaymentView(EntryMixin, RefusedFormMixin, LedgerFormView):
    """工会直收: money paid to the union, recorded with the year's next receipt number."""

    permission_required = "dues.add_payment"
    form_class = DirectPaymentForm
    form_title = gettext_lazy("Record a payment to the union")
    form_intro = gettext_lazy("The receipt (工会经费收入专用收据) is numbered when the payment is saved.")
    success_message = gettext_lazy("Payment recorded. Print the receipt below.")

    def get_initial(self):
        return {"paid_on": timezone.localdate(), "amount": self.entry.arrears or None}

    def refusal(self):
        return receipts.direct_payment_problem(self.entry)

    def save(self, form):
        payment = receipts.direct_payment_record(self.entry, user=self.request.user, **form.cleaned_data)
        self.success_message = _("Payment recorded, receipt %(number)s. Print it below.") % {
            "number": payment.receipt_number
        }
        return payment.entry.get_absolute_url() + f"?receipt={payment.pk}#payments"


class ReceiptPrintView(ScopedPermissionMixin, DetailView):
    """工会经费收入专用收据 of one payment to the union, on half an A4 sheet (or A4)."""

    permission_required = "dues.view_payment"
    selector = ledger_selectors.payment_list
    template_name = "dues/ledger/receipt_print.html"
    context_object_name = "payment"

    def get_queryset(self):
        return super().get_queryset().exclude(receipt_number="").select_related("recorded_by__org_unit")

    def get_context_data(self, **kwargs):
        payment = self.object
        return super().get_context_data(
            entry=payment.entry,
            amount_in_capitals=receipts.amount_in_chinese_capitals(payment.amount),
            amount_in_figures=money(payment.amount),
            reversed=hasattr(payment, "reversed_by"),
            paper="a4" if self.request.GET.get("paper") == "a4" else "half",
            **kwargs,
        )


class PaymentMixin(ScopedPermissionMixin):
    selector = ledger_selectors.payment_list

    @cached_property
    def payment(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @property
    def entry(self):
        return self.payment.entry


class PaymentReverseView(PaymentMixin, LedgerFormView):
    """Undo a wrong payment by its opposite; the wrong one stays on the record."""

    permission_required = "dues.add_payment"
    form_class = PaymentReverseForm
    form_title = gettext_lazy("Reverse a payment")
    success_message = gettext_lazy("Payment reversed.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, payment=self.payment, **kwargs)

    def save(self, form):
        ledger.payment_reverse(
            self.payment, user=self.request.user, reason=form.cleaned_data["reason"], on=timezone.localdate()
        )
        return self.entry


class EntryDeferView(EntryMixin, RefusedFormMixin, LedgerFormView):
    """缓缴: an approved deferral until a date (county staff who approve fund relief)."""

    permission_required = "dues.approve_fund_relief"
    form_class = EntryDeferForm
    form_title = gettext_lazy("Approve a deferral")
    form_intro = gettext_lazy("No arrears reminders are sent for the entry until the date.")
    success_message = gettext_lazy("Deferral approved.")

    def refusal(self):
        return entries.entry_relief_problem(self.entry)

    def save(self, form):
        data = form.cleaned_data
        return ledger.entry_defer(
            self.entry, until=data["until"], reason=data["reason"], user=self.request.user, on=timezone.localdate()
        )


class EntryWriteOffView(EntryMixin, RefusedFormMixin, LedgerFormView):
    """核销: the arrears end (e.g. the enterprise was deregistered)."""

    permission_required = "dues.approve_fund_relief"
    form_class = EntryWriteOffForm
    form_title = gettext_lazy("Approve a write-off")
    form_intro = gettext_lazy("A written-off entry owes nothing more and leaves the arrears lists.")
    success_message = gettext_lazy("Write-off approved.")

    def refusal(self):
        return entries.entry_relief_problem(self.entry)

    def save(self, form):
        return ledger.entry_write_off(
            self.entry, reason=form.cleaned_data["reason"], user=self.request.user, on=timezone.localdate()
        )


class ChannelOverrideView(ScopedPermissionMixin, LedgerFormView):
    """The channel an enterprise pays by, when it is not what its kind says, with the reason."""

    permission_required = "dues.change_channeloverride"
    selector = ledger_selectors.ledger_enterprise_list
    form_class = ChannelOverrideForm
    form_title = gettext_lazy("Channel of the union fund")
    form_intro = gettext_lazy(
        "Entries already in the ledger keep the channel they were made with; new periods take this one."
    )
    success_message = gettext_lazy("Channel saved.")

    @cached_property
    def enterprise(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_initial(self):
        override = getattr(self.enterprise, "fund_channel", None)
        if override is None:
            return {}
        return {"channel": override.channel, "reason": override.reason}

    def get_context_data(self, **kwargs):
        from ..channels import channel_of, default_channel

        return super().get_context_data(
            enterprise=self.enterprise,
            current_channel=Channel(channel_of(self.enterprise)).label,
            default_channel=Channel(default_channel(self.enterprise)).label,
            **kwargs,
        )

    def save(self, form):
        data = form.cleaned_data
        channel_overrides.channel_override_set(
            self.enterprise, channel=data["channel"], reason=data["reason"], user=self.request.user
        )
        return self.enterprise
