"""Django admin for collective contracts: the rules as data, and the contracts read-only.

Administrators keep the reference data here: the bargaining rule profiles (集体协商规则: every
period and threshold of the clock, and which provinces or counties follow which), the local
minimum wages by year and area class, and which area class a unit belongs to. Their saves are
validated by the model (its constraints included, so a second default profile is a form error)
and recorded in the audit history as the admin user's.

A contract itself is started by the portal's request form (`contract_request`) and moves on
only through its step services, each writing the contract and a timeline step together: so
its clock, its status, its parties and its scope are read-only here. What `contract_update`
may change (the content: negotiators, term, wage clauses, working hours, protections, main
terms) is saved through `contract_update`, as the admin user. Steps, coverage rows and
documents are read-only and never deleted; a document's file is not shown here, only a link
to the portal's download (served only in scope).
"""

from django.contrib import admin
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin_mixins import NoDeleteAdminMixin, ScopedAdminMixin, ServiceAdminMixin
from apps.core.history import acting_user
from apps.core.services import model_update

from .models import (
    CONTRACT_DATE_FIELDS,
    Contract,
    ContractCoverage,
    ContractDocument,
    ContractImport,
    ContractStep,
    MinimumWage,
    RuleProfile,
    WageArea,
)
from .selectors.scoping import contract_in_scope_q, contract_list
from .services.steps import CONTENT_FIELDS

CLOCK_FIELDS = [
    "number",
    "kind",
    "scope",
    "status",
    "rule_profile",
    "union",
    "township",
    "enterprise",
    "workers_covered",
    "workers_covered_reason",
    "requested_by",
    *(name for name in CONTRACT_DATE_FIELDS if name not in ("term_start", "term_end")),
    "replaces",
    "closed_reason",
    "recorded_by",
    "created_at",
    "updated_at",
]


class ReferenceDataAdminMixin(ServiceAdminMixin, NoDeleteAdminMixin):
    """Reference data (rules, minimum wages): validated by the model, saved as the admin user.

    Rows that contracts point to are never deleted (a contract keeps its profile); a row no
    longer in use is simply left, or, for a profile, no longer assigned to any unit.
    """

    def service_create(self, request, data):
        many_to_many = {name: data.pop(name) for name in list(data) if self.model._meta.get_field(name).many_to_many}
        with transaction.atomic(), acting_user(request.user):
            obj = self.model(**data)
            obj.full_clean()
            obj.save()
            for name, value in many_to_many.items():
                getattr(obj, name).set(value)
        return obj

    def service_update(self, request, obj, data):
        obj, _changed = model_update(instance=obj, fields=list(data), data=data, user=request.user)
        return obj


@admin.register(RuleProfile)
class RuleProfileAdmin(ReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "document_number",
        "effective_from",
        "answer_days",
        "send_days",
        "review_days",
        "renewal_window_months",
        "term_range",
        "is_default",
    ]
    list_filter = ["is_default"]
    search_fields = ["name", "document_number"]
    autocomplete_fields = ["units"]
    fieldsets = [
        (
            None,
            {
                "fields": ["name", "document_number", "effective_from", "is_default", "units", "notes"],
                "description": _(
                    "A contract keeps the profile it was bargained under. Changing a number here changes "
                    "the dates computed from now on for the contracts of this profile; dates already "
                    "computed (answer due, to be sent by, review ends) stay. When a province adopts new "
                    "rules, add a new profile and assign it to its units: the new contracts follow it, "
                    "the existing ones keep theirs."
                ),
            },
        ),
        (
            _("Periods (days and months)"),
            {
                "fields": [
                    "answer_days",
                    "send_days",
                    "review_days",
                    "renewal_window_months",
                    "term_min_months",
                    "term_max_months",
                ]
            },
        ),
        (
            _("Workers' congress vote"),
            {
                "fields": [
                    ("quorum_numerator", "quorum_denominator"),
                    ("majority_numerator", "majority_denominator"),
                    "thresholds_inclusive",
                ]
            },
        ),
    ]

    @admin.display(description=_("usual term (months)"))
    def term_range(self, obj):
        return f"{obj.term_min_months}–{obj.term_max_months}"


@admin.register(WageArea)
class WageAreaAdmin(ReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ["unit", "area_class"]
    list_filter = ["area_class"]
    search_fields = ["unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]


@admin.register(MinimumWage)
class MinimumWageAdmin(ReferenceDataAdminMixin, admin.ModelAdmin):
    list_display = ["year", "area_class", "monthly", "hourly", "source"]
    list_filter = ["year", "area_class"]
    search_fields = ["source"]


# --- the contract and its rows, read-only ----------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StepInline(ReadOnlyInline):
    model = ContractStep
    fields = readonly_fields = [
        "happened_on",
        "kind",
        "party",
        "place",
        "vote_body",
        "voters_total",
        "voters_present",
        "votes_in_favour",
        "vote_passed",
        "note",
        "actor",
        "recorded_at",
    ]


class CoverageInline(ReadOnlyInline):
    model = ContractCoverage
    fields = readonly_fields = ["enterprise", "added_at"]


def document_download_link(document):
    """The portal's download of the document (scoped there), or a dash before its URL exists."""
    try:
        url = reverse("contracts:document_download", kwargs={"pk": document.contract_id, "document_pk": document.pk})
    except NoReverseMatch:
        return "—"
    return format_html('<a href="{}">{}</a>', url, _("Download"))


class DocumentInline(ReadOnlyInline):
    model = ContractDocument
    fields = readonly_fields = ["kind", "file_name", "content_type", "size", "uploaded_by", "uploaded_at", "download"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content").select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj):
        return document_download_link(obj)


@admin.register(Contract)
class ContractAdmin(ServiceAdminMixin, NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_selector = contract_list
    list_display = ["number", "kind", "scope", "union", "parties", "township", "status", "in_force_on", "term_end"]
    list_filter = ["kind", "scope", "status", ("township", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["number", "enterprise__name", "employer_representative", "union__name"]
    list_select_related = ["union", "township", "enterprise"]
    readonly_fields = CLOCK_FIELDS
    inlines = [StepInline, CoverageInline, DocumentInline]
    date_hierarchy = "requested_on"
    fieldsets = [
        (
            None,
            {
                "fields": ["number", "kind", "scope", "status", "rule_profile", "replaces"],
                "description": _(
                    "A contract starts with the bargaining request in the portal and moves on only through "
                    "its steps there: its clock, status and parties are read-only here. The content below "
                    "may be corrected."
                ),
            },
        ),
        (
            _("Parties"),
            {
                "fields": [
                    "union",
                    "township",
                    "enterprise",
                    "employer_representative",
                    "workers_negotiator",
                    "employer_negotiator",
                    "workers_covered",
                    "workers_covered_reason",
                ]
            },
        ),
        (
            _("Clock"),
            {
                "fields": [
                    "requested_by",
                    *(name for name in CONTRACT_DATE_FIELDS if name not in ("term_start", "term_end")),
                    "closed_reason",
                    "recorded_by",
                ]
            },
        ),
        (
            _("Content"),
            {
                "fields": [
                    "term_start",
                    "term_end",
                    "term_reason",
                    "wage_increase_percent",
                    "minimum_wage",
                    "working_hours",
                    "women_protections",
                    "main_terms",
                ]
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def has_add_permission(self, request):
        return False  # a contract starts with the bargaining request form (contract_request)

    def get_queryset(self, request):
        # Admin's change list skips list_select_related once the queryset selects anything: all here.
        return (
            super()
            .get_queryset(request)
            .select_related("union", "township", "enterprise", "rule_profile", "replaces", "recorded_by")
        )

    @admin.display(description=_("employer side"))
    def parties(self, obj):
        return obj.parties_label

    def service_update(self, request, obj, data):
        from .services import contract_update

        fields = {name: value for name, value in data.items() if name in CONTENT_FIELDS}
        return contract_update(user=request.user, contract=obj, **fields)


class ContractRowAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """A step, coverage row or document: written by the contract's services, read-only here."""

    list_select_related = ["contract"]
    raw_id_fields = ["contract"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def contract_steps_in_scope(*, user):
    return ContractStep.objects.filter(contract_in_scope_q(user, "contract__"))


def contract_coverage_in_scope(*, user):
    return ContractCoverage.objects.filter(contract_in_scope_q(user, "contract__"))


def contract_documents_in_scope(*, user):
    return ContractDocument.objects.filter(contract_in_scope_q(user, "contract__"))


@admin.register(ContractStep)
class ContractStepAdmin(ContractRowAdmin):
    scope_selector = contract_steps_in_scope
    list_display = ["happened_on", "kind", "contract", "party", "vote_passed", "actor", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["contract__number"]
    list_select_related = ["contract__enterprise", "actor"]
    date_hierarchy = "happened_on"


@admin.register(ContractCoverage)
class ContractCoverageAdmin(ContractRowAdmin):
    scope_selector = contract_coverage_in_scope
    list_display = ["contract", "enterprise", "added_at"]
    search_fields = ["contract__number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["contract__enterprise", "enterprise"]
    raw_id_fields = ["contract", "enterprise"]


@admin.register(ContractDocument)
class ContractDocumentAdmin(ContractRowAdmin):
    scope_selector = contract_documents_in_scope
    list_display = ["file_name", "kind", "contract", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["contract__number", "file_name"]
    list_select_related = ["contract__enterprise", "uploaded_by"]
    exclude = ["content"]
    readonly_fields = ["download"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    @admin.display(description=_("file"))
    def download(self, obj):
        return document_download_link(obj)


def contract_imports_in_scope(*, user):
    from .selectors import contract_import_list

    return contract_import_list(user=user)


@admin.register(ContractImport)
class ContractImportAdmin(NoDeleteAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The register imports and their results: read-only (the portal's import pages run them)."""

    scope_selector = contract_imports_in_scope
    list_display = ["file_name", "org_unit", "uploaded_by", "status", "total_rows", "created_at"]
    list_filter = ["status"]
    exclude = ["content", "report"]
    list_select_related = ["org_unit", "uploaded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
