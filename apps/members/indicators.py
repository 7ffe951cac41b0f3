"""The members app's rates (registered in MembersConfig.ready())."""

from apps.core.indicators import Rate

from .selectors import enrolment_totals


def enrolment(*, user, unit=None) -> Rate | None:
    """职工入会率: active members ÷ employees of the enterprises their unions cover.

    Above 100 % the rate is flagged (Rate.implausible): the head counts or the rosters need checking.
    """
    unit = unit if unit is not None else user.org_unit
    data = enrolment_totals(user=user, unit=unit)
    return Rate(
        numerator=data["members"],
        denominator=data["employees"],
        numerator_label="在册会员",
        denominator_label="已建会企业职工",
        url=unit.get_absolute_url() if unit is not None else None,
    )
