"""The complaint list's choice lists stay short however many enterprises a county has."""

from django.urls import reverse


def _enterprise_options(page: str) -> str:
    start = page.index('id="id_enterprise"')
    return page[start : page.index("</select>", start)]


def test_county_staff_choose_a_township_before_an_enterprise(client_for, county_user, county_tree, factories):
    client = client_for(county_user)
    options = _enterprise_options(client.get(reverse("complaints:complaint_list")).content.decode())
    assert "白塔化工建材厂" not in options and "平明石英厂" not in options
    assert "先选乡镇" in options
    options = _enterprise_options(
        client.get(reverse("complaints:complaint_list"), {"township": county_tree["a"].pk}).content.decode()
    )
    assert "白塔化工建材厂" in options and "平明石英厂" not in options


def test_an_enterprise_chosen_elsewhere_stays_selected(client_for, county_user, factories):
    page = client_for(county_user).get(reverse("complaints:complaint_list"), {"enterprise": factories["b"].pk})
    assert "平明石英厂" in _enterprise_options(page.content.decode())


def test_a_chair_picks_among_their_own_townships_enterprises(client_for, chair_a, factories):
    options = _enterprise_options(client_for(chair_a).get(reverse("complaints:complaint_list")).content.decode())
    assert "白塔化工建材厂" in options and "平明石英厂" not in options


def test_odd_digits_in_the_query_string_are_ignored_not_a_server_error(client_for, county_user, factories):
    client = client_for(county_user)
    for params in ({"enterprise": "²"}, {"township": "²"}, {"handler": "١"}):
        assert client.get(reverse("complaints:complaint_list"), params).status_code == 200
    for params in ({"township": "²"}, {"union": "²"}):
        assert client.get(reverse("members:member_list"), params).status_code == 200


def test_a_user_without_an_org_unit_is_offered_no_handlers(client, django_user_model, county_tree, chair_a):
    from django.contrib.auth.models import Group

    from apps.accounts.roles import ROLE_NAMES, TOWNSHIP_STAFF

    stray = django_user_model.objects.create_user("stray", password="x-2026-pass")
    stray.groups.add(Group.objects.get(name=ROLE_NAMES[TOWNSHIP_STAFF]))
    client.force_login(stray)
    response = client.get(reverse("complaints:complaint_list"))
    assert response.status_code == 200
    assert list(response.context["filter"].form.fields["handler"].queryset) == []
