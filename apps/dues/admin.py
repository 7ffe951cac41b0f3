"""Django admin for union funds and dues: the county's tables editable, the records read-only.

The share-out rates (分成比例) and the small-enterprise refund rules (小微企业返还) are the county's
reference tables: administrators keep them here, validated by the model (its constraints
included) and saved as the admin user, in the audit history. Everything else is written by the
portal's services, each with its rule and its transaction (a payment recomputes its entry, a
reversal names the payment it reverses, a branch's dues sheet is saved whole): the ledger, the
payments, the arrears actions, the channel overrides, the members' dues and the tax statements
are listed read-only here, in the user's scope, and nothing of the app is ever deleted.
"""

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.branches.selectors import user_oversees_townships, user_scope_path
from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin, ServiceAdminMixin
from apps.core.history import acting_user
from apps.core.services import model_update

from .models import (
    ArrearsAction,
    ChannelOverride,
    DuesRecord,
    LedgerEntry,
    Payment,
    RefundRule,
    ShareRate,
    TaxStatementImport,
)
from .selectors.memberdues import dues_record_list
from .selectors.scoping import entry_in_scope_q, ledger_entry_list


class CountyTableAdminMixin(ServiceAdminMixin, NoDeleteAdminMixin):
    """A county reference table: validated by the model, saved as the admin user, never deleted
    (a year's rates stay what the share-out of that year was computed with)."""

    def service_create(self, request, data):
        with transaction.atomic(), acting_user(request.user):
            obj = self.model(**data)
            obj.full_clean()
            obj.save()
        return obj

    def service_update(self, request, obj, data):
        obj, _changed = model_update(instance=obj, fields=list(data), data=data, user=request.user)
        return obj


@admin.register(ShareRate)
class ShareRateAdmin(CountyTableAdminMixin, admin.ModelAdmin):
    list_display = ["year", "flow", "level", "unit", "share"]
    list_filter = ["year", "flow", "level"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(RefundRule)
class RefundRuleAdmin(CountyTableAdminMixin, admin.ModelAdmin):
    list_display = ["year", "basis", "max_employees", "max_yearly_amount", "share", "cap", "document"]
    list_filter = ["basis"]
    search_fields = ["document"]


# --- written by the portal's services: read-only here -----------------------------------------------


class ReadOnlyAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Rows the services write: listed and opened in scope, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}  # no bulk action: the only one Django offers deletes


def payments_in_scope(*, user):
    return Payment.objects.filter(entry_in_scope_q(user, "entry__"))


def arrears_actions_in_scope(*, user):
    return ArrearsAction.objects.filter(entry_in_scope_q(user, "entry__"))


def channel_overrides_in_scope(*, user):
    # An override hangs on its enterprise as an entry does: the same Q, without a relation.
    return ChannelOverride.objects.filter(entry_in_scope_q(user))


def tax_statements_in_scope(*, user):
    """The county's tax statements: for the county (and whoever imports them), nobody below."""
    if user_scope_path(user) is None:
        return TaxStatementImport.objects.none()
    if user.has_perm("dues.manage_funds") or user_oversees_townships(user):
        return TaxStatementImport.objects.all()
    return TaxStatementImport.objects.none()


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    scope_selector = ledger_entry_list
    list_display = ["enterprise", "period_label", "fund_kind", "channel", "payroll", "due", "received", "status"]
    list_filter = ["status", "channel", "fund_kind", "period_kind"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    date_hierarchy = "period_start"

    @admin.display(description=_("period"), ordering="period_start")
    def period_label(self, obj):
        return obj.period_label


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    scope_selector = payments_in_scope
    list_display = ["paid_on", "entry", "amount", "channel", "source", "reference", "is_refund", "receipt_number"]
    list_filter = ["source", "channel", "is_refund"]
    search_fields = ["entry__enterprise__name", "reference", "receipt_number"]
    list_select_related = ["entry__enterprise"]
    date_hierarchy = "paid_on"


@admin.register(ArrearsAction)
class ArrearsActionAdmin(ReadOnlyAdmin):
    scope_selector = arrears_actions_in_scope
    list_display = ["done_on", "entry", "stage", "delivery", "court", "recorded_by"]
    list_filter = ["stage", "delivery"]
    search_fields = ["entry__enterprise__name"]
    list_select_related = ["entry__enterprise", "recorded_by"]


@admin.register(ChannelOverride)
class ChannelOverrideAdmin(ReadOnlyAdmin):
    scope_selector = channel_overrides_in_scope
    list_display = ["enterprise", "channel", "reason", "set_by", "updated_at"]
    list_filter = ["channel"]
    search_fields = ["enterprise__name"]
    list_select_related = ["enterprise", "set_by"]


@admin.register(DuesRecord)
class DuesRecordAdmin(ReadOnlyAdmin):
    scope_selector = dues_record_list
    list_display = ["month_label", "member_name", "union", "basic_wage", "due", "collected", "exemption"]
    list_filter = ["exemption"]
    search_fields = ["union__name"]
    list_select_related = ["member", "union"]
    date_hierarchy = "month"

    def get_queryset(self, request):
        # The member's encrypted ID number is not decrypted for the list.
        return super().get_queryset(request).defer("member__id_number")

    @admin.display(description=_("month"), ordering="month")
    def month_label(self, obj):
        return f"{obj.month.year}年{obj.month.month}月"

    @admin.display(description=_("member"), ordering="member__real_name")
    def member_name(self, obj):
        return obj.member.real_name


@admin.register(TaxStatementImport)
class TaxStatementImportAdmin(ReadOnlyAdmin):
    """The uploaded statements and their results (the portal's statement pages import them)."""

    scope_selector = tax_statements_in_scope
    list_display = ["file_name", "period_start", "period_end", "uploaded_by", "status", "total_rows", "created_at"]
    list_filter = ["status"]
    exclude = ["content", "report"]
    list_select_related = ["uploaded_by"]
