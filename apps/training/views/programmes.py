"""The programme pages: the list, one programme, its create, edit and cancel forms, its sessions
and the townships' quotas. Views stay thin: the form, one service, a message, a redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, UpdateView

from apps.core.errors import ApplicationError
from apps.core.exports import XlsxExportMixin
from apps.core.mixins import ScopedListView, ScopedPermissionMixin, ServiceFormMixin, form_add_service_error

from .. import selectors, services
from ..choices import NominationStatus, ProgrammeKind, TargetGroup
from ..filters import ProgrammeFilter
from ..forms import CancelForm, ProgrammeForm, QuotaForm, SessionForm
from ..tables import ProgrammeTable


class ProgrammeListView(ScopedListView):
    """Newest first, with the places taken; a township's user sees their township's too."""

    permission_required = "training.view_programme"
    selector = selectors.programme_list
    table_class = ProgrammeTable
    filterset_class = ProgrammeFilter
    template_name = "training/programme_list.html"
    page_title = gettext_lazy("Training programmes")
    create_url = "training:programme_create"
    create_label = gettext_lazy("Open a programme")
    create_permission = "training.add_programme"
    export_url = "training:programme_export"

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "user": self.request.user}

    def get_table_kwargs(self):
        return {"township": selectors._user_township(self.request.user)}


class ProgrammeExportView(XlsxExportMixin, ProgrammeListView):
    """The programmes the list shows under the same filters, one line each (dates as Excel dates)."""

    export_filename = "training-programmes"

    @property
    def export_columns(self):
        return [
            (_("Year"), lambda p: p.year),
            (_("Batch"), lambda p: p.batch),
            (_("Programme"), lambda p: p.title),
            (_("Kind"), lambda p: p.get_kind_display()),
            (_("Organising unit"), lambda p: p.organiser.name),
            (_("Starts on"), lambda p: p.starts_on),
            (_("Ends on"), lambda p: p.ends_on),
            (_("Venue"), lambda p: p.venue),
            (_("Sign-up closes on"), lambda p: p.signup_closes_on),
            (_("Capacity"), lambda p: p.capacity),
            (_("Enrolled"), lambda p: p.enrolled),
            (_("Waiting list"), lambda p: p.waiting),
            (_("Completed"), lambda p: p.completed),
            (_("Sessions"), lambda p: p.session_count),
            (_("Status"), lambda p: p.get_status_display()),
        ]


class ProgrammeMixin(ScopedPermissionMixin):
    """One programme from the user's scope: another township's class is a 404."""

    selector = selectors.programme_list

    @cached_property
    def programme(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.programme, **kwargs)


class ProgrammeDetailView(ProgrammeMixin, DetailView):
    """Sessions, places per township, nominations by status (the waiting list in its order) and
    the buttons for what the user may do."""

    permission_required = "training.view_programme"
    selector = selectors.programme_detail_queryset
    template_name = "training/programme_detail.html"
    context_object_name = "programme"

    def get_object(self, queryset=None):
        return self.programme

    def get_context_data(self, **kwargs):
        programme, user = self.programme, self.request.user
        today = timezone.localdate()
        nominations = list(selectors.programme_nominations(user=user, programme=programme))
        manages = selectors.user_manages_programme(user, programme)
        sessions = list(programme.sessions.all())
        return super().get_context_data(
            today=today,
            sessions=sessions,
            target_groups=[str(TargetGroup(group).label) for group in programme.target_groups],
            total_hours=sum((s.hours for s in sessions), 0),
            places=selectors.programme_places(user=user, programme=programme)
            if programme.kind == ProgrammeKind.COUNTY_BATCH
            else [],
            enrolled_list=[n for n in nominations if n.status == NominationStatus.NOMINATED],
            waiting_list=[n for n in nominations if n.status == NominationStatus.WAITING],
            withdrawn_list=[n for n in nominations if n.status == NominationStatus.WITHDRAWN],
            manages=manages and not programme.is_cancelled,
            may_nominate=user.has_perm("training.add_nomination") and programme.signup_open_on(today),
            may_withdraw=user.has_perm("training.change_nomination") and not programme.is_cancelled,
            may_quota=manages
            and not programme.is_cancelled
            and programme.kind == ProgrammeKind.COUNTY_BATCH
            and user.has_perm("training.change_quota"),
            may_certify=manages and user.has_perm("training.add_certificate"),
            **kwargs,
        )


class ProgrammeCreateView(ScopedPermissionMixin, ServiceFormMixin, FormView):
    permission_required = "training.add_programme"
    selector = selectors.programme_list
    form_class = ProgrammeForm
    template_name = "training/programme_form.html"
    success_message = gettext_lazy("Programme opened. Add its sessions, and the townships' quotas for a county batch.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return services.programme_create(user=self.request.user, **form.service_arguments())


class ProgrammeUpdateView(ProgrammeMixin, ServiceFormMixin, UpdateView):
    permission_required = "training.change_programme"
    form_class = ProgrammeForm
    template_name = "training/programme_form.html"
    success_message = gettext_lazy("Programme saved.")

    def get_object(self, queryset=None):
        return self.programme

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def save(self, form):
        return services.programme_update(user=self.request.user, programme=self.programme, **form.service_arguments())


class ProgrammeCancelView(ProgrammeMixin, ServiceFormMixin, FormView):
    permission_required = "training.change_programme"
    form_class = CancelForm
    template_name = "training/programme_action_form.html"
    success_message = gettext_lazy("Programme cancelled. Its nominations and records are kept.")
    heading = gettext_lazy("Cancel the programme")

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def save(self, form):
        return services.programme_cancel(
            user=self.request.user, programme=self.programme, reason=form.cleaned_data["reason"]
        )


class SessionCreateView(ProgrammeMixin, ServiceFormMixin, FormView):
    permission_required = "training.add_session"
    form_class = SessionForm
    template_name = "training/programme_action_form.html"
    success_message = gettext_lazy("Session added.")
    heading = gettext_lazy("Add a session")

    def get_initial(self):
        return {"held_on": self.programme.starts_on}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def save(self, form):
        return services.session_add(user=self.request.user, programme=self.programme, **form.cleaned_data)


class SessionUpdateView(ScopedPermissionMixin, ServiceFormMixin, UpdateView):
    permission_required = "training.change_session"
    selector = selectors.session_list
    form_class = SessionForm
    template_name = "training/programme_action_form.html"
    success_message = gettext_lazy("Session saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(programme=self.object.programme, heading=_("Edit the session"), **kwargs)

    def save(self, form):
        return services.session_update(user=self.request.user, session=self.object, **form.cleaned_data)


class QuotaView(ProgrammeMixin, FormView):
    """名额分配: one number per township, saved in one transaction (one refusal: none saved)."""

    permission_required = "training.change_quota"
    form_class = QuotaForm
    template_name = "training/quota_form.html"

    @cached_property
    def rows(self):
        return selectors.programme_places(user=self.request.user, programme=self.programme)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rows": self.rows}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quota_total=sum(row["quota"] or 0 for row in self.rows), rows=self.rows, **kwargs
        )

    def form_valid(self, form):
        try:
            services.quotas_set(user=self.request.user, programme=self.programme, places=form.places())
        except (ApplicationError, ValidationError) as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Quotas saved."))
        return redirect(self.programme)
