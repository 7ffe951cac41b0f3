"""The view-check base (tests/viewchecks.py) on the core models a user owns: export jobs and
notifications. "Another township's object" is another user's (township B's chair's): a 404
for everyone, county staff too."""

from apps.core.models import ExportStatus
from tests.factories import ExportJobFactory, MemberFactory, NotificationFactory
from tests.viewchecks import ANYONE, COUNTY, EVERYONE, ViewChecks, button, page
from tests.viewchecks import Route as R


def _owner(world, where, user):
    return world.users["chair_b"] if where == "b" else (user or world.users[COUNTY])


def _changed(field, value):
    def check(obj):
        obj.refresh_from_db()
        assert getattr(obj, field) == value, (field, getattr(obj, field))

    return check


def _read(obj):
    obj.refresh_from_db()
    assert obj.read_at is not None


class TestExportJobViews(ViewChecks):
    """A large export's page, file and retry: its requester's alone, whatever their role."""

    owner_only = True

    def make(self, world, where, user):
        return ExportJobFactory(user=_owner(world, where, user))

    @staticmethod
    def done(world, where, user):
        return ExportJobFactory(user=_owner(world, where, user), finished="done")

    @staticmethod
    def failed(world, where, user):
        return ExportJobFactory(user=_owner(world, where, user), finished="failed")

    routes = (
        R("core:export_job", "detail", ANYONE),
        R("core:export_job_download", "export", ANYONE, obj=done),
        button("core:export_job_retry", ANYONE, obj=failed, done=_changed("status", ExportStatus.PENDING)),
    )


class TestNotificationViews(ViewChecks):
    owner_only = True

    def make(self, world, where, user):
        return NotificationFactory(recipient=_owner(world, where, user))

    routes = (
        page("core:notification_list", "list", EVERYONE, shows=str),
        button("core:notification_open", EVERYONE, done=_read),
        button("core:notification_read_all", EVERYONE, url_kwargs=None, other_township=False, done=_read),
    )


class TestGlobalSearchViews(ViewChecks):
    """The header's search box: any role that may search one kind; the term is posted and the
    answer is a redirect to the results behind a token. What each role finds, and not in
    another township, is checked in tests/core/test_global_search.py."""

    def make(self, world, where, user):
        return MemberFactory(union=world.tree[f"union_{where}"], real_name=f"会员{where.upper()}")

    routes = (
        R(
            "core:global_search",
            "list",
            EVERYONE,
            methods=("get", "post"),
            data=lambda world, obj: {"q": obj.real_name},
            url_kwargs=None,
            other_township=False,
        ),
    )
