"""The step forms of a contract's clock, its documents and the 报送 cover sheet's print.

Each step form opens only when `services.contract_step_refusal` allows the step (the same rule
the detail page's buttons follow); otherwise the page shows the refusal and no form, for a GET
as for a POST. The contract comes from the scoped selector, so another township's is a 404. A
form parses; the service decides (its refusal lands on the form); the page shows what the clock
says for this step.
"""

import datetime
import re
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import DetailView, FormView

from apps.core.errors import ApplicationError
from apps.core.mixins import ScopedPermissionMixin, ServiceFormMixin, form_add_service_error
from apps.core.uploads import read_upload

from .. import clock, selectors, services
from ..choices import ContractStatus, StepKind, VoteBody
from ..models import ContractDocument
from ..rules import NATIONAL_RULES
from ..step_forms import (
    REVIEW_OUTCOMES,
    AnswerForm,
    CloseForm,
    DocumentForm,
    MeetingForm,
    RenewForm,
    ReviewForm,
    SendForm,
    SignForm,
    VoteForm,
)

# What each content type a document may have is saved as (the name's own extension is not trusted).
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class ContractMixin(ScopedPermissionMixin):
    selector = selectors.contract_detail_queryset

    @cached_property
    def contract(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


# --- what the clock says ------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 36 → 三十六, 47 → 四十七 (articles and fractions; up to 99)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    if tens > 9:
        return str(n)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def fraction_label(numerator: int, denominator: int, *, inclusive: bool) -> str:
    """A rule's fraction as the regulation writes it: 三分之二以上, 半数以上 (or 超过三分之二)."""
    if numerator * 2 == denominator:
        words = "半数"
    elif denominator <= 99:
        words = f"{_cn_number(denominator)}分之{_cn_number(numerator)}"
    else:
        words = f"{numerator}/{denominator}"
    return f"{words}以上" if inclusive else f"超过{words}"


def minimum_count(total: int, numerator: int, denominator: int, *, inclusive: bool) -> int:
    """The fewest people out of `total` that reach the fraction (clock.at_least in reverse)."""
    if inclusive:
        return -(-total * numerator // denominator)
    return total * numerator // denominator + 1


def rule_source(profile, article: int) -> str:
    """Where a period comes from: 集体合同规定第三十六条, or another profile's name and number."""
    if profile.document_number == NATIONAL_RULES["document_number"]:
        return f"{profile.name}第{_cn_number(article)}条"
    return f"{profile.name}（{profile.document_number}）"


def _months_label(months: int) -> str:
    return f"{months // 12}年" if months % 12 == 0 else f"{months}个月"


def days_left_label(due: datetime.date, today: datetime.date) -> str:
    left = clock.days_left(due, today)
    if left > 0:
        return ngettext("%(days)s day to go", "%(days)s days to go", left) % {"days": left}
    if left == 0:
        return _("Due today")
    return ngettext("%(days)s day overdue", "%(days)s days overdue", -left) % {"days": -left}


def _day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def vote_rule(profile, total: int | None = None) -> str:
    """Art. 36 in the profile's numbers, for `total` delegates (or workers) when known."""
    quorum = fraction_label(
        profile.quorum_numerator, profile.quorum_denominator, inclusive=profile.thresholds_inclusive
    )
    majority = fraction_label(
        profile.majority_numerator, profile.majority_denominator, inclusive=profile.thresholds_inclusive
    )
    source = rule_source(profile, 36)
    if not total:
        return _(
            "Passed when %(quorum)s of all delegates (or workers) are present and %(majority)s of all vote in "
            "favour (%(source)s)."
        ) % {"quorum": quorum, "majority": majority, "source": source}
    present = minimum_count(
        total, profile.quorum_numerator, profile.quorum_denominator, inclusive=profile.thresholds_inclusive
    )
    favour = minimum_count(
        total, profile.majority_numerator, profile.majority_denominator, inclusive=profile.thresholds_inclusive
    )
    return _(
        "Passed when %(quorum)s of the %(total)s in all are present and %(majority)s of them vote in favour "
        "(%(source)s): at least %(present)s present and %(favour)s in favour."
    ) % {"quorum": quorum, "majority": majority, "source": source, "total": total, "present": present, "favour": favour}


def vote_verdict(step) -> str:
    """A recorded vote as a sentence: the body, the figures and 通过 / 未通过."""
    return _("%(body)s on %(day)s: %(total)s in all, %(present)s present, %(favour)s in favour — %(verdict)s") % {
        "body": step.get_vote_body_display(),
        "day": _day(step.happened_on),
        "total": step.voters_total,
        "present": step.voters_present,
        "favour": step.votes_in_favour,
        "verdict": _("passed") if step.vote_passed else _("not passed"),
    }


def clock_notes(contract, step: StepKind, today: datetime.date) -> list[str]:
    """What the clock says on the form of `step`, in the contract's rule profile's numbers."""
    profile = contract.rule_profile
    notes = []
    if step == StepKind.ANSWER:
        notes.append(
            _("Bargaining requested on %(requested)s; the answer is due by %(due)s (%(left)s).")
            % {
                "requested": _day(contract.requested_on),
                "due": _day(contract.answer_due_on),
                "left": days_left_label(contract.answer_due_on, today),
            }
        )
        notes.append(
            _("%(source)s: the other side answers in writing within %(days)s days of receiving the request.")
            % {"source": rule_source(profile, 32), "days": profile.answer_days}
        )
    elif step == StepKind.MEETING:
        if contract.answered_on:
            notes.append(_("The request was answered on %(day)s.") % {"day": _day(contract.answered_on)})
        count = contract.steps.filter(kind=StepKind.MEETING).count()
        notes.append(
            ngettext("%(count)s meeting recorded so far.", "%(count)s meetings recorded so far.", count)
            % {"count": count}
        )
    elif step == StepKind.VOTE:
        notes.append(vote_rule(profile))
    elif step == StepKind.SIGN:
        notes.append(
            _("After signing, the contract is sent to the labour administration within %(days)s days (%(source)s).")
            % {"days": profile.send_days, "source": rule_source(profile, 42)}
        )
        notes.append(
            _("The term is usually %(low)s to %(high)s (%(source)s); a term outside it needs a reason.")
            % {
                "low": _months_label(profile.term_min_months),
                "high": _months_label(profile.term_max_months),
                "source": rule_source(profile, 38),
            }
        )
    elif step == StepKind.SEND:
        notes.append(
            _("Signed on %(signed)s, to be sent by %(due)s (%(left)s).")
            % {
                "signed": _day(contract.signed_on),
                "due": _day(contract.send_due_on),
                "left": days_left_label(contract.send_due_on, today) if contract.send_due_on else "—",
            }
        )
        notes.append(
            _("%(source)s: sent within %(days)s days of signing.")
            % {"source": rule_source(profile, 42), "days": profile.send_days}
        )
    elif step in REVIEW_OUTCOMES:
        if contract.sent_on:
            notes.append(_("Sent for review on %(day)s.") % {"day": _day(contract.sent_on)})
        if contract.received_on and contract.review_ends_on:
            notes.append(
                _(
                    "Received on %(received)s: the administration may object until %(ends)s (%(left)s); without an "
                    "objection the contract takes effect by itself on %(in_force)s (%(source)s)."
                )
                % {
                    "received": _day(contract.received_on),
                    "ends": _day(contract.review_ends_on),
                    "left": days_left_label(contract.review_ends_on, today),
                    "in_force": _day(contract.review_ends_on + datetime.timedelta(days=1)),
                    "source": rule_source(profile, 47),
                }
            )
        else:
            notes.append(
                _(
                    "The day the administration received it is not recorded yet: the %(days)s days of the review "
                    "count from that day (%(source)s)."
                )
                % {"days": profile.review_days, "source": rule_source(profile, 47)}
            )
    elif step == StepKind.RENEWAL_REQUEST:
        if contract.term_end:
            opens = clock.renewal_window_opens_on(contract.term_end, profile)
            notes.append(
                _("The term ends on %(end)s; either side may ask to renew from %(opens)s (%(source)s).")
                % {"end": _day(contract.term_end), "opens": _day(opens), "source": rule_source(profile, 38)}
            )
        notes.append(_("The renewal is recorded as a new contract that links to this one."))
    elif step == StepKind.CLOSE:
        notes.append(_("Closing ends the bargaining before the contract takes effect; the contract stays on record."))
    return notes


# --- the step forms -----------------------------------------------------------------------------


class ContractStepView(ContractMixin, ServiceFormMixin, FormView):
    """One step's form. `step` is the StepKind the service's refusal is asked about; `service`
    the name of the step's function in apps.contracts.services, called with the user, the
    contract and the form's filled-in fields (a view whose form does not map onto one service
    overrides `save`)."""

    permission_required = "contracts.change_contract"
    template_name = "contracts/step_form.html"
    step: StepKind
    service = ""
    title = ""

    def refusal(self) -> str | None:
        return services.contract_step_refusal(user=self.request.user, contract=self.contract, step=self.step)

    def get(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:
            return self.render_to_response(self.get_context_data(form=None, refusal=refusal))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:
            return self.render_to_response(self.get_context_data(form=None, refusal=refusal))
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "contract": self.contract}

    def get_context_data(self, **kwargs):
        contract = self.contract
        return super().get_context_data(
            contract=contract,
            step=self.step,
            title=self.title,
            clock_notes=clock_notes(contract, self.step, timezone.localdate()),
            **kwargs,
        )

    def service_kwargs(self, form) -> dict:
        return {k: v for k, v in form.cleaned_data.items() if v is not None}

    def save(self, form):
        step_service = getattr(services, self.service)
        return step_service(user=self.request.user, contract=self.contract, **self.service_kwargs(form))


class ContractAnswerView(ContractStepView):
    step = StepKind.ANSWER
    service = "contract_answer"
    form_class = AnswerForm
    title = gettext_lazy("Answer the request")
    success_message = gettext_lazy("The answer is recorded: the bargaining has started.")


class ContractMeetingView(ContractStepView):
    step = StepKind.MEETING
    service = "contract_meeting_record"
    form_class = MeetingForm
    title = gettext_lazy("Record a negotiation meeting")
    success_message = gettext_lazy("The meeting is recorded.")


class ContractVoteView(ContractStepView):
    step = StepKind.VOTE
    service = "contract_vote_record"
    form_class = VoteForm
    title = gettext_lazy("Record the congress vote")

    @cached_property
    def votes(self):
        return list(self.contract.steps.filter(kind=StepKind.VOTE).order_by("-happened_on", "-id"))

    def get_initial(self):
        initial = super().get_initial()
        if self.votes:  # a vote taken again: the same body and number in all
            initial.update(vote_body=self.votes[0].vote_body, voters_total=self.votes[0].voters_total)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        total = None
        if form is not None:
            value = form["voters_total"].value()
            total = int(value) if str(value or "").isdecimal() and 0 < int(value) <= 10_000_000 else None
        context["clock_notes"] = [vote_rule(self.contract.rule_profile, total)]
        context["votes"] = [(vote, vote_verdict(vote)) for vote in self.votes]
        return context

    def form_valid(self, form):
        """As ServiceFormMixin's, with the verdict and its figures as the message."""
        try:
            contract = self.save(form)
        except (ValidationError, ApplicationError) as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        vote = contract.steps.filter(kind=StepKind.VOTE).order_by("-recorded_at", "-id").first()
        if vote is None:
            messages.success(self.request, _("Vote recorded."))
        else:
            level = messages.SUCCESS if vote.vote_passed else messages.WARNING
            messages.add_message(self.request, level, _("Vote recorded. %(verdict)s") % {"verdict": vote_verdict(vote)})
        return redirect(contract)


class ContractSignView(ContractStepView):
    step = StepKind.SIGN
    service = "contract_sign"
    form_class = SignForm
    title = gettext_lazy("Sign")
    success_message = gettext_lazy("The signing is recorded. Send the contract for review in time.")


class ContractSendView(ContractStepView):
    step = StepKind.SEND
    service = "contract_send"
    form_class = SendForm
    title = gettext_lazy("Send for review")
    success_message = gettext_lazy("The sending is recorded: the contract is under review.")


REVIEW_DATE_ERRORS = {"received_on": "happened_on", "objected_on": "happened_on", "approved_on": "happened_on"}


class ContractReviewView(ContractStepView):
    """The review's result, one of three services: receipt recorded, objection, approval."""

    step = StepKind.APPROVAL
    form_class = ReviewForm
    title = gettext_lazy("Review result")
    success_message = gettext_lazy("The review result is recorded.")

    @cached_property
    def outcomes(self) -> list[StepKind]:
        user, contract = self.request.user, self.contract
        return [
            step
            for step in REVIEW_OUTCOMES
            if services.contract_step_refusal(user=user, contract=contract, step=step) is None
        ]

    def refusal(self):
        if self.outcomes:
            return None
        return super().refusal()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outcomes": self.outcomes}

    def save(self, form):
        try:
            return self._record(form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # The services name the day after its step (received_on, ...); the form has one date.
            raise ValidationError(
                {REVIEW_DATE_ERRORS.get(field, field): errors for field, errors in exc.error_dict.items()}
            ) from exc

    def _record(self, data):
        user, contract, day = self.request.user, self.contract, data["happened_on"]
        outcome = StepKind(data["outcome"])
        if outcome == StepKind.RECEIVE:
            return services.contract_receipt_record(user=user, contract=contract, received_on=day)
        if outcome == StepKind.OBJECTION:
            return services.contract_review_objection(
                user=user, contract=contract, objected_on=day, objection=data["objection"]
            )
        return services.contract_review_approval(user=user, contract=contract, approved_on=day, note=data["note"])


class ContractRenewView(ContractStepView):
    step = StepKind.RENEWAL_REQUEST
    service = "contract_renewal_request"
    form_class = RenewForm
    title = gettext_lazy("Ask to renew")
    success_message = gettext_lazy("The renewal request is recorded as a new contract; its answer is due in time.")


class ContractCloseView(ContractStepView):
    step = StepKind.CLOSE
    service = "contract_close"
    form_class = CloseForm
    title = gettext_lazy("Close the bargaining")
    success_message = gettext_lazy("The bargaining is closed. The contract stays on record.")


# --- documents ----------------------------------------------------------------------------------


class DocumentUploadView(ContractMixin, View):
    """A document of the contract (POST, multipart: kind and file); its content is checked by
    the service (services.contract_document_upload), which refuses a file that is not what it says."""

    permission_required = "contracts.change_contract"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        contract = self.contract
        form = DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the kind of document and a file to upload."))
            return redirect(contract)
        upload = form.cleaned_data["file"]
        try:
            services.contract_document_upload(
                user=request.user,
                contract=contract,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=read_upload(upload, limit=settings.CONTRACT_DOCUMENT_MAX_BYTES),
            )
        except (ValidationError, ApplicationError) as exc:
            messages.error(request, exc.message if isinstance(exc, ApplicationError) else " ".join(exc.messages))
        else:
            messages.success(request, _("Document uploaded."))
        return redirect(contract)


def safe_filename(document) -> str:
    """The name a document is saved as: its own name's letters (no path, quotes or control
    characters), with the extension of what its content is."""
    stem = document.file_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(
        ch for ch in unicodedata.normalize("NFC", stem) if unicodedata.category(ch)[0] not in "CZ" or ch == " "
    )
    stem = re.sub(r'[\\/:*?"<>|;]+', "_", stem).strip(" ._")[:80]
    return f"{stem or f'document-{document.pk}'}{EXTENSIONS.get(document.content_type, '')}"


class DocumentDownloadView(ContractMixin, View):
    """Only under its own contract, in the user's scope; always downloaded, never shown inline."""

    permission_required = "contracts.view_contract"

    def get(self, request, pk, document_pk):
        document = get_object_or_404(ContractDocument, pk=document_pk, contract=self.contract)
        response = HttpResponse(bytes(document.content), content_type=document.content_type)
        response["Content-Disposition"] = content_disposition_header(True, safe_filename(document))
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- the 报送 cover sheet -----------------------------------------------------------------------

# How many covered enterprises the sheet names (a regional contract may cover hundreds; the
# rest are counted and the list attached).
PRINT_ENTERPRISES = 40


class ContractReviewPrintView(ContractMixin, DetailView):
    """集体合同审查登记表, A4 from the browser: what the labour administration's review reads."""

    permission_required = "contracts.view_contract"
    template_name = "contracts/review_print.html"
    context_object_name = "contract"

    def get_object(self, queryset=None):
        if self.contract.signed_on is None:
            raise Http404
        return self.contract

    def get_context_data(self, **kwargs):
        contract = self.object
        coverage = contract.coverage.select_related("enterprise").order_by("enterprise__name", "enterprise_id")
        enterprises = [row.enterprise for row in coverage[: PRINT_ENTERPRISES + 1]]
        more = 0
        if len(enterprises) > PRINT_ENTERPRISES:
            enterprises = enterprises[:PRINT_ENTERPRISES]
            more = coverage.count() - PRINT_ENTERPRISES
        vote = contract.steps.filter(kind=StepKind.VOTE).order_by("-vote_passed", "-happened_on", "-id").first()
        return super().get_context_data(
            enterprises=enterprises,
            enterprises_more=more,
            enterprises_total=len(enterprises) + more,
            vote=vote,
            congress=VoteBody.CONGRESS,
            in_force=contract.status == ContractStatus.IN_FORCE,
            printed_on=timezone.localdate(),
            **kwargs,
        )
