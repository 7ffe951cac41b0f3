"""Aid campaigns (2026年送温暖) and the yearly hardship thresholds."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.branches.choices import OrgUnitKind
from apps.core.errors import ApplicationError
from apps.core.history import acting_user
from apps.core.services import model_update

from ..models import AidCampaign, HardshipThreshold
from .common import check_manages

__all__ = ["campaign_create", "campaign_update", "threshold_set"]

CAMPAIGN_FIELDS = ["name", "year", "kind", "starts_on", "ends_on", "budget"]


def _check_unit(unit) -> None:
    if unit is None or unit.kind not in (OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP):
        raise ApplicationError("请选择县总工会或乡镇工会。")


def _check_unique(name: str, year: int, exclude=None) -> None:
    others = AidCampaign.objects.filter(name=name, year=year)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError({"name": f"{year}年已有名为“{name}”的帮扶活动。"})


@transaction.atomic
def campaign_create(
    *,
    user,
    unit,
    name: str,
    year: int,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget: Decimal = Decimal("0.00"),
) -> AidCampaign:
    _check_unit(unit)
    check_manages(user, unit, what=f"{unit.name}")
    name = (name or "").strip()
    campaign = AidCampaign(
        unit=unit,
        name=name,
        year=year,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        created_by=user,
    )
    campaign.full_clean(validate_constraints=False)
    _check_unique(name, year)
    with acting_user(user):
        campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, user, campaign: AidCampaign, **data) -> AidCampaign:
    """Change a campaign's name, year, kind, period or budget (not its organiser)."""
    check_manages(user, campaign.unit, what=f"{campaign.name}")
    campaign = AidCampaign.objects.select_for_update().get(pk=campaign.pk)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    _check_unique(data.get("name", campaign.name), data.get("year", campaign.year), exclude=campaign)
    starts, ends = data.get("starts_on", campaign.starts_on), data.get("ends_on", campaign.ends_on)
    given = campaign.records.exclude(given_on__range=(starts, ends)) if starts and ends else None
    if given is not None and given.exists():
        raise ValidationError({"starts_on": "已有帮扶记录的日期在新的时间范围之外，请先核对这些记录。"})
    model_update(instance=campaign, fields=CAMPAIGN_FIELDS, data=data, user=user)
    return campaign


@transaction.atomic
def threshold_set(*, user, unit, year: int, amount: Decimal) -> HardshipThreshold:
    """A county's hardship threshold for a year (set, or changed)."""
    if unit is None or unit.kind != OrgUnitKind.COUNTY:
        raise ApplicationError("困难职工认定标准按县设定，请选择县总工会。")
    check_manages(user, unit, what=f"{unit.name}")
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "认定标准须大于 0 元。"})
    row = HardshipThreshold.objects.select_for_update().filter(unit=unit, year=year).first()
    if row is not None:
        model_update(instance=row, fields=["amount"], data={"amount": amount}, user=user)
        return row
    row = HardshipThreshold(unit=unit, year=year, amount=amount)
    row.full_clean()
    with acting_user(user):
        row.save()
    return row
