"""Indicators: each app owns the functions for its rates; the home page and the assessment read them.

    from apps.core.indicators import Rate, register_indicator

    def formation_rate(*, user, unit, year=None) -> Rate | None:
        ...  # one aggregate query through the app's scoped selector
        return Rate(numerator=..., denominator=..., numerator_label=..., denominator_label=...,
                    url=..., numerator_url=..., denominator_url=...)

    register_indicator("branches.formation_rate", formation_rate, label=_("Union formation rate"),
                       permission="branches.view_enterprise", order=100)

`unit` is an org unit in the user's area, or None for the user's whole area; `year` is given to
rates that are counted per year (None means the current one). A function returns None when the
rate does not apply to that kind of unit. A rate is defined in one function only: the home page,
the township pages and the yearly assessment all call it (or build on its definition), so no
rate is computed in two places.

A rate above 100 % is not a score: it means the numerator counts something the denominator
misses (members registered in a union whose enterprises' head counts are out of date, say), so
`Rate.implausible` is set and pages show it as a data problem to check, never as a percentage.
Where a rate sums many parts (unions), the function may leave the implausible parts out of both
sides and count them in `problems`, with `problems_url` the list of them to put right.

A figure the home page shows from `apps.overview`'s pre-computed summaries is still this
function's: registered with `summarised=True`, the function takes `counts=` (the totals its own
selector counted for the summary, see apps/overview/services.py) and builds the same Rate from
them instead of counting again.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    numerator_label: str = ""
    denominator_label: str = ""
    url: str | None = None  # the page that explains the rate (per township, per union)
    numerator_url: str | None = None  # the list behind the numerator, if one shows exactly those rows
    denominator_url: str | None = None
    key: str = ""
    label: str = ""
    problems: int = 0  # parts left out of both sides because their own figures are implausible
    problems_label: str = ""
    problems_url: str | None = None  # the list of those parts, to put their figures right

    @property
    def value(self) -> float | None:
        """numerator / denominator; None when there is nothing to count (or the data is implausible)."""
        if not self.denominator or self.implausible:
            return None
        return self.numerator / self.denominator

    @property
    def implausible(self) -> bool:
        return self.numerator > self.denominator

    @property
    def percent(self) -> int | None:
        value = self.value
        return None if value is None else round(value * 100)


@dataclass(frozen=True)
class Indicator:
    key: str
    func: Callable
    label: str
    permission: str | None
    order: int
    per_year: bool
    summarised: bool = False
    home_page: bool = True

    def compute(self, *, user, unit=None, year: int | None = None, counts: dict | None = None) -> Rate | None:
        kwargs = {"user": user, "unit": unit}
        if self.per_year:
            kwargs["year"] = year
        if counts is not None and self.summarised:
            kwargs["counts"] = counts
        rate = self.func(**kwargs)
        if rate is None:
            return None
        return replace(rate, key=self.key, label=self.label)


_INDICATORS: dict[str, Indicator] = {}


def register_indicator(
    key: str,
    func: Callable,
    *,
    label: str,
    permission: str | None = None,
    order: int = 500,
    per_year: bool = False,
    summarised: bool = False,
    home_page: bool = True,
) -> None:
    """Declare a rate (replaces one of the same key); call from AppConfig.ready().

    `summarised`: `func` also takes `counts=`, the pre-computed totals of apps.overview.
    `home_page=False`: the rate is left off the home page (which counts its queries) and shown
    where rates are read for a unit and year (the assessment, a report); it is still registered.
    """
    _INDICATORS[key] = Indicator(
        key=key,
        func=func,
        label=label,
        permission=permission,
        order=order,
        per_year=per_year,
        summarised=summarised,
        home_page=home_page,
    )


def unregister_indicator(key: str) -> None:
    _INDICATORS.pop(key, None)


def indicator(key: str) -> Indicator:
    return _INDICATORS[key]


def registered_indicators() -> list[Indicator]:
    return sorted(_INDICATORS.values(), key=lambda item: (item.order, item.key))


def indicator_rates(
    *, user, unit=None, year: int | None = None, counts: dict | None = None, home_page: bool = False
) -> list[Rate]:
    """Every rate the user may see for the unit (their whole area when None), in order
    (`home_page`: only those registered for the home page).

    `counts`: {indicator key: pre-computed totals} for the indicators registered `summarised`;
    those build their rate from them, the others count live.
    """
    if user is None or not user.is_authenticated:
        return []
    counts = counts or {}
    rates = []
    for item in registered_indicators():
        if item.permission and not user.has_perm(item.permission):
            continue
        if home_page and not item.home_page:
            continue
        rate = item.compute(user=user, unit=unit, year=year, counts=counts.get(item.key))
        if rate is not None:
            rates.append(rate)
    return rates
