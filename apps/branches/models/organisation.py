"""What hangs on a union: its sub-committees, officers, meetings and titles."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from apps.core.dates import plausible_date_constraint
from apps.core.history import audited
from apps.core.models import BaseModel

from ..choices import (
    TERM_YEARS_CHOICES,
    TOWNSHIP_MEETING_KINDS,
    MeetingKind,
    OfficerPosition,
    OrgUnitKind,
    RatingTitle,
    SubCommitteeKind,
)
from .dates import ESTABLISHED_RANGE, HELD_RANGE, RATING_YEARS, TERM_END_RANGE, TERM_START_RANGE
from .enterprises import Enterprise
from .orgunits import OrgUnit


@audited()
class SubCommittee(BaseModel):
    """Set up together with the union committee (同步建立): women, fund audit, mediation."""

    union = models.ForeignKey(OrgUnit, verbose_name=_("union"), on_delete=models.PROTECT, related_name="subcommittees")
    kind = models.CharField(_("kind"), max_length=20, choices=SubCommitteeKind.choices)
    established_on = models.DateField(_("established on"), validators=[ESTABLISHED_RANGE])
    head_name = models.CharField(_("head"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("sub-committee")
        verbose_name_plural = _("sub-committees")
        ordering = ["union", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "kind"],
                name="branches_subcommittee_one_per_kind",
                violation_error_message=_("This union already has this sub-committee."),
            ),
            plausible_date_constraint("established_on", name="%(app_label)s_%(class)s_established_on_plausible"),
            models.CheckConstraint(
                condition=models.Q(kind__in=SubCommitteeKind.values),
                name="branches_subcommittee_valid_kind",
                violation_error_message=_("Unknown kind of sub-committee."),
            ),
        ]

    def __str__(self):
        return f"{self.union} · {self.get_kind_display()}"

    def clean(self):
        if self.union_id is not None and not self.union.is_grassroots:
            raise ValidationError(
                {"union": "只有基层工会设立女职工委员会、经费审查委员会和劳动争议调解委员会。"}, code="not_grassroots"
            )


@audited()
class Officer(BaseModel):
    """A committee member or officer with a term (e.g. the township chair, usually 兼任)."""

    union = models.ForeignKey(OrgUnit, verbose_name=_("union"), on_delete=models.PROTECT, related_name="officers")
    name = models.CharField(_("full name"), max_length=50)
    position = models.CharField(_("position"), max_length=20, choices=OfficerPosition.choices)
    concurrent_post = models.CharField(
        _("concurrent post"), max_length=100, blank=True, help_text=_("e.g. deputy party secretary of the township")
    )
    term_start = models.DateField(_("term starts"), validators=[TERM_START_RANGE])
    term_end = models.DateField(_("term ends"), validators=[TERM_END_RANGE])
    # Left office (a new committee was elected, or they stepped down): kept, never deleted.
    # An officer in post has none.
    ended_on = models.DateField(_("left office on"), null=True, blank=True, validators=[TERM_START_RANGE])
    election = models.ForeignKey(
        "branches.Election",
        verbose_name=_("elected at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["union", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")),
                name="branches_officer_term_end_after_start",
                violation_error_message=_("The term must end after it starts."),
            ),
            plausible_date_constraint("term_start", name="%(app_label)s_%(class)s_term_start_plausible"),
            plausible_date_constraint("term_end", name="%(app_label)s_%(class)s_term_end_plausible"),
            models.CheckConstraint(
                condition=models.Q(position__in=OfficerPosition.values),
                name="branches_officer_valid_position",
                violation_error_message=_("Unknown position."),
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("term_start")),
                name="branches_officer_ended_after_start",
                violation_error_message=_("An officer cannot leave office before taking it."),
            ),
            plausible_date_constraint("ended_on", name="%(app_label)s_%(class)s_ended_on_plausible"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_position_display()}）"

    def clean(self):
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            raise ValidationError({"term_end": "任期结束日期必须晚于开始日期。"}, code="term_end_before_start")
        if self.term_start and self.ended_on and self.ended_on < self.term_start:
            raise ValidationError({"ended_on": "离任日期不能早于任职日期。"}, code="ended_before_start")

    @property
    def in_post(self):
        return self.ended_on is None


@audited()
class Election(BaseModel):
    """An election (换届选举) of a grassroots union: the new term, the result, who was elected.

    The officers it elected point to it (`Officer.election`); those in post before it are ended
    on its term's first day (apps.branches.services.union_election_record).
    """

    union = models.ForeignKey(OrgUnit, verbose_name=_("union"), on_delete=models.PROTECT, related_name="elections")
    term_start = models.DateField(_("term starts"), validators=[TERM_START_RANGE])
    term_years = models.PositiveSmallIntegerField(_("term (years)"), choices=TERM_YEARS_CHOICES)
    term_end = models.DateField(_("term ends"), validators=[TERM_END_RANGE])
    result = models.TextField(
        _("election result"),
        max_length=2000,
        help_text=_("e.g. members entitled to vote, present, votes for each elected officer."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-term_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_years__in=[3, 5]),
                name="branches_election_term_3_or_5_years",
                violation_error_message=_("A grassroots union's term is 3 or 5 years."),
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")),
                name="branches_election_term_end_after_start",
                violation_error_message=_("The term must end after it starts."),
            ),
            plausible_date_constraint("term_start", name="%(app_label)s_%(class)s_term_start_plausible"),
            plausible_date_constraint("term_end", name="%(app_label)s_%(class)s_term_end_plausible"),
        ]

    def __str__(self):
        return f"{self.union} · {self.term_start:%Y-%m-%d}"


@audited()
class Meeting(BaseModel):
    """A meeting held: the yearly rhythm the county checks (职代会, 乡镇工会大会, 党政工联席会议)."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("held by"), on_delete=models.PROTECT, related_name="meetings")
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("For a workers' congress: the enterprise whose congress met."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    held_on = models.DateField(_("held on"), validators=[HELD_RANGE])
    title = models.CharField(_("subject"), max_length=200)
    attendees = models.PositiveIntegerField(_("attendees"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["org_unit", "kind", "held_on"], name="branches_meeting_unit_kind"),
            models.Index(fields=["enterprise", "kind", "held_on"], name="branches_meeting_ent_kind"),
        ]
        constraints = [
            # A meeting is recorded after it is held; a day of slack for time zones and typing.
            models.CheckConstraint(
                condition=models.Q(held_on__lte=Now() + timedelta(days=1)),
                name="branches_meeting_not_in_future",
                violation_error_message=_("A meeting cannot be recorded before it is held."),
            ),
            plausible_date_constraint("held_on", name="%(app_label)s_%(class)s_held_on_plausible"),
            models.CheckConstraint(
                condition=models.Q(kind__in=MeetingKind.values),
                name="branches_meeting_valid_kind",
                violation_error_message=_("Unknown kind of meeting."),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=MeetingKind.WORKERS_CONGRESS) | models.Q(enterprise__isnull=False),
                name="branches_meeting_congress_has_enterprise",
                violation_error_message=_("A workers' congress is held in an enterprise: choose it."),
            ),
        ]

    def __str__(self):
        return f"{self.held_on} {self.title}"

    def clean(self):
        """Who holds which kind of meeting, and a workers' congress in one of the unit's enterprises."""
        errors = {}
        if self.kind in TOWNSHIP_MEETING_KINDS and self.org_unit_id and self.org_unit.kind != OrgUnitKind.TOWNSHIP:
            errors["kind"] = "乡镇工会大会和党政工联席会议由乡镇（街道）工会召开。"
        if self.kind == MeetingKind.WORKERS_CONGRESS:
            if self.enterprise_id is None:
                errors["enterprise"] = "职工代表大会在企业召开，请选择企业。"
            elif self.org_unit_id and (
                not self.enterprise.township.path.startswith(self.org_unit.path)
                and self.enterprise.union_id != self.org_unit_id
            ):
                errors["enterprise"] = "所选企业不属于该工会。"
        if errors:
            raise ValidationError(errors)


@audited()
class Rating(BaseModel):
    """A title awarded for a year, with the checklist that earned it."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="ratings")
    title = models.CharField(_("honorary title"), max_length=30, choices=RatingTitle.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=RATING_YEARS)
    checklist = models.TextField(_("checklist"), max_length=5000, help_text=_("The criteria met, one per line."))
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "title", "year"],
                name="branches_rating_once_a_year",
                violation_error_message=_("This title was already recorded for this year."),
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=1950, year__lte=2100),
                name="branches_rating_sensible_year",
                violation_error_message=_("Enter a year between 1950 and 2100."),
            ),
            models.CheckConstraint(
                condition=models.Q(title__in=RatingTitle.values),
                name="branches_rating_valid_title",
                violation_error_message=_("Unknown title."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_title_display()}"
