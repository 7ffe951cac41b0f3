"""An export applies exactly the list's validated filter, or refuses: never the whole scope for a bad filter.

django-filter drops a field that fails validation and filters by the others, while the list
(strict) shows no rows at all; `?township=abc` exported everything the user may see. Every export
of the URL conf is checked, with an invalid value for each of its filters.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.branches.demo import demo_credit_code
from apps.branches.services import enterprise_register, meeting_record
from apps.complaints.services import complaint_register
from apps.core.exports import INVALID_FILTER_MESSAGE, XlsxExportMixin
from tests.core.test_login_required import _walk
from tests.members.conftest import add_members

INVALID_CANDIDATES = ["abc", "-1", "99999-01-01", "²"]


def _exports():
    from django.urls import get_resolver

    found = []
    for name, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None and issubclass(view_class, XlsxExportMixin):
            found.append((name, view_class))
    return found


EXPORTS = _exports()


@pytest.fixture
def rows(county_user, chair_a, county_tree):
    enterprise = enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔化工建材厂",
        credit_code=demo_credit_code(301),
        ownership="private",
        employee_count=80,
        union=county_tree["union_a"],
    )
    add_members(county_tree["union_a"], 2)
    from tests.contracts.factories import make_contract

    make_contract(user=chair_a, union=county_tree["union_a"], enterprise=enterprise, step="in_force")

    from apps.dues.services.ledger import ledger_entry_ensure

    # Owing: a ledger row and an arrears row.
    ledger_entry_ensure(enterprise, datetime.date(2026, 7, 1), payroll=Decimal("100000.00"))
    meeting_record(
        user=chair_a,
        org_unit=county_tree["union_a"],
        kind="members_assembly",
        held_on=datetime.date(2026, 3, 1),
        title="会员大会",
    )
    complaint_register(
        user=chair_a,
        received_at=timezone.now() - datetime.timedelta(hours=1),
        channel="hotline",
        enterprise=enterprise,
        category="punishment",
        description="迟到被扣全勤奖",
        complainant_name="王强",
    )
    # An officer in post never trained: a row of the 未培训干部 export.
    from tests.training.conftest import make_officer

    make_officer(county_tree["union_a"], "未培训的干部")
    # A programme: a row of the training programmes' export.
    from tests.training.conftest import make_programme

    make_programme(county_tree["county"], user=county_user, title="全县工会干部集训")
    # A hardship file and aid given: rows of the aid exports.
    from apps.members.models import Member
    from tests.aid.conftest import give, open_file

    aided = Member.objects.filter(union=county_tree["union_a"]).order_by("pk").first()
    open_file(aided)
    give(aided)


def _invalid_values(view_class, url, user):
    """Each filter of the export with a value its filterset refuses (found in-process, not listed)."""
    from django.test import RequestFactory

    for name in sorted(view_class.filterset_class.base_filters):
        for value in INVALID_CANDIDATES:
            request = RequestFactory().get(url, {name: value})
            request.user = user
            view = view_class()
            view.setup(request)
            if not view.get_filterset(view.get_filterset_class()).is_valid():
                yield name, value
                break


def _sheet_rows(response):
    from io import BytesIO

    assert response.status_code == 200, response
    return sum(1 for _row in load_workbook(BytesIO(response.content), read_only=True).active.iter_rows()) - 1


def test_every_export_is_found():
    assert {name for name, _view in EXPORTS} >= {
        "branches:orgunit_export",
        "branches:union_export",
        "branches:enterprise_export",
        "branches:meeting_export",
        "members:member_export",
        "complaints:complaint_export",
    }


@pytest.mark.parametrize(("name", "view_class"), EXPORTS, ids=[name for name, _view in EXPORTS])
def test_an_export_with_an_invalid_filter_refuses_instead_of_exporting_everything(
    client_for, county_user, rows, name, view_class
):
    client = client_for(county_user)
    url = reverse(name)
    everything = client.get(url)
    assert everything.status_code == 200 and _sheet_rows(everything) > 0  # there is a scope to leak
    invalid = list(_invalid_values(view_class, url, county_user))
    assert invalid, f"{name}: no filter refused any of {INVALID_CANDIDATES}"
    for param, value in invalid:
        response = client.get(url, {param: value}, follow=True)
        assert response.redirect_chain, f"{name} {param}={value} exported instead of refusing"
        list_url, status = response.redirect_chain[-1]
        assert status == 302 and list_url.startswith(url.rsplit("export/", 1)[0] + "?"), list_url
        assert response.status_code == 200
        page = response.content.decode()
        assert INVALID_FILTER_MESSAGE in page
        assert response.context["table"].paginator.count == 0  # what the list shows for it


def test_a_valid_filter_still_exports_exactly_the_listed_rows(client_for, county_user, county_tree, rows):
    client = client_for(county_user)
    response = client.get(reverse("members:member_export"), {"township": county_tree["b"].pk})
    assert response.status_code == 200 and _sheet_rows(response) == 0
    response = client.get(reverse("members:member_export"), {"township": county_tree["a"].pk})
    assert _sheet_rows(response) == 2
