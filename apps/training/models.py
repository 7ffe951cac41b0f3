"""Cadre training (学习培训制度): programmes, their sessions, places, nominations, attendance and
certificates.

A programme (培训班) is a county batch (集训, run by the county's joint organisers, 100–150
trainees) or a township class. Places are its capacity and, for a county batch, each
township's quota (名额分配); a township chair nominates cadres (a branches Officer or a members
Member) until the places are full, then onto the waiting list. Nothing is deleted: a programme
is cancelled, a nomination withdrawn, a certificate kept for good. Every write goes through
apps.training.services; what must always hold is also a database constraint here.
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.core.dates import PlausibleDateValidator, plausible_date_constraint
from apps.core.history import audited
from apps.core.imports import ImportJob
from apps.core.models import BaseModel

from .choices import (
    ACTIVE_NOMINATION_STATUSES,
    COUNTY_BATCH_CAPACITY,
    NominationStatus,
    ProgrammeKind,
    ProgrammeStatus,
    TargetGroup,
)

# The portal's training records start with the county's training rules (关于加强乡镇工会干部培训的意见);
# nothing is dated before 2000. A programme is planned up to two years ahead.
PROGRAMME_DATE_RANGE = PlausibleDateValidator(earliest=datetime.date(2000, 1, 1), max_days_ahead=2 * 366)

DEFAULT_COMPLETION_SHARE = Decimal("0.80")


class ChoiceArrayField(ArrayField):
    """An array of choices, edited as a set of check boxes (admin and the portal's forms)."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.base_field.choices,
            "coerce": self.base_field.to_python,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # ArrayField.formfield would force its own SimpleArrayField: skip to Field's.
        return super(ArrayField, self).formfield(**defaults)


@audited()
class Programme(BaseModel):
    """One training programme (培训班): a county batch or a township class, with its sign-up window,
    capacity and completion rule (the share of hours a trainee must attend, as data)."""

    organiser = models.ForeignKey(
        "branches.OrgUnit",
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="training_programmes",
        help_text=_(
            "The county union for a county batch (run with the organisation and propaganda departments), "
            "or the township union that runs its own class."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProgrammeKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    batch = models.PositiveSmallIntegerField(
        _("batch number"), help_text=_("The organiser's n-th programme of the year.")
    )
    title = models.CharField(pgettext_lazy("training programme", "title"), max_length=200)
    starts_on = models.DateField(_("starts on"), validators=[PROGRAMME_DATE_RANGE])
    ends_on = models.DateField(_("ends on"), validators=[PROGRAMME_DATE_RANGE])
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=COUNTY_BATCH_CAPACITY)
    target_groups = ChoiceArrayField(
        models.CharField(max_length=20, choices=TargetGroup.choices),
        verbose_name=_("target groups"),
        default=list,
        blank=True,
    )
    signup_opens_on = models.DateField(_("sign-up opens on"), validators=[PROGRAMME_DATE_RANGE])
    signup_closes_on = models.DateField(_("sign-up closes on"), validators=[PROGRAMME_DATE_RANGE])
    completion_share = models.DecimalField(
        _("share of hours to complete"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_COMPLETION_SHARE,
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
        help_text=_("A trainee who attends at least this share of the hours completes (0.80: 80%)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["-starts_on", "-id"], name="training_programme_list_order"),
            models.Index(fields=["organiser", "year"], name="training_programme_organiser"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "year", "batch"],
                name="%(app_label)s_%(class)s_one_batch_number",
                violation_error_message=_("The organiser already has a programme with this batch number this year."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProgrammeKind.values),
                name="%(app_label)s_%(class)s_valid_kind",
                violation_error_message=_("Unknown kind of programme."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgrammeStatus.values),
                name="%(app_label)s_%(class)s_valid_status",
                violation_error_message=_("Unknown programme status."),
            ),
            models.CheckConstraint(
                condition=Q(target_groups__contained_by=TargetGroup.values),
                name="%(app_label)s_%(class)s_valid_target_groups",
                violation_error_message=_("Unknown target group."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="%(app_label)s_%(class)s_capacity_positive",
                violation_error_message=_("A programme has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(completion_share__gt=0) & Q(completion_share__lte=1),
                name="%(app_label)s_%(class)s_completion_share_range",
                violation_error_message=_("The share of hours to complete lies between 0 and 1."),
            ),
            models.CheckConstraint(
                condition=Q(batch__gt=0) & Q(year__gte=2000) & Q(year__lte=2099),
                name="%(app_label)s_%(class)s_year_and_batch",
                violation_error_message=_("The year lies between 2000 and 2099 and the batch number is at least 1."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(signup_closes_on__gte=F("signup_opens_on")) & Q(signup_closes_on__lte=F("starts_on")),
                name="%(app_label)s_%(class)s_signup_window",
                violation_error_message=_("Sign-up closes after it opens and no later than the first day."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProgrammeStatus.CANCELLED) | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
                name="%(app_label)s_%(class)s_cancelled_has_reason",
                violation_error_message=_("A cancelled programme records when and why."),
            ),
            *(
                plausible_date_constraint(field, name=f"%(app_label)s_%(class)s_{field}_plausible")
                for field in ("starts_on", "ends_on", "signup_opens_on", "signup_closes_on")
            ),
        ]

    def __str__(self):
        return f"{self.year}年第{self.batch}期 {self.title}"

    def get_absolute_url(self):
        return reverse("training:programme_detail", kwargs={"pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == ProgrammeStatus.CANCELLED

    def signup_open_on(self, day: datetime.date) -> bool:
        return not self.is_cancelled and self.signup_opens_on <= day <= self.signup_closes_on


@audited()
class Session(BaseModel):
    """One session of a programme (a lecture, a visit): its day, hours, subject and teacher."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="sessions"
    )
    held_on = models.DateField(_("date"), validators=[PROGRAMME_DATE_RANGE])
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    subject = models.CharField(pgettext_lazy("training session", "subject"), max_length=200)
    teacher = models.CharField(_("teacher"), max_length=100, blank=True)
    # Set by attendance_record: a session without it three days on is a reminder to the organiser.
    attendance_recorded_at = models.DateTimeField(_("attendance entered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="%(app_label)s_%(class)s_hours_range",
                violation_error_message=_("A session lasts more than 0 and at most 24 hours."),
            ),
            plausible_date_constraint("held_on", name="%(app_label)s_%(class)s_held_on_plausible"),
        ]
        indexes = [models.Index(fields=["programme", "held_on"], name="training_session_programme")]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.subject}" if self.held_on else self.subject

    def get_absolute_url(self):
        return reverse("training:programme_detail", kwargs={"pk": self.programme_id}) + "#sessions"


@audited()
class Quota(BaseModel):
    """The places a county batch gives one township (名额分配)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="quotas"
    )
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="training_quotas"
    )
    places = models.PositiveIntegerField(_("places"))

    class Meta:
        verbose_name = _("training quota")
        verbose_name_plural = _("training quotas")
        ordering = ["programme", "township__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "township"],
                name="%(app_label)s_%(class)s_one_per_township",
                violation_error_message=_("This township already has a quota for the programme."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=0),
                name="%(app_label)s_%(class)s_places_not_negative",
                violation_error_message=_("A quota cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.township}：{self.places}"


@audited()
class Nomination(BaseModel):
    """A trainee put forward for a programme by their township: enrolled (a place), waiting, or
    withdrawn; and, once the sessions are over, completed or not (by the programme's rule)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="nominations"
    )
    # Exactly one of officer and member: the trainee.
    officer = models.ForeignKey(
        "branches.Officer",
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_nominations",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_nominations",
    )
    # The trainee's name as nominated: what the lists and the certificate print.
    trainee_name = models.CharField(_("trainee"), max_length=50)
    # The township whose place it takes (the trainee's union's township).
    township = models.ForeignKey(
        "branches.OrgUnit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="training_nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=NominationStatus.choices)
    waiting_position = models.PositiveIntegerField(_("waiting-list position"), null=True, blank=True)
    nominated_at = models.DateTimeField(_("nominated at"))
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=200, blank=True)
    hours_attended = models.DecimalField(_("hours attended"), max_digits=6, decimal_places=1, default=Decimal("0"))
    completed = models.BooleanField(_("completed"), default=False)
    completed_at = models.DateTimeField(_("completion assessed at"), null=True, blank=True)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["programme", "township__path", "status", "waiting_position", "nominated_at", "id"]
        indexes = [
            models.Index(fields=["programme", "township", "status"], name="training_nomination_places"),
            models.Index(fields=["officer"], condition=Q(completed=True), name="training_nomination_trained"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NominationStatus.values),
                name="%(app_label)s_%(class)s_valid_status",
                violation_error_message=_("Unknown nomination status."),
            ),
            models.CheckConstraint(
                condition=(Q(officer__isnull=False) & Q(member__isnull=True))
                | (Q(officer__isnull=True) & Q(member__isnull=False)),
                name="%(app_label)s_%(class)s_one_trainee",
                violation_error_message=_("A nomination names one trainee: an officer or a member."),
            ),
            # Nobody is enrolled twice in one programme (nor enrolled and waiting at once).
            models.UniqueConstraint(
                fields=["programme", "officer"],
                condition=Q(status__in=ACTIVE_NOMINATION_STATUSES) & Q(officer__isnull=False),
                name="%(app_label)s_%(class)s_officer_once",
                violation_error_message=_("This officer is already nominated for the programme."),
            ),
            models.UniqueConstraint(
                fields=["programme", "member"],
                condition=Q(status__in=ACTIVE_NOMINATION_STATUSES) & Q(member__isnull=False),
                name="%(app_label)s_%(class)s_member_once",
                violation_error_message=_("This member is already nominated for the programme."),
            ),
            models.CheckConstraint(
                # isnull spelled out: a CHECK passes on NULL, and NULL > 0 is NULL.
                condition=(
                    Q(status=NominationStatus.WAITING) & Q(waiting_position__isnull=False) & Q(waiting_position__gt=0)
                )
                | (~Q(status=NominationStatus.WAITING) & Q(waiting_position__isnull=True)),
                name="%(app_label)s_%(class)s_waiting_has_position",
                violation_error_message=_("A nomination on the waiting list has a position, and only then."),
            ),
            models.UniqueConstraint(
                fields=["programme", "township", "waiting_position"],
                condition=Q(status=NominationStatus.WAITING),
                name="%(app_label)s_%(class)s_one_waiting_position",
                violation_error_message=_("Two nominations cannot share a waiting-list position."),
            ),
            models.CheckConstraint(
                condition=~Q(status=NominationStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="%(app_label)s_%(class)s_withdrawn_has_time",
                violation_error_message=_("A withdrawal records when it happened."),
            ),
            models.CheckConstraint(
                condition=Q(completed=False) | (Q(status=NominationStatus.NOMINATED) & Q(completed_at__isnull=False)),
                name="%(app_label)s_%(class)s_completed_is_enrolled",
                violation_error_message=_("Only an enrolled trainee completes a programme."),
            ),
            models.CheckConstraint(
                condition=Q(hours_attended__gte=0),
                name="%(app_label)s_%(class)s_hours_not_negative",
                violation_error_message=_("Hours attended cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="%(app_label)s_%(class)s_score_range",
                violation_error_message=_("A score lies between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.trainee_name}（{self.get_status_display()}）"

    def get_absolute_url(self):
        return reverse("training:programme_detail", kwargs={"pk": self.programme_id}) + "#nominations"

    @property
    def trainee(self):
        return self.officer if self.officer_id else self.member


@audited()
class Attendance(BaseModel):
    """A trainee at one session (签到): present or not, and the hours attended."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="attendances"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendances"
    )
    present = models.BooleanField(pgettext_lazy("training attendance", "present"))
    hours = models.DecimalField(_("hours attended"), max_digits=4, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")
        ordering = ["session", "nomination"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "session"],
                name="%(app_label)s_%(class)s_once_per_session",
                violation_error_message=_("This trainee's attendance at the session is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=24) & (Q(present=True) | Q(hours=0)),
                name="%(app_label)s_%(class)s_hours_range",
                violation_error_message=_("Hours attended lie between 0 and 24, and are 0 for an absence."),
            ),
        ]
        indexes = [models.Index(fields=["session"], name="training_attendance_session")]

    def __str__(self):
        return f"{self.session} · {self.nomination.trainee_name}"


@audited()
class Certificate(BaseModel):
    """The completion certificate (结业证书) of one completed nomination: its number is drawn once
    from the programme's serial (apps.core.serials) and never given out again."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("certificate number"), max_length=40, editable=False)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("completion certificate")
        verbose_name_plural = _("completion certificates")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                name="%(app_label)s_%(class)s_unique_number",
                violation_error_message=_("Another certificate already has this number."),
            ),
            # Issued once: one certificate per completed nomination, for good.
            models.UniqueConstraint(
                fields=["nomination"],
                name="%(app_label)s_%(class)s_one_per_nomination",
                violation_error_message=_("This trainee already has a certificate for the programme."),
            ),
            models.CheckConstraint(
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_has_number",
                violation_error_message=_("A certificate has a number."),
            ),
            plausible_date_constraint(
                "issued_at", name="%(app_label)s_%(class)s_issued_at_plausible", is_datetime=True
            ),
        ]

    def __str__(self):
        return self.number


class AttendanceImport(ImportJob):
    """An uploaded sign-in sheet (签到表) of one programme: checked (dry run) first, then its good
    rows entered as attendance (apps.training.imports), in one transaction."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="attendance_imports"
    )

    class Meta(ImportJob.Meta):
        verbose_name = _("sign-in sheet import")
        verbose_name_plural = _("sign-in sheet imports")

    def get_absolute_url(self):
        return reverse("training:import_detail", kwargs={"pk": self.pk})
