"""The view-check base (tests/viewchecks.py) on the home page's 刷新 (the home page itself is exempt:
tests/core/test_url_walk.py). What the refresh recounts is tested in test_home_one_source.py."""

from tests.factories import MemberFactory
from tests.viewchecks import EVERYONE, ViewChecks, button


class TestHomeRefreshViews(ViewChecks):
    def make(self, world, where, user):
        return MemberFactory(union=world.tree[f"union_{where}"])

    # A grassroots officer's home page counts live: their 刷新 recounts nothing and returns home.
    routes = (button("overview:home_refresh", EVERYONE, url_kwargs=None, other_township=False),)
