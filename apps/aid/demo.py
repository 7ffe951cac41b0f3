"""Demo hardship aid (困难职工帮扶), dated from today.

- A hardship file for every member the members demo marks in hardship (the flag then follows the
  file): opened over the last two years for the reasons offices see most, reviewed on time once a
  year (a few overdue, for the reminder), some closed out of hardship (which clears the flag).
- Last winter's 送温暖 campaign of the county (e.g. 2025年送温暖 in January 2026) with aid to
  members in hardship across the townships, from the county's funds, the townships' and
  donations, some of it goods; one record reversed (entered twice).
- The county's hardship threshold for this year and last.

Deterministic (a fixed `random.Random`), everything through the services, loaded once: nothing is
added when a campaign exists.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit
from apps.members.models import Member

from .choices import AidKind, ClosingReason, FundSource, HardshipReason, ReviewOutcome
from .models import AidCampaign, HardshipFile
from .services import aid_record, aid_reverse, campaign_create, file_close, file_open, file_review, threshold_set

REASONS = [
    HardshipReason.ILLNESS,
    HardshipReason.ILLNESS,
    HardshipReason.LAID_OFF,
    HardshipReason.DISABILITY,
    HardshipReason.SINGLE_PARENT,
    HardshipReason.SCHOOLING,
    HardshipReason.DISASTER,
]
APPROVERS = ["县总工会 王主席", "县总工会 李副主席"]


def last_winter(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The January–February of the last Spring Festival that lies wholly before today."""
    year = today.year if today.month >= 3 else today.year - 1
    return datetime.date(year, 1, 10), datetime.date(year, 2, 20)


@transaction.atomic
def seed():
    if AidCampaign.objects.exists():
        return []
    county = OrgUnit.objects.filter(kind=OrgUnitKind.COUNTY).order_by("path").first()
    if county is None:
        return []
    rng = random.Random("aid-demo")  # noqa: S311 - demo data
    today = timezone.localdate()
    threshold_set(user=None, unit=county, year=today.year - 1, amount=Decimal("760.00"))
    threshold_set(user=None, unit=county, year=today.year, amount=Decimal("800.00"))

    starts, ends = last_winter(today)
    campaign = campaign_create(
        user=None,
        unit=county,
        name=f"{starts.year - 1}年送温暖",
        year=starts.year - 1,
        kind=AidKind.SPRING_FESTIVAL,
        starts_on=starts,
        ends_on=ends,
        budget=Decimal("300000.00"),
    )

    members = list(
        Member.objects.filter(hardship=True, union__path__startswith=county.path)
        .select_related("union")
        .defer("id_number")
        .order_by("id")
    )
    files = []
    for n, member in enumerate(members):
        opened = today - datetime.timedelta(days=rng.randint(40, 700))
        file = file_open(
            user=None,
            member=member,
            reason=rng.choice(REASONS),
            household_size=rng.randint(1, 5),
            income_per_head=Decimal(rng.randrange(20000, 78000)) / 100,
            opened_on=opened,
        )
        # Files over a year old were reviewed on time once; one in seven is overdue (the reminder).
        while file.review_due_on <= today and n % 7 != 3:
            reviewed = file.review_due_on - datetime.timedelta(days=rng.randint(0, 20))
            file_review(
                user=None, file=file, reviewed_on=reviewed, outcome=ReviewOutcome.CONTINUED, note="家庭收入仍低于标准"
            )
            file.refresh_from_db()
        files.append(file)

    # Aid in last winter's campaign to members in hardship then (files opened before it ended).
    given = []
    for n, file in enumerate(f for f in files if f.opened_on <= ends):
        day = starts + datetime.timedelta(days=rng.randint(0, (ends - starts).days))
        goods = n % 5 == 4
        record = aid_record(
            user=None,
            member=file.member,
            kind=AidKind.GOODS if goods else AidKind.SPRING_FESTIVAL,
            amount=Decimal("260.00") if goods else Decimal(rng.choice(["500.00", "800.00", "1000.00"])),
            goods="大米一袋、食用油一桶、棉被一床" if goods else "",
            given_on=day,
            fund=[FundSource.COUNTY, FundSource.COUNTY, FundSource.TOWNSHIP, FundSource.DONATIONS][n % 4],
            approved_by=rng.choice(APPROVERS),
            campaign=campaign,
        )
        given.append(record)
    if given:
        aid_reverse(user=None, record=given[0], reason="同一户重复登记，冲销")
        # The member still received the aid once: recorded again, correctly.
        first = given[0]
        aid_record(
            user=None,
            member=first.member,
            kind=first.kind,
            amount=first.amount,
            goods=first.goods,
            given_on=first.given_on,
            fund=first.fund,
            approved_by=first.approved_by,
            campaign=campaign,
        )

    # Medical and schooling aid this year, to a few.
    for n, file in enumerate(files[:: max(len(files) // 6, 1)][:6]):
        kind = AidKind.MEDICAL if n % 2 == 0 else AidKind.SCHOOLING
        day = max(file.opened_on, today - datetime.timedelta(days=rng.randint(0, 120)))
        aid_record(
            user=None,
            member=file.member,
            kind=kind,
            amount=Decimal("2000.00") if kind == AidKind.MEDICAL else Decimal("1500.00"),
            given_on=min(day, today),
            fund=FundSource.COUNTY,
            approved_by=APPROVERS[0],
        )

    # Some are out of hardship: found work, income above the line (the flag is cleared).
    for n, file in enumerate(files[2::9]):
        reason = [ClosingReason.EMPLOYMENT, ClosingReason.INCOME, ClosingReason.RECOVERED][n % 3]
        file_close(user=None, file=HardshipFile.objects.get(pk=file.pk), closed_on=today, close_reason=reason)
    return []
