"""Places: a township chair nominates a cadre (enrolled, or onto the waiting list) and withdraws
one (the waiting list moves up); the organiser's attendance, completion, scores and certificates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from apps.core.errors import ApplicationError
from apps.core.mixins import ScopedPermissionMixin, form_add_service_error

from .. import selectors, services
from ..choices import NominationStatus
from ..forms import AttendanceForm, NominationForm, ScoreForm, WithdrawForm
from .programmes import ProgrammeMixin


def nomination_message(nomination) -> str:
    if nomination.status == NominationStatus.WAITING:
        return _("%(name)s is on the waiting list: number %(position)s of the township.") % {
            "name": nomination.trainee_name,
            "position": nomination.waiting_position,
        }
    return _("%(name)s is enrolled.") % {"name": nomination.trainee_name}


class ServiceFormView(FormView):
    """form_valid calls `save(form)`; a refusal lands on the form, in Chinese, and nothing is written."""

    def save(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.save(form)
        except (ApplicationError, ValidationError) as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.success_target())

    def success_target(self):
        return self.programme


class NominationCreateView(ProgrammeMixin, ServiceFormView):
    permission_required = "training.add_nomination"
    form_class = NominationForm
    template_name = "training/nomination_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        township = selectors._user_township(self.request.user)
        places = None
        if township is not None:
            places = next(
                (
                    row
                    for row in selectors.programme_places(user=self.request.user, programme=self.programme)
                    if row["township"].pk == township.pk
                ),
                None,
            )
        return super().get_context_data(places=places, **kwargs)

    def save(self, form):
        nomination = services.nomination_create(
            user=self.request.user,
            programme=self.programme,
            officer=form.cleaned_data["officer"],
            member=form.cleaned_data["member"],
        )
        return nomination_message(nomination)

    def success_target(self):
        if "another" in self.request.POST:
            return self.request.path
        return self.programme


class NominationMixin(ScopedPermissionMixin):
    selector = selectors.nomination_list

    @cached_property
    def nomination(self):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @property
    def programme(self):
        return self.nomination.programme


class NominationWithdrawView(NominationMixin, ServiceFormView):
    permission_required = "training.change_nomination"
    form_class = WithdrawForm
    template_name = "training/programme_action_form.html"

    def get_context_data(self, **kwargs):
        heading = _("Withdraw %(name)s") % {"name": self.nomination.trainee_name}
        return super().get_context_data(programme=self.programme, heading=heading, **kwargs)

    def save(self, form):
        nomination, moved_up = services.nomination_withdraw(
            user=self.request.user, nomination=self.nomination, reason=form.cleaned_data["reason"]
        )
        message = _("%(name)s has withdrawn.") % {"name": nomination.trainee_name}
        if moved_up:
            message += " " + _("Moved up from the waiting list and now enrolled: %(names)s.") % {
                "names": "、".join(n.trainee_name for n in moved_up)
            }
        return message


class AttendanceView(ScopedPermissionMixin, ServiceFormView):
    """A session's sign-in list: every enrolled trainee with present and hours, one POST."""

    permission_required = "training.add_attendance"
    selector = selectors.session_list
    form_class = AttendanceForm
    template_name = "training/attendance_form.html"

    @cached_property
    def session(self):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @property
    def programme(self):
        return self.session.programme

    @cached_property
    def rows(self):
        return selectors.session_attendance(user=self.request.user, session=self.session)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "session": self.session, "rows": self.rows}

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, programme=self.programme, rows=self.rows, **kwargs)

    def save(self, form):
        services.attendance_record(user=self.request.user, session=self.session, entries=form.entries())
        return _("Attendance entered for %(count)s trainees.") % {"count": len(form.rows)}

    def success_target(self):
        return self.programme.get_absolute_url() + "#sessions"


class ScoreView(ProgrammeMixin, ServiceFormView):
    permission_required = "training.change_nomination"
    form_class = ScoreForm
    template_name = "training/programme_action_form.html"

    def get_form_kwargs(self):
        nominations = list(
            selectors.programme_nominations(
                user=self.request.user, programme=self.programme, status=NominationStatus.NOMINATED
            )
        )
        return {**super().get_form_kwargs(), "nominations": nominations}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Scores"), **kwargs)

    def save(self, form):
        changed = services.scores_set(user=self.request.user, programme=self.programme, scores=form.scores())
        return _("Scores saved: %(count)s changed.") % {"count": changed}


class ActionView(ScopedPermissionMixin, View):
    """A button (POST only): one service; its refusal is a message on the page it came from."""

    http_method_names = ["post"]

    def act(self) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            messages.success(request, self.act())
        except (ApplicationError, ValidationError) as exc:
            messages.error(request, exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages))
        return redirect(self.programme)


class CompletionAssessView(ProgrammeMixin, ActionView):
    """结业评定: each enrolled trainee's hours against the programme's rule."""

    permission_required = "training.change_nomination"

    def act(self):
        counts = services.completion_assess(user=self.request.user, programme=self.programme)
        return _("Completion assessed: %(completed)s completed, %(not_completed)s did not (of %(hours)s hours).") % {
            "completed": counts["completed"],
            "not_completed": counts["not_completed"],
            "hours": counts["total_hours"],
        }


class CertificatesIssueView(ProgrammeMixin, ActionView):
    permission_required = "training.add_certificate"

    def act(self):
        issued = services.certificates_issue(user=self.request.user, programme=self.programme)
        return _("%(count)s certificates issued.") % {"count": len(issued)}


class CertificateIssueView(NominationMixin, ActionView):
    permission_required = "training.add_certificate"

    def act(self):
        certificate = services.certificate_issue(user=self.request.user, nomination=self.nomination)
        return _("Certificate %(number)s issued to %(name)s.") % {
            "number": certificate.number,
            "name": self.nomination.trainee_name,
        }
