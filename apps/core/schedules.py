"""Celery beat's schedules and the portal's periodic tasks, described in Chinese for Django admin.

django-celery-beat stores `timedelta(hours=6)` as "every 21600 seconds" and names a task by its
settings key (`clear-expired-sessions`); the office reads "每 6 小时" and "清理过期会话".
"""

from django.utils.translation import gettext_lazy as _

# Each beat task of settings.CELERY_BEAT_SCHEDULE (and Celery's own result clean-up), by its
# task's dotted name: what the office calls it, and what it does.
PORTAL_TASKS = {
    "apps.core.tasks.sweep_background_jobs": (
        _("Check background jobs"),
        _("Sends a job that waited too long to a worker again and marks a job whose worker was lost as failed."),
    ),
    "apps.core.tasks.purge_old_exports": (
        _("Remove old export files"),
        _("Deletes the Excel files of exports (personal data) a day after they were made."),
    ),
    "apps.overview.tasks.refresh_unit_summaries": (
        _("Refresh the home page figures"),
        _("Computes the key figures of every unit shown on the home page in advance."),
    ),
    "apps.overview.tasks.refresh_assessment_snapshots": (
        _("Refresh the county assessment figures"),
        _("Counts every indicator of every township for the open assessment years, and scores them."),
    ),
    "apps.core.tasks.sweep_milestones": (
        _("Send deadline reminders"),
        _("Sends the reminders that are due: complaint deadlines, yearly meetings, terms ending."),
    ),
    "apps.core.tasks.send_pending_notification_emails": (
        _("Send notification emails"),
        _("Sends the notification emails not sent yet."),
    ),
    "apps.members.tasks.expire_transfer_requests": (
        _("Cancel unanswered transfer requests"),
        _("Cancels a transfer-in request the releasing union has not answered in time, unfreezing its member."),
    ),
    "apps.core.tasks.clear_expired_sessions": (
        _("Clear expired sessions"),
        _("Deletes the login sessions that have expired."),
    ),
    "celery.backend_cleanup": (
        _("Clean up task results"),
        _("Celery's own clean-up of expired task results."),
    ),
}

_UNITS = [("days", 86400, "天"), ("hours", 3600, "小时"), ("minutes", 60, "分钟"), ("seconds", 1, "秒")]
_SECONDS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1, "microseconds": 1e-6}
_WEEKDAYS = {"0": "日", "1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "日"}
_WEEKDAY_NAMES = {"sun": "0", "mon": "1", "tue": "2", "wed": "3", "thu": "4", "fri": "5", "sat": "6"}


def describe_interval(every: int, period: str) -> str:
    """ "每 6 小时" for 21600 seconds: the largest unit that divides the interval exactly."""
    if period == "microseconds":
        return f"每 {every} 微秒"
    seconds = every * _SECONDS.get(period, 1)
    for _name, size, word in _UNITS:
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"每{word}" if count == 1 else f"每 {count} {word}"
    return f"每 {every} 秒"


def _number(value: str) -> str | None:
    return value if value.isdigit() else None


def _weekdays(value: str) -> str:
    parts = [_WEEKDAY_NAMES.get(part.lower(), part) for part in value.split(",")]
    if all(part in _WEEKDAYS for part in parts):
        return "、".join(f"周{_WEEKDAYS[part]}" for part in parts)
    return f"星期 {value}"


def describe_crontab(minute: str, hour: str, day_of_month: str, month_of_year: str, day_of_week: str) -> str:
    """A crontab in words: "每天 04:00", "每小时第 30 分", "每 5 分钟", "每月 1 日 07:30"."""
    m, h = _number(minute), _number(hour)
    every_day = day_of_month == "*" and month_of_year == "*"
    if every_day and day_of_week == "*":
        if m is not None and h is not None:
            return f"每天 {int(h):02d}:{int(m):02d}"
        if m is not None and hour == "*":
            return f"每小时第 {int(m)} 分"
        if minute.startswith("*/") and minute[2:].isdigit() and hour == "*":
            return f"每 {int(minute[2:])} 分钟"
        if minute == "*" and hour == "*":
            return "每分钟"
    if m is not None and h is not None:
        at = f"{int(h):02d}:{int(m):02d}"
        if every_day:
            return f"每{_weekdays(day_of_week)} {at}"
        if month_of_year == "*" and day_of_week == "*":
            return f"每月 {day_of_month} 日 {at}"
        if day_of_week == "*" and _number(month_of_year) and _number(day_of_month):
            return f"每年 {int(month_of_year)} 月 {int(day_of_month)} 日 {at}"
    return f"分钟 {minute}，小时 {hour}，日 {day_of_month}，月 {month_of_year}，星期 {day_of_week}"


def describe_crontab_schedule(crontab) -> str:
    words = describe_crontab(
        crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week
    )
    zone = str(crontab.timezone)
    return words if zone == "Asia/Shanghai" else f"{words}（{zone} 时间）"


def describe_schedule(task) -> str:
    """A django-celery-beat PeriodicTask's schedule in Chinese."""
    from django.utils import timezone

    if task.interval_id:
        return describe_interval(task.interval.every, task.interval.period)
    if task.crontab_id:
        return describe_crontab_schedule(task.crontab)
    if task.clocked_id:
        return f"一次：{timezone.localtime(task.clocked.clocked_time):%Y-%m-%d %H:%M}"
    if task.solar_id:
        return str(task.solar)
    return "—"


def task_title(task) -> str:
    known = PORTAL_TASKS.get(task.task)
    return str(known[0]) if known else task.name


def task_description(task) -> str:
    known = PORTAL_TASKS.get(task.task)
    return str(known[1]) if known else task.description


def install_chinese_schedule_names() -> None:
    """django-celery-beat's models name themselves in Chinese wherever admin shows one (breadcrumbs,
    select boxes, the list's checkbox labels, delete confirmations): "每 6 小时", not "every 21600
    seconds"; "清理过期会话：每 6 小时", not "clear-expired-sessions: every 21600 seconds"."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    IntervalSchedule.__str__ = lambda self: describe_interval(self.every, self.period)
    CrontabSchedule.__str__ = describe_crontab_schedule
    PeriodicTask.__str__ = lambda self: f"{task_title(self)}：{describe_schedule(self)}"
