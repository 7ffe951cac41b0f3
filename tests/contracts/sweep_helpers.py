"""Helpers of the sweep's tests (test_sweep*, test_milestones, test_todos): Shanghai times, a
contracts-only sweep with short names, the notifications a user got."""

import datetime

from apps.contracts.milestones import KINDS, MILESTONE_KINDS
from apps.core.milestones import milestones_sweep
from apps.core.models import Notification

SH = datetime.timezone(datetime.timedelta(hours=8))


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0) -> datetime.datetime:
    """An instant in Shanghai time."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SH)


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """The contracts' milestones swept as of `now`: {short name: subjects that reached it now}."""
    done = milestones_sweep(now=now, kinds=MILESTONE_KINDS)
    return {name: done[kind] for name, kind in KINDS.items()}


def reached(result: dict[str, int]) -> dict[str, int]:
    """Only the milestones that something reached."""
    return {name: count for name, count in result.items() if count}


def notes(user, name: str | None = None) -> list[str]:
    """The titles of the contract notifications `user` got (of milestone `name`, if given)."""
    prefix = KINDS[name] + ":" if name else "contracts:"
    return sorted(
        Notification.objects.filter(recipient=user, dedupe_key__startswith=prefix).values_list("title", flat=True)
    )
