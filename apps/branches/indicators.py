"""The branches app's rates (registered in BranchesConfig.ready())."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from apps.core.indicators import Rate

from .choices import GRASSROOTS_KINDS, OrgUnitKind
from .selectors import formation_counts


def formation_rate(*, user, unit=None, counts: dict | None = None) -> Rate | None:
    """工会组建率: enterprises with an approved union ÷ active enterprises with 25+ employees.

    `counts`: {"total", "unionised"} as `formation_counts` counts them, pre-computed for the
    home page (apps.overview counts them through the same selectors).
    """
    unit = unit if unit is not None else user.org_unit
    if unit is not None and unit.kind in GRASSROOTS_KINDS:
        return None
    if counts is None:
        counts = formation_counts(user=user, unit=unit)
    query = {"min_employees": settings.FORMATION_RATE_MIN_EMPLOYEES}
    if unit is not None and unit.kind == OrgUnitKind.TOWNSHIP:
        query["township"] = unit.pk
    return Rate(
        numerator=counts["unionised"],
        denominator=counts["total"],
        numerator_label="已批准建会企业",
        denominator_label=f"{settings.FORMATION_RATE_MIN_EMPLOYEES}人以上企业",
        url=reverse("branches:formation_rate"),
        numerator_url=f"{reverse('branches:enterprise_list')}?{urlencode({**query, 'union_status': 'approved'})}",
        denominator_url=f"{reverse('branches:enterprise_list')}?{urlencode(query)}",
    )
