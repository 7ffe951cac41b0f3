"""The compliance reminder sweep, run by Celery beat.

Each reminder has a deduplication key (subject, kind, year or term); the notification table's
unique constraint on (recipient, key) makes it exactly-once however often or concurrently the
sweep runs.
"""

import datetime

from apps.accounts.selectors import user_list_to_notify
from apps.core.models import Notification, NotificationLevel
from apps.core.services import notification_send_many

from ..compliance import compliance_findings
from ..models import OrgUnit

# Who at a township or a union is reminded: its staff and officers, whoever sees the unit
# (township staff and grassroots officers hold it through their roles).
REMINDER_PERMISSION = "branches.view_orgunit"


def _parent_ids(units):
    """Each unit's parent id, from the materialised path, in one query."""
    parent_paths = {unit.pk: unit.path[: -unit.steplen] for unit in units}
    ids = dict(OrgUnit.objects.filter(path__in=set(parent_paths.values())).values_list("path", "pk"))
    return {pk: ids.get(path) for pk, path in parent_paths.items()}


def compliance_reminders_send(*, today: datetime.date) -> int:
    """Send what is due as of `today`; returns how many notifications were created now."""
    findings = compliance_findings(user=None, today=today)
    planned = []  # (unit ids to notify, key, title, body, link, level)
    if findings.past_deadline:
        for township in findings.townships_without_joint_meeting:
            planned.append(
                (
                    [township.pk],
                    f"branches:joint_meeting:{township.pk}:{findings.year}",
                    f"{township.name}尚未召开{findings.year}年党政工联席会议",
                    f"按要求每年至少召开一次党政工联席会议（截止 {findings.deadline:%m月%d日}）。请召开后在平台登记。",
                    township.get_absolute_url(),
                    NotificationLevel.WARNING,
                )
            )
        for enterprise in findings.enterprises_without_congress:
            planned.append(
                (
                    [enterprise.township_id] + ([enterprise.union_id] if enterprise.union_id else []),
                    f"branches:workers_congress:{enterprise.pk}:{findings.year}",
                    f"{enterprise.name}尚未召开{findings.year}年职工代表大会",
                    "该企业已建立职代会制度，本年度尚未登记职工代表大会。",
                    enterprise.get_absolute_url(),
                    NotificationLevel.WARNING,
                )
            )
    parents = _parent_ids([*findings.unions_missing_subcommittees, *findings.terms_ending])
    for union in findings.unions_missing_subcommittees:
        planned.append(
            (
                [parents[union.pk], union.pk],
                f"branches:subcommittees:{union.pk}:{findings.year}",
                f"{union.name}缺少：{'、'.join(union.missing_subcommittees)}",
                "女职工委员会、经费审查委员会、劳动争议调解委员会应与工会委员会同步建立。",
                union.get_absolute_url(),
                NotificationLevel.INFO,
            )
        )
    for union in findings.terms_ending:
        planned.append(
            (
                [parents[union.pk], union.pk],
                f"branches:term_end:{union.pk}:{union.term_end:%Y-%m-%d}",
                f"{union.name}本届任期将于 {union.term_end:%Y-%m-%d} 届满",
                "请提前做好换届选举准备。",
                union.get_absolute_url(),
                NotificationLevel.INFO,
            )
        )
    if not planned:
        return 0
    staff = user_list_to_notify(perm=REMINDER_PERMISSION, unit_ids={unit_id for ids, *_ in planned for unit_id in ids})
    # One insert; the notification table's unique (recipient, key) makes each reminder once.
    return notification_send_many(
        notifications=[
            Notification(recipient=user, title=title, body=body, link=link, level=level, dedupe_key=key)
            for unit_ids, key, title, body, link, level in planned
            for unit_id in unit_ids
            for user in staff.get(unit_id, [])
        ]
    )
