from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class UnitSummary(models.Model):
    """The key figures under one org unit (township and above), pre-computed by Celery.

    Counting 15 million members on every page view is what a province cannot afford; the
    home page reads these rows instead, refreshed every few minutes (apps.overview.tasks).
    Derived data: rebuilt from the source tables at every refresh, so it has no history.
    """

    unit = models.OneToOneField(
        "branches.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    members_active = models.PositiveIntegerField(_("members"), default=0)
    members_hardship = models.PositiveIntegerField(_("members in hardship"), default=0)
    unions_approved = models.PositiveIntegerField(_("grassroots unions"), default=0)
    unions_pending = models.PositiveIntegerField(_("unions awaiting approval"), default=0)
    enterprises = models.PositiveIntegerField(_("enterprises counted for the formation rate"), default=0)
    enterprises_unionised = models.PositiveIntegerField(_("enterprises with an approved union"), default=0)
    complaints_open = models.PositiveIntegerField(_("open complaints"), default=0)
    complaints_overdue = models.PositiveIntegerField(_("overdue complaints"), default=0)
    complaints_this_year = models.PositiveIntegerField(_("complaints received this year"), default=0)
    # 职工入会率 as apps.members.selectors.enrolment_aggregate counts it: the plausible unions'
    # members and covered employees, and how many unions were left out (more members than employees).
    enrolment_members = models.PositiveIntegerField(_("members of unions with plausible figures"), default=0)
    enrolment_employees = models.PositiveIntegerField(_("employees covered by those unions"), default=0)
    enrolment_problems = models.PositiveIntegerField(_("unions with more members than employees"), default=0)
    # 集体合同签订率 as apps.contracts.selectors.coverage counts it on the day of the refresh: the
    # unionised enterprises (enterprises_unionised above) covered by a contract in force, and by
    # a wage and a women workers' special contract in force.
    contracts_covered = models.PositiveIntegerField(_("unionised enterprises covered by a contract"), default=0)
    contracts_covered_wage = models.PositiveIntegerField(_("covered by a wage contract"), default=0)
    contracts_covered_women = models.PositiveIntegerField(_("covered by a women workers' contract"), default=0)
    # 经费收缴率 as apps.dues.selectors.finance.collection_counts_by_township counts it for the
    # refresh's year: the union fund due and collected (each entry counted up to its due).
    funds_due = models.DecimalField(_("union fund due this year"), max_digits=16, decimal_places=2, default=0)
    funds_counted = models.DecimalField(_("union fund collected this year"), max_digits=16, decimal_places=2, default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("unit summary")
        verbose_name_plural = _("unit summaries")
        constraints = [
            models.CheckConstraint(
                condition=Q(members_hardship__lte=F("members_active")),
                name="overview_summary_hardship_within_members",
            ),
            models.CheckConstraint(
                condition=Q(enterprises_unionised__lte=F("enterprises")),
                name="overview_summary_unionised_within_enterprises",
            ),
            models.CheckConstraint(
                condition=Q(complaints_overdue__lte=F("complaints_open")),
                name="overview_summary_overdue_within_open",
            ),
            models.CheckConstraint(
                condition=Q(enrolment_members__lte=F("enrolment_employees")),
                name="overview_summary_enrolment_plausible",
            ),
            models.CheckConstraint(
                condition=Q(funds_counted__gte=0, funds_counted__lte=F("funds_due")),
                name="overview_summary_funds_counted_within_due",
            ),
        ]

    def __str__(self):
        return f"{self.unit_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"

    @property
    def formation_rate(self):
        return self.enterprises_unionised / self.enterprises if self.enterprises else None

    @property
    def coverage_rate(self):
        return self.contracts_covered / self.enterprises_unionised if self.enterprises_unionised else None

    @property
    def enrolment_rate(self):
        return self.enrolment_members / self.enrolment_employees if self.enrolment_employees else None

    def indicator_counts(self) -> dict:
        """The pre-computed totals the registered indicators build their rates from (apps.core.indicators)."""
        return {
            "branches.formation_rate": {"total": self.enterprises, "unionised": self.enterprises_unionised},
            "members.enrolment_rate": {
                "members": self.enrolment_members,
                "employees": self.enrolment_employees,
                "problems": self.enrolment_problems,
            },
            "contracts.coverage": {"unionised": self.enterprises_unionised, "covered": self.contracts_covered},
            "dues.collection_rate": {"due": self.funds_due, "counted": self.funds_counted},
        }
