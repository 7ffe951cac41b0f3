import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.dates import PlausibleDateValidator, plausible_date_constraint
from apps.core.history import audited
from apps.core.models import BaseModel
from apps.members.validators import is_mobile, normalize_mobile

from .choices import OPEN_STATUSES, AnswerMethod, Category, Channel, ReferredTo, ReminderKind, Satisfaction, Status

# A complaint is registered when it comes in, or soon after; none before the portal's era (2000)
# and none later than now (five minutes of slack for a clock or a form filled in slowly): the one
# rule the form, the service (full_clean) and the admin apply. Answers and closings are recorded
# as they happen: not later than today. An answer may be recorded after it was given (a phone
# answer given yesterday is entered today), so its time is the one typed, held to the receipt's
# rule: not later than now (`ANSWERED_RANGE`) and not before the complaint came in
# (`answer_time_error`, asked by Complaint.clean(): the form, the service, the admin, any import).
RECEIVED_MAX_AHEAD = datetime.timedelta(minutes=5)
RECEIVED_RANGE = PlausibleDateValidator(earliest=datetime.date(2000, 1, 1), max_ahead=RECEIVED_MAX_AHEAD)
ANSWERED_RANGE = PlausibleDateValidator(earliest=datetime.date(2000, 1, 1), max_ahead=RECEIVED_MAX_AHEAD)
HANDLED_RANGE = PlausibleDateValidator(earliest=datetime.date(2000, 1, 1), max_days_ahead=0)


def answer_time_normalized(received_at: datetime.datetime, answered_at: datetime.datetime) -> datetime.datetime:
    """The answer time as recorded. Forms take minutes: an answer typed in the minute the
    complaint came in (received 10:15:30, answered "10:15") is taken as given at receipt."""
    if received_at and answered_at and answered_at < received_at:
        if answered_at >= received_at.replace(second=0, microsecond=0):
            return received_at
    return answered_at


def answer_time_error(received_at: datetime.datetime | None, answered_at: datetime.datetime | None) -> str | None:
    """Why an answer time cannot be, or None: not before the complaint was received."""
    if received_at and answered_at and answered_at < received_at:
        received = timezone.localtime(received_at)
        return f"答复时间不能早于收到投诉的时间（{received:%Y-%m-%d %H:%M}），请核对日期和时间。"
    return None


# Open complaints first (0), then the rest (1): the complaint list's first sort key.
URGENCY_RANK = models.Case(
    models.When(status__in=OPEN_STATUSES, then=models.Value(0)),
    default=models.Value(1),
    output_field=models.IntegerField(),
)


# --- the complainant's telephone --------------------------------------------------------------------
# A mobile by the members' rule (apps.members.validators: 11 digits from 13x), or a landline with
# its area code: complaints come in by the hotline, and a worker may leave the number of a shop,
# a dormitory or a neighbour, which the union must still be able to call back. A landline is
# stored as "0518-85123456" (01x/02x: a three-digit area code, otherwise four; 7 or 8 digits).
# Only new input is held to it (a new complaint): rows stored before the rule keep their value,
# and the workflow on them is not blocked (no database constraint either).
LANDLINE_DIGITS_RE = re.compile(r"(0[12][0-9]|0[3-9][0-9]{2})([0-9]{7,8})", re.ASCII)
LANDLINE_RE = re.compile(r"(0[12][0-9]|0[3-9][0-9]{2})-[0-9]{7,8}", re.ASCII)
PHONE_MESSAGE = (
    "联系电话应为手机号码（以 1 开头的 11 位数字）或带区号的固定电话（如 0518-85123456），请核对后重新填写。"
)


def normalize_complainant_phone(value: object) -> str:
    """What was typed, as stored: a mobile as its 11 digits (the members' normalize_mobile), a
    landline as "area-number". Anything else is left for `validate_complainant_phone` to refuse."""
    digits = normalize_mobile(value)
    if is_mobile(digits):
        return digits
    landline = LANDLINE_DIGITS_RE.fullmatch(digits)
    if landline:
        return f"{landline[1]}-{landline[2]}"
    return str(value or "").strip()


def validate_complainant_phone(value: str) -> None:
    if value and not (is_mobile(value) or LANDLINE_RE.fullmatch(value)):
        raise ValidationError(PHONE_MESSAGE, code="invalid_phone")


class ComplainantPhoneFormField(forms.CharField):
    """The complainant's telephone as typed ("138 1234 5678", "0518-8512 3456"), cleaned."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.validators.append(validate_complainant_phone)

    def to_python(self, value):
        return normalize_complainant_phone(super().to_python(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "tel", "autocomplete": "off"}


@audited()
class Complaint(BaseModel):
    """员工投诉: answered, or posted in the enterprise, by the end of the seventh day after receipt."""

    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True, editable=False)
    received_at = models.DateTimeField(_("received at"), validators=[RECEIVED_RANGE])
    # Derived from received_at (deadlines.answer_due_at), which the service checks first.
    due_at = models.DateTimeField(_("answer due by"), editable=False, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant"), max_length=50, blank=True)
    complainant_mobile = models.CharField(_("complainant's mobile"), max_length=20, blank=True)
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confidential = models.BooleanField(
        _("keep the complainant confidential"), default=True, help_text=_("The enterprise is not told who complained.")
    )
    consent_to_name = models.BooleanField(
        _("separate consent to be named in a public posting"),
        default=False,
        help_text=_("PIPL art. 25: without it a public posting masks the complainant."),
    )
    enterprise = models.ForeignKey(
        "branches.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="complaints"
    )
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="complaints"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.TextField(_("what happened"), max_length=5000)
    request = models.TextField(_("what the complainant asks for"), max_length=2000, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_complaints",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    # When the answer was given (or the result posted), as recorded: the seven-day rule reads it.
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, validators=[ANSWERED_RANGE])
    answer_method = models.CharField(_("answered how"), max_length=20, choices=AnswerMethod.choices, blank=True)
    answer_text = models.TextField(_("answer"), max_length=5000, blank=True)
    posted_where = models.CharField(_("posted where"), max_length=200, blank=True)
    posted_text = models.TextField(_("posted text"), max_length=5000, blank=True)
    referred_to = models.CharField(_("referred to"), max_length=20, choices=ReferredTo.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, validators=[HANDLED_RANGE])

    def clean(self):
        super().clean()
        if self._state.adding:  # new input only: a stored row keeps what it had (see above)
            try:
                validate_complainant_phone(self.complainant_mobile)
            except ValidationError as exc:
                raise ValidationError({"complainant_mobile": exc.messages}) from None
        answer_error = answer_time_error(self.received_at, self.answered_at)
        if answer_error:
            raise ValidationError({"answered_at": answer_error})

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["due_at", "id"]
        permissions = [("view_complainant", _("Can see who complained"))]
        indexes = [
            models.Index(fields=["township", "status", "due_at"], name="complaints_township_status_due"),
            models.Index(fields=["due_at"], condition=models.Q(status__in=OPEN_STATUSES), name="complaints_open_due"),
            # The list's "most urgent first" order (selectors.complaint_list), read in index order.
            models.Index(
                URGENCY_RANK, models.F("due_at"), models.F("received_at").desc(), name="complaints_urgency_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values),
                name="complaints_complaint_valid_status",
                violation_error_message=_("Unknown complaint status."),
            ),
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | models.Q(answered_at__gte=models.F("received_at")),
                name="complaints_complaint_answered_after_received",
                violation_error_message=_("The answer cannot come before the complaint."),
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | models.Q(closed_at__gte=models.F("received_at")),
                name="complaints_complaint_closed_after_received",
                violation_error_message=_("A complaint cannot be closed before it was received."),
            ),
            # Every time a complaint carries is readable and safe to compute with (apps.core.dates).
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible", is_datetime=True)
                for field in ("received_at", "due_at", "answered_at", "closed_at")
            ),
            models.CheckConstraint(
                condition=models.Q(due_at__gt=models.F("received_at")),
                name="complaints_complaint_due_after_received",
                violation_error_message=_("The deadline comes after receipt."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=[Status.ANSWERED, Status.POSTED]) | models.Q(answered_at__isnull=False),
                name="complaints_complaint_answer_has_time",
                violation_error_message=_("An answered complaint records when it was answered."),
            ),
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(complainant_name=""),
                name="complaints_complaint_anonymous_has_no_name",
                violation_error_message=_("An anonymous complaint carries no name."),
            ),
        ]

    def __str__(self):
        return self.tracking_number

    def get_absolute_url(self):
        return reverse("complaints:complaint_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def complainant_masked(self):
        if self.anonymous or not self.complainant_name:
            return "匿名"
        return self.complainant_name[0] + "*" * (len(self.complainant_name) - 1)


class ComplaintStep(models.Model):
    """One step of the timeline: who moved the complaint from what to what, when, and why."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="steps"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        ordering = ["at", "id"]
        constraints = [plausible_date_constraint("at", name="%(app_label)s_%(class)s_at_plausible", is_datetime=True)]

    def __str__(self):
        # As admin's inline titles it: "2026-11-20 14:03 已受理 → 调查中" (Shanghai time).
        from django.utils import timezone

        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else ""
        start = self.get_from_status_display() or "—"
        return f"{when} {start} → {self.get_to_status_display()}".strip()


class ComplaintReminder(models.Model):
    """A deadline reminder that went out: a read-only view of the milestone engine's claims
    (core.MilestoneClaim, kinds "complaints:<kind>"), kept so that the reminders of a complaint
    still read as its own rows. Exactly-once is the claim's unique index; rows are written by
    apps.core.milestones (or, through the view's INSTEAD OF INSERT trigger, a data load).
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        managed = False
        verbose_name = _("complaint reminder")
        verbose_name_plural = _("complaint reminders")

    def __str__(self):
        return f"{self.complaint} {self.get_kind_display()}"


class ComplaintAttachment(models.Model):
    """Evidence (images, PDFs), kept in the database and served only to who may see the complaint."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="attachments"
    )
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    content = models.BinaryField(_("file"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        constraints = [
            plausible_date_constraint(
                "uploaded_at", name="%(app_label)s_%(class)s_uploaded_at_plausible", is_datetime=True
            )
        ]

    def __str__(self):
        return self.file_name
