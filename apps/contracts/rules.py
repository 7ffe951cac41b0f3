"""Which rules a contract runs by: the bargaining rule profile and the local minimum wage of a union.

Both are chosen by the union's place in the tree: the nearest unit above it (itself included)
that has a profile (or a minimum-wage area class) assigned decides; else the default profile.
"""

import datetime
from decimal import Decimal

from apps.branches.choices import OrgUnitKind
from apps.branches.models import OrgUnit

from .models import MinimumWage, RuleProfile, WageArea

# The national rules, the default profile (migration 0002 makes it; tests whose tables are
# flushed make it again with `rule_profile_default`).
NATIONAL_RULES = {
    "name": "集体合同规定",
    "document_number": "劳动和社会保障部令第22号",
    "effective_from": datetime.date(2004, 5, 1),
    "answer_days": 20,
    "quorum_numerator": 2,
    "quorum_denominator": 3,
    "majority_numerator": 1,
    "majority_denominator": 2,
    "thresholds_inclusive": True,
    "send_days": 10,
    "review_days": 15,
    "renewal_window_months": 3,
    "term_min_months": 12,
    "term_max_months": 36,
    "notes": (
        "第三十二条：收到协商要求之日起20日内书面回应；第三十六条：职工代表大会或者职工大会应当有三分之二以上"
        "职工代表或者职工出席，且须经全体职工代表半数以上或者全体职工半数以上同意；第四十二条：签字之日起10日内报送；"
        "第四十七条：收到文本之日起15日内未提出异议的，集体合同即行生效；第三十八条：期限一般为1至3年，"
        "期满或双方约定的终止条件出现前3个月内，任何一方均可提出续订要求。“以上”包括本数。"
    ),
}


def rule_profile_default() -> RuleProfile:
    """The default profile, made from the national rules if there is none."""
    profile = RuleProfile.objects.filter(is_default=True).first()
    return profile or RuleProfile.objects.create(**NATIONAL_RULES, is_default=True)


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
    return profile or rule_profile_default()


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
