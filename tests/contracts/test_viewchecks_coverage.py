"""The view-check base (tests/viewchecks.py) on the 签订率 pages: the page per township, the list of
enterprises behind its numbers and that list's Excel export."""

from tests.factories import EnterpriseFactory
from tests.viewchecks import EVERYONE, ViewChecks, page


def _shown(enterprise):
    return enterprise.name


class TestCoverageViews(ViewChecks):
    def make(self, world, where, user):
        # A unionised enterprise of the township, covered by the township's enterprise union (the
        # officer's own union in A), so that every role's scope holds township A's row.
        return EnterpriseFactory(
            township=world.tree[where], union=world.tree[f"union_{where}"], employee_count=40, name=f"签订率企业{where}"
        )

    routes = (
        page("contracts:coverage", "list", EVERYONE),
        page("contracts:coverage", "list", EVERYONE, query="?year=2025"),
        page("contracts:coverage_enterprises", "list", EVERYONE, shows=_shown),
        page("contracts:coverage_enterprises", "list", EVERYONE, shows=_shown, query="?covered=none"),
        page("contracts:coverage_enterprises_export", "export", EVERYONE),
    )
