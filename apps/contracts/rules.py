"""Which rules a contract runs by: the bargaining rule profile and the local minimum wage of a union.

Both are chosen by the union's place in the tree: the nearest unit above it (itself included)
that has a profile (or a minimum-wage area class) assigned decides; else the default profile.
"""

from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit

from .models import MinimumWage, RuleProfile, WageArea


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """The materialised paths of `unit` and every unit above it, nearest last (no query)."""
    step = OrgUnit.steplen
    return [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]


def township_of(unit: OrgUnit) -> OrgUnit | None:
    """The township `unit` belongs to (itself, if it is one); None above the townships."""
    if unit.kind == OrgUnitKind.TOWNSHIP:
        return unit
    return OrgUnit.objects.filter(path__in=ancestor_paths(unit), kind=OrgUnitKind.TOWNSHIP).order_by("-depth").first()


def rule_profile_for(unit: OrgUnit) -> RuleProfile:
    """The profile assigned nearest above `unit`, else the default (one query)."""
    paths = ancestor_paths(unit)
    profile = RuleProfile.objects.filter(units__path__in=paths).order_by("-units__depth").first()
    if profile is None:
        profile = RuleProfile.objects.filter(is_default=True).first()
    if profile is None:
        raise ImproperlyConfigured("No default bargaining rule profile (contracts migration 0003 makes one).")
    return profile


def wage_area_class_for(unit: OrgUnit) -> str | None:
    """The minimum-wage area class assigned nearest above `unit`, or None (one query)."""
    area = WageArea.objects.filter(unit__path__in=ancestor_paths(unit)).order_by("-unit__depth").first()
    return area.area_class if area else None


def minimum_wage_for(unit: OrgUnit, year: int) -> MinimumWage | None:
    """The monthly minimum wage that applies to `unit` in `year`: its area class's row of that year,
    or the latest earlier year's (a province keeps its standard until it publishes a new one)."""
    area_class = wage_area_class_for(unit)
    if area_class is None:
        return None
    return MinimumWage.objects.filter(area_class=area_class, year__lte=year).order_by("-year").first()


def minimum_wage_warning(*, unit: OrgUnit, year: int, agreed: Decimal | None) -> str | None:
    """A warning (not a refusal) when the minimum wage agreed is below the local minimum wage."""
    if agreed is None:
        return None
    local = minimum_wage_for(unit, year)
    if local is None or agreed >= local.monthly:
        return None
    return (
        f"约定的最低工资 {agreed:,.2f} 元/月低于 {local.year} 年当地最低工资标准 {local.monthly:,.2f} 元/月"
        f"（{local.get_area_class_display()}），请核对。"
    )
