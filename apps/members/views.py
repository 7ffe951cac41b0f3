from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, UpdateView

from apps.branches.selectors import user_oversees_townships
from apps.core import import_views
from apps.core.errors import ApplicationError
from apps.core.exports import XlsxExportMixin
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin
from apps.core.pagination import CappedCountPaginator

from . import imports, roster_template, selectors, services
from .choices import TransferStatus
from .filters import EnrolmentProblemFilter, MemberFilter
from .forms import (
    DecisionForm,
    MemberArchiveForm,
    MemberCreateForm,
    MemberIdCorrectionForm,
    MemberUpdateForm,
    RosterUploadForm,
    TransferForm,
    TransferInForm,
    TransferWithdrawForm,
)
from .tables import MemberTable


class MemberListView(ScopedListView):
    permission_required = "members.view_member"
    selector = selectors.member_list
    table_class = MemberTable
    filterset_class = MemberFilter
    page_title = gettext_lazy("Members")
    create_url = "members:member_create"
    create_label = gettext_lazy("Add a member")
    create_permission = "members.add_member"
    export_url = "members:member_export"
    export_full_permission = "members.export_full_mobile"
    export_full_label = gettext_lazy("Export with whole mobile numbers")
    # Name, card number, mobile or ID number: posted, kept in the session, a token in the URL.
    private_filters = ("q",)
    template_name = "members/member_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The roster (花名册) of the union the list is filtered by (a grassroots officer's own).
        filterset = context.get("filter")
        chosen = filterset.form.cleaned_data.get("union") if filterset is not None and filterset.is_valid() else None
        context["roster_print_union"] = chosen or selectors.user_own_union(self.request.user)
        return context


class MemberExportView(XlsxExportMixin, MemberListView):
    """Masked ID numbers always; whole mobiles only when asked for (full=1) and permitted."""

    export_filename = "members"
    export_sheet_title = gettext_lazy("Member roster")

    def export_queryset(self):
        return super().export_queryset().select_related("workplace")  # 工作单位, in the same query

    def get_export_columns(self):
        full_mobile = self.request.GET.get("full") == "1" and self.request.user.has_perm("members.export_full_mobile")
        return [
            (_("Name"), lambda m: m.real_name),
            (_("Member card number"), lambda m: m.card_number),
            (_("Citizen ID number"), lambda m: m.id_masked),
            (_("Sex"), lambda m: m.get_sex_display()),
            (_("Birth date"), lambda m: m.birth_date),
            (_("Mobile"), (lambda m: m.mobile) if full_mobile else (lambda m: m.mobile_masked)),
            (_("Union"), lambda m: m.union.name),
            ("工作单位", lambda m: m.workplace.name if m.workplace_id else ""),
            (_("Ethnicity"), lambda m: m.get_ethnicity_display()),
            (_("Education"), lambda m: m.get_education_display()),
            (_("Political status"), lambda m: m.get_political_status_display()),
            (_("Employment form"), lambda m: m.get_employment_form_display()),
            (_("Join date"), lambda m: m.join_date),
            (_("Status"), lambda m: m.get_status_display()),
            (_("Hardship"), lambda m: m.hardship),
        ]

    @property
    def export_columns(self):
        return self.get_export_columns()


class EnrolmentProblemListView(ScopedPermissionMixin, ListView):
    """入会率数据待核实: the unions whose members exceed their covered enterprises' employees, each
    with the members counted (a link to its member list, the numerator) and the employees each
    covered enterprise records (a link to edit it, the denominator)."""

    permission_required = "members.view_member"
    selector = selectors.enrolment_problem_list
    template_name = "members/enrolment_problems.html"
    context_object_name = "unions"
    paginate_by = 50
    paginator_class = CappedCountPaginator

    @cached_property
    def filterset(self):
        return EnrolmentProblemFilter(self.request.GET or None, user=self.request.user)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            return queryset.none()
        return self.filterset.filter_queryset(queryset) if self.filterset.is_bound else queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset,
            can_edit_enterprises=self.request.user.has_perm("branches.change_enterprise"),
            **kwargs,
        )


class MemberDetailView(ScopedPermissionMixin, DetailView):
    """Also the member of a transfer waiting for the user's side (member_viewable_list): shown
    to look at, without the buttons that change them, the reveal or the history."""

    permission_required = "members.view_member"
    selector = selectors.member_viewable_list
    template_name = "members/member_detail.html"
    context_object_name = "member"

    def get_context_data(self, **kwargs):
        member = self.object
        incoming_only = selectors.member_incoming_only(member, user=self.request.user)
        # One read of the transfers serves the list and the chain of unions (the page's budget).
        transfers = list(member.transfers.select_related("from_union", "to_union", "requested_by").order_by("-id"))
        history = [] if incoming_only else selectors.member_history(member, user=self.request.user)
        return super().get_context_data(
            incoming_only=incoming_only,
            enterprises=[] if incoming_only else selectors.member_union_enterprises(member, user=self.request.user),
            chain=selectors.membership_chain(member, transfers=transfers),
            transfers=transfers,
            history=history,
            # Read only when the history shows a correction (or may be cut short): the page's budget.
            id_corrections=services.member_id_corrections(member)
            if selectors.member_may_have_id_corrections(history)
            else [],
            **kwargs,
        )


class MemberCreateView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "members.add_member"
    selector = selectors.member_list
    form_class = MemberCreateForm
    template_name = "members/member_form.html"
    success_message = gettext_lazy("Member added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        data = dict(form.cleaned_data)
        try:
            # A lookup across the deployment like 办理会籍转入: the service records it and counts
            # it against the limit (which raises before anything is said about the number).
            return services.member_create(**data, user=self.request.user)
        except services.MemberAlreadyRegistered as exc:
            # Offer the transfer on the same page, as a form asking for a reason and a
            # confirmation (the ID number staying in the POST body, never in a URL).
            self.offer_transfer = True
            raise ApplicationError(exc.message) from exc

    def form_invalid(self, form):
        return self.render_to_response(
            self.get_context_data(form=form, offer_transfer=getattr(self, "offer_transfer", False))
        )


class MemberUpdateView(ScopedPermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "members.change_member"
    selector = selectors.member_list
    form_class = MemberUpdateForm
    template_name = "members/member_form.html"
    context_object_name = "member"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return services.member_update(user=self.request.user, member=self.get_object(), **form.cleaned_data)


class MemberActionMixin(ScopedPermissionMixin):
    selector = selectors.member_list
    template_name = "members/member_action_form.html"
    action_title = ""

    @cached_property
    def member(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.member, action_title=self.action_title, **kwargs)


class MemberArchiveView(MemberActionMixin, ServiceFormMixin, FormView):
    permission_required = "members.change_member"
    form_class = MemberArchiveForm
    action_title = gettext_lazy("End the membership")
    success_message = gettext_lazy("Archived. The record and its history are kept.")

    def save(self, form):
        return services.member_archive(user=self.request.user, member=self.member, **form.cleaned_data)


class MemberRevealView(MemberActionMixin, View):
    """POST only; the whole number is shown on this response alone, and the reveal is recorded."""

    permission_required = "members.reveal_id_number"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        number = services.member_reveal_id_number(user=request.user, member=self.member)
        response = render(request, "members/id_reveal.html", {"member": self.member, "number": number})
        response["Cache-Control"] = "no-store"
        return response


class MemberPrintView(ScopedPermissionMixin, DetailView):
    """会员登记表, A4 from the browser. The ID number is masked: a user who may reveal it prints
    the whole number from the form's button (MemberPrintWholeView), which records the reveal."""

    permission_required = "members.view_member"
    selector = selectors.member_list
    template_name = "members/member_print.html"
    context_object_name = "member"

    def get_queryset(self):
        return super().get_queryset().select_related("workplace")  # 工作单位, in the same query

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            id_number=self.object.id_masked,
            whole=False,
            **selectors.member_print_context(self.object, user=self.request.user),
            **kwargs,
        )


class MemberPrintWholeView(MemberActionMixin, View):
    """The registration form with the whole ID number: POST only, recorded like any reveal."""

    permission_required = "members.reveal_id_number"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        number = services.member_reveal_id_number(user=request.user, member=self.member)
        context = {"member": self.member, "id_number": number, "whole": True}
        context.update(selectors.member_print_context(self.member, user=request.user))
        response = render(request, "members/member_print.html", context)
        response["Cache-Control"] = "no-store"
        return response


class RosterPrintView(ScopedPermissionMixin, DetailView):
    """花名册 of one grassroots union, A4 landscape from the browser: its members who are not
    archived, in pages of ROSTER_PRINT_ROWS rows, ID numbers masked (as in the Excel export)."""

    permission_required = "members.view_member"
    selector = selectors.roster_print_unions
    template_name = "members/roster_print.html"
    context_object_name = "union"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            pages=selectors.roster_print_pages(union=self.object, user=user),
            full_mobile=user.has_perm("members.export_full_mobile"),
            printed_on=timezone.localdate(),
            **kwargs,
        )


class MemberIdCorrectionView(MemberActionMixin, ServiceFormMixin, FormView):
    """更正身份证号码 (county staff): the new number is checked, recorded in the history (masked)
    and in the reveal log with the reason. The old whole number is never shown here."""

    permission_required = services.CORRECTION_PERMISSION
    form_class = MemberIdCorrectionForm
    template_name = "members/member_id_correction.html"
    action_title = "更正身份证号码"
    success_message = "身份证号码已更正；出生日期和性别已按新号码更新，更正已记入变更记录。"

    def save(self, form):
        return services.member_correct_id_number(user=self.request.user, member=self.member, **form.cleaned_data)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"  # a refused form shows the typed number again
        return response


class TransferStartView(MemberActionMixin, ServiceFormMixin, FormView):
    """The releasing side sends a member to another union (any union of the deployment)."""

    permission_required = "members.add_membershiptransfer"
    form_class = TransferForm
    action_title = gettext_lazy("Transfer the membership")
    success_message = gettext_lazy("Transfer started.")

    def get_form_kwargs(self):
        # The same selector as the form's autocomplete (members:transfer_destination_autocomplete).
        unions = selectors.transfer_destination_list(user=self.request.user).exclude(pk=self.member.union_id)
        return {**super().get_form_kwargs(), "union_queryset": unions}

    def save(self, form):
        services.transfer_request(user=self.request.user, member=self.member, **form.cleaned_data)
        return self.member


class TransferInView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    """The receiving side asks for a member by the whole ID number (they cannot see them yet).

    A member outside the user's area is not moved: the releasing side (or the county) is
    asked, and the page says only that. GET shows the empty form; only a confirmed POST acts.
    """

    permission_required = "members.add_membershiptransfer"
    selector = selectors.member_list
    form_class = TransferInForm
    template_name = "members/transfer_in.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "confirm"}
        transfer, visible = services.transfer_in(user=self.request.user, **data)
        if transfer.status == TransferStatus.ACCEPTED:
            self.success_message = _("The membership was transferred in; join date and card number are kept.")
            return transfer.member
        self.success_message = services.TRANSFER_IN_REQUESTED
        return "members:transfer_list"


class TransferListView(ScopedPermissionMixin, ListView):
    permission_required = "members.view_membershiptransfer"
    selector = selectors.transfer_list
    template_name = "members/transfer_list.html"
    context_object_name = "transfers"
    paginate_by = 50
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        return super().get_queryset().select_related("member__union")  # whether the name links

    def get_context_data(self, **kwargs):
        user = self.request.user
        pending = list(selectors.transfer_pending_for(user=user).select_related("member__union"))
        context = super().get_context_data(pending=pending, oversees_townships=user_oversees_townships(user), **kwargs)
        may_start = user.has_perm("members.add_membershiptransfer")
        for transfer in context["transfers"]:
            transfer.can_cancel = may_start and services.transfer_may_cancel(user, transfer)
        for transfer in [*pending, *context["transfers"]]:
            transfer.member_visible = selectors.transfer_member_visible(transfer, user=user)
        return context


class TransferCancelView(ScopedPermissionMixin, View):
    """撤回: the side that started a pending transfer withdraws it, with an optional reason (POST only)."""

    permission_required = "members.add_membershiptransfer"
    selector = selectors.transfer_list
    http_method_names = ["post"]

    def post(self, request, pk):
        transfer = get_object_or_404(self.get_queryset(), pk=pk)
        form = TransferWithdrawForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("reason", [])) or _("Please check the form."))
            return redirect("members:transfer_list")
        try:
            services.transfer_cancel(user=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
            messages.success(request, "已撤回该会籍接转，会员已恢复为原工会的正常会员，已通知对方。")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("members:transfer_list")


class TransferDecisionView(ScopedPermissionMixin, View):
    permission_required = "members.change_membershiptransfer"
    selector = selectors.transfer_pending_for
    http_method_names = ["post"]

    def post(self, request, pk, decision):
        transfer = get_object_or_404(self.get_queryset(), pk=pk)
        form = DecisionForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            if decision == "accept":
                services.transfer_accept(user=request.user, transfer=transfer, note=note)
                messages.success(
                    request, _("Accepted: the member now belongs to %(union)s.") % {"union": transfer.to_union}
                )
            else:
                services.transfer_reject(user=request.user, transfer=transfer, note=note)
                messages.success(request, _("Refused."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("members:transfer_list")


# --- roster import (the core import pages, apps.core.import_views) ---------------------------------


class RosterImportViewMixin:
    permission_required = "members.add_member"
    selector = selectors.import_list
    importer = imports.ROSTER
    url_prefix = "members:import_"


class RosterUploadView(RosterImportViewMixin, import_views.ImportUploadView):
    form_class = RosterUploadForm
    template_name = "members/import_upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["file"].label = "花名册（.xlsx 或 .xls）"
        return form

    def start_fields(self, form):
        return {"union": form.cleaned_data["union"]}


class ImportDetailView(RosterImportViewMixin, import_views.ImportDetailView):
    template_name = "members/import_detail.html"
    context_object_name = "roster_import"

    def get_context_data(self, **kwargs):
        summary = self.object.summary or {}
        written = (summary.get("create") or 0) + (summary.get("update") or 0)
        return super().get_context_data(written=written, **kwargs)


class RosterTemplateView(ScopedPermissionMixin, View):
    """花名册模板: the accepted header row, an example row and a sheet explaining each column and
    the accepted code-list values (.xlsx). The same file for everyone who may import."""

    permission_required = "members.add_member"
    selector = selectors.import_list
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        from apps.core.exports import xlsx_download

        return xlsx_download(roster_template.roster_template_bytes(), "roster-template.xlsx")


class ImportProgressView(RosterImportViewMixin, import_views.ImportProgressView):
    pass


class ImportConfirmView(RosterImportViewMixin, import_views.ImportConfirmView):
    pass


class ImportRetryView(RosterImportViewMixin, import_views.ImportRetryView):
    pass


class ImportReportView(RosterImportViewMixin, import_views.ImportReportView):
    report_filename = "roster-report"
