from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView, UpdateView

from apps.core.errors import ApplicationError
from apps.core.exports import XlsxExportMixin
from apps.core.forms import int_param
from apps.core.history import object_history
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin, form_add_service_error
from apps.core.panels import panel_select_related
from apps.core.replica import ReadsFromReplicaMixin

from . import selectors, services
from .choices import GRASSROOTS_KINDS, OfficerPosition, OrgUnitKind, SubCommitteeKind, UnionStatus
from .compliance import compliance_findings
from .filters import EnterpriseFilter, MeetingFilter, OrgUnitFilter, UnionFilter
from .forms import (
    ApproveForm,
    ArchiveForm,
    ElectedOfficerFormSet,
    ElectionForm,
    EnterpriseForm,
    MeetingForm,
    OfficerForm,
    OrgUnitChildForm,
    OrgUnitForm,
    RatingForm,
    ReasonForm,
    SubCommitteeForm,
    UnionRegisterForm,
)
from .tables import EnterpriseTable, MeetingTable, OrgUnitTable, UnionTable


def _yes_no(value):
    return _("Yes") if value else _("No")


# --- org tree ---------------------------------------------------------------------------


class OrgUnitListView(ScopedListView):
    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    table_class = OrgUnitTable
    filterset_class = OrgUnitFilter
    # Its search in the session behind a token, as the member list's: the header search's "查看全部".
    private_filters = ("q",)
    page_title = gettext_lazy("Union organisations")
    export_url = "branches:orgunit_export"

    def get_table_kwargs(self):
        # Indent relative to the user's own unit, so a township chair's list starts at the left.
        own_unit = self.request.user.org_unit
        return {"base_depth": own_unit.depth if own_unit else 1}


class OrgUnitExportView(XlsxExportMixin, ScopedListView):
    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    filterset_class = OrgUnitFilter
    # Its search in the session behind a token, as the member list's: the header search's "查看全部".
    private_filters = ("q",)
    export_filename = "orgunits"
    export_sheet_title = gettext_lazy("Union organisations")
    export_columns = [
        (gettext_lazy("Name"), lambda u: u.name),
        (gettext_lazy("Kind"), lambda u: u.get_kind_display()),
        (gettext_lazy("Unit code"), lambda u: u.code),
        (gettext_lazy("Level"), lambda u: u.depth),
        (gettext_lazy("Active"), lambda u: _yes_no(u.is_active)),
    ]


class OrgUnitDetailView(ScopedPermissionMixin, DetailView):
    """A unit's page; for a grassroots union also its approval, term, committees and meetings."""

    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    template_name = "branches/orgunit_detail.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        unit = self.object
        ancestors, children = selectors.orgunit_neighbourhood(user=user, unit=unit)
        context.update(
            ancestors=ancestors,
            children=children,
            history=object_history(unit),
            can_add_child=bool(CHILD_KINDS_BY_FORM.get(unit.kind)) and user.has_perm("branches.add_orgunit"),
            can_decide=unit.is_grassroots and services.union_may_decide(user=user, union=unit),
            meetings=selectors.meeting_list(user=user).filter(org_unit=unit)[:20],
            ratings=selectors.rating_list(user=user).filter(org_unit=unit),
        )
        officers = sorted(selectors.officer_list(user=user).filter(union=unit), key=_officer_rank)
        former = sorted((o for o in officers if not o.in_post), key=lambda o: o.ended_on, reverse=True)
        context.update(officers=[o for o in officers if o.in_post], former_officers=former)
        if unit.is_grassroots:
            subcommittees = list(selectors.subcommittee_list(user=user).filter(union=unit))
            have = {s.kind for s in subcommittees}

            context.update(
                elections=selectors.election_list(user=user).filter(union=unit)[:10],
                has_approval=unit.status == UnionStatus.APPROVED and bool(unit.approval_number),
                subcommittees=subcommittees,
                missing_subcommittees=selectors.subcommittees_missing(unit, kinds_present=have),
                subcommittees_free=[k for k in SubCommitteeKind if k not in have],
                covered_enterprises=selectors.enterprise_list(user=user).filter(union=unit),
            )
        return context


# Officers as a union lists them: the chair first, then vice-chairs, members, organiser, cadres.
POSITION_ORDER = {position: rank for rank, position in enumerate(OfficerPosition)}


def _officer_rank(officer):
    return (POSITION_ORDER.get(officer.position, len(POSITION_ORDER)), officer.term_start, officer.name)


# Kinds the generic "add a unit under it" form creates; grassroots unions are registered
# through UnionRegisterView, with the formation rules and approval.
CHILD_KINDS_BY_FORM = {
    parent: kinds - GRASSROOTS_KINDS
    for parent, kinds in services.ALLOWED_CHILD_KINDS.items()
    if kinds - GRASSROOTS_KINDS
}


class OrgUnitUpdateView(ScopedPermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "branches.change_orgunit"
    selector = selectors.orgunit_list
    form_class = OrgUnitForm
    template_name = "branches/orgunit_form.html"
    context_object_name = "unit"

    def save(self, form):
        return services.orgunit_update(
            user=self.request.user, unit=self.object, **{f: form.cleaned_data[f] for f in form.Meta.fields}
        )


class UnitActionMixin(ScopedPermissionMixin):
    """Views that act on one org unit in the user's scope (URL `pk`)."""

    selector = selectors.orgunit_list
    template_name = "branches/unit_action_form.html"
    action_title = ""

    @cached_property
    def unit(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, action_title=self.action_title, **kwargs)


class OrgUnitChildCreateView(UnitActionMixin, ServiceFormMixin, FormView):
    """Add a township (or a level above) under a unit the user can see."""

    permission_required = "branches.add_orgunit"
    form_class = OrgUnitChildForm
    action_title = gettext_lazy("Add a unit under it")

    def get_form_kwargs(self):
        kinds = CHILD_KINDS_BY_FORM.get(self.unit.kind)
        if not kinds:
            raise Http404
        return {**super().get_form_kwargs(), "allowed_kinds": sorted(kinds)}

    def save(self, form):
        return services.orgunit_create(user=self.request.user, parent=self.unit, **form.cleaned_data)


# --- grassroots unions ----------------------------------------------------------------------


class UnionListView(ScopedListView):
    permission_required = "branches.view_orgunit"
    selector = selectors.union_list
    table_class = UnionTable
    filterset_class = UnionFilter
    # Its search in the session behind a token, as the member list's: the header search's "查看全部".
    private_filters = ("q",)
    page_title = gettext_lazy("Grassroots unions")
    create_url = "branches:union_register"
    create_label = gettext_lazy("Register a union")
    create_permission = "branches.add_orgunit"
    export_url = "branches:union_export"


class UnionExportView(XlsxExportMixin, UnionListView):
    export_filename = "unions"
    export_columns = [
        (gettext_lazy("Name"), lambda u: u.name),
        (gettext_lazy("Township"), lambda u: u.township_name),
        (gettext_lazy("Kind"), lambda u: u.get_kind_display()),
        (gettext_lazy("Approval status"), lambda u: u.get_status_display()),
        (gettext_lazy("Form of organisation"), lambda u: u.get_formation_form_display()),
        (gettext_lazy("Members"), lambda u: u.declared_members),
        (gettext_lazy("Enterprises covered"), lambda u: u.enterprise_count),
        (gettext_lazy("Term ends"), lambda u: u.term_end),
    ]


class UnionRegisterView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.add_orgunit"
    selector = selectors.orgunit_list
    form_class = UnionRegisterForm
    template_name = "branches/union_form.html"
    success_message = gettext_lazy("The union is registered and waits for the county's approval.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        own = self.request.user.org_unit
        initial = {"township": own if own and own.kind == OrgUnitKind.TOWNSHIP else None, "term_years": 5}
        # 为该企业建会: from an enterprise's page, that enterprise (unionless, in the user's area).
        enterprise_pk = int_param(self.request.GET.get("enterprise"))
        if enterprise_pk is not None:
            enterprise = (
                selectors.enterprise_list(user=self.request.user)
                .filter(pk=enterprise_pk, union__isnull=True, archived_at__isnull=True)
                .first()
            )
            if enterprise is not None:
                initial.update(
                    township=enterprise.township,
                    enterprises=[enterprise],
                    name=f"{enterprise.name}工会",
                    kind=OrgUnitKind.ENTERPRISE,
                )
        return initial

    def save(self, form):
        return services.union_register(user=self.request.user, **form.cleaned_data)


class UnionApproveView(UnitActionMixin, ServiceFormMixin, FormView):
    """工会成立批复: the opinion (prefilled) and the document number (empty: numbered automatically)."""

    permission_required = "branches.approve_union"
    form_class = ApproveForm
    action_title = gettext_lazy("Approve")
    success_message = gettext_lazy("Approved; the township is notified.")

    def get(self, request, *args, **kwargs):
        # Decided already, or not this user's to decide: the union's page says so, not a form.
        refusal = services.union_decision_refusal(user=request.user, union=self.unit)
        if refusal:
            messages.error(request, refusal)
            return redirect(self.unit)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        pattern = services.unions.approval_number_format(year=timezone.localdate().year, number="N")
        return {**super().get_form_kwargs(), "example_number": pattern}

    def get_initial(self):
        return {"opinion": services.approval_opinion_default(self.unit)}

    def save(self, form):
        return services.union_approve(
            user=self.request.user,
            union=self.unit,
            opinion=form.cleaned_data["opinion"],
            number=form.cleaned_data["approval_number"],
        )


class UnionApprovalPrintView(UnitActionMixin, DetailView):
    """The printable A4 工会成立批复 of an approved union (browser print), for whoever sees the union."""

    permission_required = "branches.view_orgunit"
    template_name = "branches/union_approval_print.html"
    context_object_name = "unit"

    def get_object(self, queryset=None):
        if not self.unit.is_grassroots or self.unit.status != UnionStatus.APPROVED or not self.unit.approval_number:
            raise Http404
        return self.unit

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Addressed to the township that registered it, signed by the level that approves (the
        # county union), whoever approved or prints it.
        township, approver = selectors.union_approval_parties(self.object)
        context.update(township=township, approver_unit=approver)
        return context


class UnionRejectView(UnitActionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.approve_union"
    form_class = ReasonForm
    action_title = gettext_lazy("Do not approve")
    success_message = gettext_lazy("Not approved; the union is archived and its enterprises are free again.")

    def save(self, form):
        return services.union_reject(user=self.request.user, union=self.unit, reason=form.cleaned_data["reason"])


class UnionArchiveView(UnitActionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.change_orgunit"
    form_class = ReasonForm
    action_title = gettext_lazy("Archive")
    success_message = gettext_lazy("Archived.")

    def save(self, form):
        return services.union_archive(user=self.request.user, union=self.unit, reason=form.cleaned_data["reason"])


class UnionElectionView(UnitActionMixin, FormView):
    """换届: the new term, the result and the committee elected (a formset), one service call."""

    permission_required = "branches.change_orgunit"
    form_class = ElectionForm
    template_name = "branches/election_form.html"
    action_title = gettext_lazy("Record an election")
    # Empty rows offered below the committee in post (or below nothing, for a first election).
    blank_rows = 5

    def get_initial(self):
        heads = {
            s.kind: s.head_name for s in selectors.subcommittee_list(user=self.request.user).filter(union=self.unit)
        }
        return {
            "term_years": self.unit.term_years or 5,
            "fund_audit_head": heads.get(SubCommitteeKind.FUND_AUDIT, ""),
            "women_head": heads.get(SubCommitteeKind.WOMEN, ""),
        }

    @cached_property
    def officer_formset(self):
        if self.request.method == "POST":
            return ElectedOfficerFormSet(self.request.POST, prefix="officers")
        in_post = sorted(
            selectors.officer_list(user=self.request.user).filter(
                union=self.unit, ended_on__isnull=True, position__in=services.unions.ELECTED_POSITIONS
            ),
            key=_officer_rank,
        )
        rows = [{"name": o.name, "position": o.position, "concurrent_post": o.concurrent_post} for o in in_post]
        rows += [{} for _ in range(self.blank_rows)]
        formset = ElectedOfficerFormSet(prefix="officers", initial=rows)
        formset.extra = 0
        return formset

    def get_context_data(self, **kwargs):
        return super().get_context_data(formset=self.officer_formset, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.officer_formset
        if not (form.is_valid() and formset.is_valid()):
            return self.form_invalid(form)
        data = form.cleaned_data
        try:
            services.union_election_record(
                user=request.user,
                union=self.unit,
                term_start=data["term_start"],
                term_years=data["term_years"],
                result=data["result"],
                officers=[row for row in formset.cleaned_data if row],
                subcommittee_heads={
                    SubCommitteeKind.FUND_AUDIT: data["fund_audit_head"],
                    SubCommitteeKind.WOMEN: data["women_head"],
                },
            )
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(request, _("Election recorded; the new committee is in post."))
        return redirect(self.unit)


class SubCommitteeAddView(UnitActionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.add_subcommittee"
    form_class = SubCommitteeForm
    action_title = gettext_lazy("Add a sub-committee")

    def save(self, form):
        services.subcommittee_add(user=self.request.user, union=self.unit, **form.cleaned_data)
        return self.unit


class OfficerAddView(UnitActionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.add_officer"
    form_class = OfficerForm
    action_title = gettext_lazy("Add an officer")

    def save(self, form):
        services.officer_add(user=self.request.user, union=self.unit, **form.cleaned_data)
        return self.unit


class MeetingRecordView(UnitActionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.add_meeting"
    form_class = MeetingForm
    action_title = gettext_lazy("Record a meeting")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "unit": self.unit, "user": self.request.user}

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def save(self, form):
        services.meeting_record(user=self.request.user, org_unit=self.unit, **form.cleaned_data)
        return self.unit


class RatingRecordView(UnitActionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.add_rating"
    form_class = RatingForm
    action_title = gettext_lazy("Record a title")

    def get_initial(self):
        return {"year": timezone.localdate().year}

    def save(self, form):
        services.rating_record(user=self.request.user, org_unit=self.unit, **form.cleaned_data)
        return self.unit


# --- enterprises ----------------------------------------------------------------------------


class EnterpriseListView(ScopedListView):
    permission_required = "branches.view_enterprise"
    selector = selectors.enterprise_list
    table_class = EnterpriseTable
    filterset_class = EnterpriseFilter
    # Its search in the session behind a token, as the member list's: the header search's "查看全部".
    private_filters = ("q",)
    page_title = gettext_lazy("Enterprises")
    create_url = "branches:enterprise_create"
    create_label = gettext_lazy("Register an enterprise")
    create_permission = "branches.add_enterprise"
    export_url = "branches:enterprise_export"


class EnterpriseExportView(XlsxExportMixin, EnterpriseListView):
    export_filename = "enterprises"
    export_columns = [
        (gettext_lazy("Name"), lambda e: e.name),
        (gettext_lazy("Unified social credit code"), lambda e: e.credit_code),
        (gettext_lazy("Township"), lambda e: e.township.name),
        (gettext_lazy("Ownership"), lambda e: e.get_ownership_display()),
        (gettext_lazy("County-direct unit"), lambda e: _yes_no(e.is_county_direct)),
        (gettext_lazy("Employees"), lambda e: e.employee_count),
        (gettext_lazy("Covering union"), lambda e: e.union.name if e.union else ""),
    ]


class EnterpriseDetailView(ScopedPermissionMixin, DetailView):
    permission_required = "branches.view_enterprise"
    selector = selectors.enterprise_list
    template_name = "branches/enterprise_detail.html"
    context_object_name = "enterprise"

    def get_queryset(self):
        # With the relations the page's panels read on it (apps.core.panels), in the one query.
        return super().get_queryset().select_related(*panel_select_related("enterprise_detail"))

    def get_context_data(self, **kwargs):
        user = self.request.user
        meetings = selectors.meeting_list(user=user).filter(enterprise=self.object)[:20]
        # 为该企业建会: a unionless enterprise, for a user who registers unions in its township.
        enterprise = self.object
        can_register_union = (
            enterprise.union_id is None
            and enterprise.archived_at is None
            and user.has_perm("branches.add_orgunit")
            and selectors.orgunit_list(user=user).filter(pk=enterprise.township_id).exists()
        )
        return super().get_context_data(
            history=object_history(enterprise), meetings=meetings, can_register_union=can_register_union, **kwargs
        )


class EnterpriseFormMixin(ServiceFormMixin):
    form_class = EnterpriseForm
    template_name = "branches/enterprise_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class EnterpriseCreateView(ScopedPermissionMixin, EnterpriseFormMixin, FormView):
    permission_required = "branches.add_enterprise"
    selector = selectors.enterprise_list

    def save(self, form):
        return services.enterprise_register(user=self.request.user, **form.cleaned_data)


class EnterpriseUpdateView(ScopedPermissionMixin, EnterpriseFormMixin, UpdateView):
    permission_required = "branches.change_enterprise"
    selector = selectors.enterprise_list
    context_object_name = "enterprise"

    def save(self, form):
        data = dict(form.cleaned_data)
        return services.enterprise_update(
            user=self.request.user,
            enterprise=self.get_object(),
            confirm_pilot_code=data.pop("confirm_pilot_code", False),
            **data,
        )


class EnterpriseArchiveView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "branches.change_enterprise"
    selector = selectors.enterprise_list
    form_class = ArchiveForm
    template_name = "branches/enterprise_form.html"
    success_message = gettext_lazy("Archived.")

    @cached_property
    def enterprise(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(enterprise=self.enterprise, archiving=True, **kwargs)

    def save(self, form):
        return services.enterprise_archive(
            user=self.request.user, enterprise=self.enterprise, reason=form.cleaned_data["reason"]
        )


# --- meetings, formation rate, compliance -----------------------------------------------------


class MeetingListView(ScopedListView):
    permission_required = "branches.view_meeting"
    selector = selectors.meeting_list
    table_class = MeetingTable
    filterset_class = MeetingFilter
    page_title = gettext_lazy("Meetings")
    export_url = "branches:meeting_export"


class MeetingExportView(XlsxExportMixin, MeetingListView):
    export_filename = "meetings"
    export_columns = [
        (gettext_lazy("Held on"), lambda m: m.held_on),
        (gettext_lazy("Subject"), lambda m: m.title),
        (gettext_lazy("Kind"), lambda m: m.get_kind_display()),
        (gettext_lazy("Held by"), lambda m: m.org_unit.name),
        (gettext_lazy("Enterprise"), lambda m: m.enterprise.name if m.enterprise else ""),
        (gettext_lazy("Attendees"), lambda m: m.attendees),
    ]


class FormationRateView(ReadsFromReplicaMixin, ScopedPermissionMixin, TemplateView):
    """工会组建率 per township, each linked to its list of enterprises without a union."""

    permission_required = "branches.view_enterprise"
    selector = selectors.orgunit_list
    template_name = "branches/formation_rate.html"

    def get_context_data(self, **kwargs):
        from django.conf import settings

        rows = selectors.formation_rate_by_township(user=self.request.user)
        total = sum(r["total"] for r in rows)
        unionised = sum(r["unionised"] for r in rows)
        return super().get_context_data(
            rows=rows,
            total=total,
            unionised=unionised,
            pending=sum(r["pending"] for r in rows),
            rate=(unionised / total) if total else None,
            min_employees=settings.FORMATION_RATE_MIN_EMPLOYEES,
            **kwargs,
        )


class ComplianceView(ScopedPermissionMixin, TemplateView):
    """What the yearly rhythm is missing in the user's area, as of today."""

    permission_required = "branches.view_orgunit"
    selector = selectors.orgunit_list
    template_name = "branches/compliance.html"

    def get_context_data(self, **kwargs):
        findings = compliance_findings(user=self.request.user, today=timezone.localdate())
        return super().get_context_data(findings=findings, **kwargs)
