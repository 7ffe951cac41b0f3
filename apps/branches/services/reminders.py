"""The yearly compliance reminders, declared on the core milestone engine (apps.core.milestones).

Four milestones, each once per subject and occurrence (the engine's claim decides, however
often or concurrently the sweep runs; the keys are those the notifications always had):

- a township without its party–government–union joint meeting this year, after the deadline
  (YEARLY_MEETING_DEADLINE), and an enterprise with a workers' congress that has not held it;
- a committee union missing sub-committees, once a year;
- a grassroots union whose term ends within TERM_END_REMINDER_DAYS, once per term.

What is due comes from the yearly check (`compliance_findings`, the same rules as the compliance
page), worked out once per sweep, and only by the first sweep of a reminder day that gets
through without a failure (`once_per_day_after`): the five-minute beat would otherwise run the
county's whole yearly check 288 times a day. The reminders' day starts at REMINDER_DAY_STARTS
(Shanghai): the sweep sends them in the morning, not at midnight.
"""

import datetime

from django.db.models import CharField, DateTimeField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from apps.accounts.selectors import user_list_to_notify
from apps.core.milestones import Message, Milestone, milestone_day, milestones_sweep
from apps.core.models import NotificationLevel

from ..compliance import compliance_findings
from ..models import Enterprise, OrgUnit

REMINDER_DAY_STARTS = datetime.time(7, 30)
KINDS = ("branches:joint_meeting", "branches:workers_congress", "branches:subcommittees", "branches:term_end")

# Who at a township or a union is reminded: its staff and officers, whoever sees the unit
# (township staff and grassroots officers hold it through their roles).
REMINDER_PERMISSION = "branches.view_orgunit"


def reminder_day(now: datetime.datetime) -> datetime.date:
    """The day whose reminders are due at `now`: today in Shanghai from 07:30, yesterday before."""
    return milestone_day(now, REMINDER_DAY_STARTS)


def compliance_reminders_send(*, today: datetime.date) -> int:
    """Send what is due as of `today` (from the start of its reminder day); returns how many
    subjects were reminded now. An explicit send: it runs even if today's sweep already has."""
    now = datetime.datetime.combine(today, REMINDER_DAY_STARTS, tzinfo=timezone.get_current_timezone())
    return sum(milestones_sweep(now=now, kinds=KINDS, force=True).values())


def _findings(run):
    return compliance_findings(user=None, today=reminder_day(run.now))


def _parent_ids(run):
    """Each reminded union's parent id, from the materialised path, in one query."""
    findings = run.memo(_findings, run)
    units = [*findings.unions_missing_subcommittees, *findings.terms_ending]
    parent_paths = {unit.pk: unit.path[: -unit.steplen] for unit in units}
    ids = dict(OrgUnit.objects.filter(path__in=set(parent_paths.values())).values_list("path", "pk"))
    return {pk: ids.get(path) for pk, path in parent_paths.items()}


def _staff_by_unit(run):
    """Township staff and grassroots officers of the units this sweep reminds, by unit."""
    findings = run.memo(_findings, run)
    unit_ids = {t.pk for t in findings.townships_without_joint_meeting}
    unit_ids |= {e.township_id for e in findings.enterprises_without_congress}
    unit_ids |= {e.union_id for e in findings.enterprises_without_congress if e.union_id}
    unit_ids |= {u.pk for u in [*findings.unions_missing_subcommittees, *findings.terms_ending]}
    unit_ids |= set(run.memo(_parent_ids, run).values())
    return user_list_to_notify(perm=REMINDER_PERMISSION, unit_ids=unit_ids - {None})


def compliance_reminder_recipients(unit_ids, run) -> list:
    """Who is told about a compliance reminder: the township staff and grassroots officers whose
    own unit is one of `unit_ids` (the one place that decides)."""
    staff = run.memo(_staff_by_unit, run)
    return [user for unit_id in unit_ids for user in staff.get(unit_id, [])]


def _by_pk(run, attribute):
    return {item.pk: item for item in getattr(run.memo(_findings, run), attribute)}


def _yearly(model, attribute, *, after_deadline: bool):
    def due(run):
        findings = run.memo(_findings, run)
        if after_deadline and not findings.past_deadline:
            return model.objects.none()
        found = [item.pk for item in getattr(findings, attribute)]
        due_at = None
        if after_deadline:
            day = findings.deadline + datetime.timedelta(days=1)
            due_at = datetime.datetime.combine(day, REMINDER_DAY_STARTS, tzinfo=timezone.get_current_timezone())
        return model.objects.filter(pk__in=found).annotate(
            milestone_due_at=Value(due_at, output_field=DateTimeField()),
            milestone_occurrence=Value(str(findings.year)),
        )

    return due


def _terms_ending(run):
    found = [union.pk for union in run.memo(_findings, run).terms_ending]
    return OrgUnit.objects.filter(pk__in=found).annotate(milestone_occurrence=Cast("term_end", CharField()))


def _joint_meeting_message(township, run) -> Message:
    findings = run.memo(_findings, run)
    return Message(
        title=f"{township.name}尚未召开{findings.year}年党政工联席会议",
        body=f"按要求每年至少召开一次党政工联席会议（截止 {findings.deadline:%m月%d日}）。请召开后在平台登记。",
        link=township.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


def _workers_congress_message(enterprise, run) -> Message:
    return Message(
        title=f"{enterprise.name}尚未召开{run.memo(_findings, run).year}年职工代表大会",
        body="该企业已建立职代会制度，本年度尚未登记职工代表大会。",
        link=enterprise.get_absolute_url(),
        level=NotificationLevel.WARNING,
    )


def _subcommittees_message(union, run) -> Message:
    missing = _by_pk(run, "unions_missing_subcommittees")[union.pk].missing_subcommittees
    return Message(
        title=f"{union.name}缺少：{'、'.join(missing)}",
        body="女职工委员会、经费审查委员会、劳动争议调解委员会应与工会委员会同步建立。",
        link=union.get_absolute_url(),
        level=NotificationLevel.INFO,
    )


def _term_end_message(union, run) -> Message:
    return Message(
        title=f"{union.name}本届任期将于 {union.term_end:%Y-%m-%d} 届满",
        body="请提前做好换届选举准备。",
        link=union.get_absolute_url(),
        level=NotificationLevel.INFO,
    )


def _union_and_parent(union, run):
    return compliance_reminder_recipients([run.memo(_parent_ids, run).get(union.pk), union.pk], run)


def compliance_milestones() -> list[Milestone]:
    return [
        Milestone(
            kind="branches:joint_meeting",
            due=_yearly(OrgUnit, "townships_without_joint_meeting", after_deadline=True),
            recipients=lambda township, run: compliance_reminder_recipients([township.pk], run),
            message=_joint_meeting_message,
            once_per_day_after=REMINDER_DAY_STARTS,
        ),
        Milestone(
            kind="branches:subcommittees",
            due=_yearly(OrgUnit, "unions_missing_subcommittees", after_deadline=False),
            recipients=_union_and_parent,
            message=_subcommittees_message,
            once_per_day_after=REMINDER_DAY_STARTS,
        ),
        Milestone(
            kind="branches:term_end",
            due=_terms_ending,
            recipients=_union_and_parent,
            message=_term_end_message,
            once_per_day_after=REMINDER_DAY_STARTS,
        ),
        Milestone(
            kind="branches:workers_congress",
            due=_yearly(Enterprise, "enterprises_without_congress", after_deadline=True),
            recipients=lambda enterprise, run: compliance_reminder_recipients(
                [enterprise.township_id, enterprise.union_id], run
            ),
            message=_workers_congress_message,
            once_per_day_after=REMINDER_DAY_STARTS,
        ),
    ]
