"""An export too big to write within the web server's timeout is refused with advice, not a 502."""

import datetime

from apps.core.exports import XLSX_CONTENT_TYPE
from tests.members.conftest import add_members


def _members(county_tree, count):
    add_members(county_tree["union_a"], count, surname="赵", join_date=datetime.date(2021, 3, 1))


def test_an_export_over_the_limit_sends_the_user_back_to_narrow_the_list(
    settings, client_for, county_user, county_tree
):
    settings.EXPORT_MAX_ROWS = 2
    _members(county_tree, 3)
    client = client_for(county_user)
    response = client.get("/members/export/", {"status": "active"})
    assert response.status_code == 302
    assert response["Location"] == "/members/?status=active"
    page = client.get(response["Location"]).content.decode()
    assert "超过 2 行" in page and "分批导出" in page


def test_an_export_within_the_limit_is_the_excel_file(settings, client_for, county_user, county_tree):
    settings.EXPORT_MAX_ROWS = 3
    _members(county_tree, 3)
    response = client_for(county_user).get("/members/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
