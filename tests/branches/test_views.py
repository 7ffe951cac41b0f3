import pytest
from django.urls import reverse

from apps.branches.models import OrgUnit
from apps.branches.services import orgunit_create


@pytest.mark.django_db
def test_county_staff_add_a_township(client_for, county_user, county_tree):
    client = client_for(county_user)
    url = reverse("branches:orgunit_add_child", kwargs={"pk": county_tree["county"].pk})
    response = client.post(url, {"name": "桃林镇总工会", "kind": "township", "code": ""})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(name="桃林镇总工会")
    assert OrgUnit.objects.get_parent(unit) == county_tree["county"]
    detail = client.get(unit.get_absolute_url()).content.decode()
    assert "新建" in detail and "县总工会工作人员" in detail  # who (the display name), in the history table


@pytest.mark.django_db
def test_grassroots_unions_are_not_added_through_the_generic_form(client_for, chair_a, county_tree):
    url = reverse("branches:orgunit_add_child", kwargs={"pk": county_tree["a"].pk})
    assert client_for(chair_a).get(url).status_code == 404


@pytest.mark.django_db
def test_empty_name_is_refused_in_chinese_and_nothing_saved(client_for, county_user, county_tree):
    client = client_for(county_user)
    before = OrgUnit.objects.count()
    url = reverse("branches:orgunit_add_child", kwargs={"pk": county_tree["county"].pk})
    response = client.post(url, {"name": "", "kind": "township"})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert OrgUnit.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("extra_units", [10, 300])
def test_list_query_count_does_not_grow_with_rows(
    client_for, county_user, county_tree, extra_units, django_assert_max_num_queries
):
    for i in range(extra_units):
        orgunit_create(user=None, parent=county_tree["a"], name=f"企业{i:04d}工会", kind="enterprise")
    client = client_for(county_user)
    client.get(reverse("overview:home"))  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("branches:orgunit_list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_detail_query_count_is_fixed(client_for, county_user, county_tree, django_assert_max_num_queries):
    for i in range(30):
        orgunit_create(user=None, parent=county_tree["a"], name=f"企业{i:04d}工会", kind="enterprise")
    client = client_for(county_user)
    client.get(reverse("overview:home"))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(reverse("branches:orgunit_detail", kwargs={"pk": county_tree["a"].pk}))
    assert response.status_code == 200


@pytest.mark.django_db
def test_pages_are_in_chinese(client_for, chair_a):
    content = client_for(chair_a).get(reverse("overview:home")).content.decode()
    assert "工会组织" in content and "退出登录" in content and "白塔埠镇总工会" in content


@pytest.mark.django_db
def test_unread_notification_count_in_the_navbar(client_for, chair_a):
    from apps.core.services import notification_send

    notification_send(recipient=chair_a, title="请在七日内答复投诉", email=False)
    notification_send(recipient=chair_a, title="第二条", email=False)
    client = client_for(chair_a)
    content = client.get(reverse("overview:home")).content.decode()
    assert 'data-testid="unread-count">2<' in content
    client.post(reverse("core:notification_read_all"))
    assert 'data-testid="unread-count"' not in client.get(reverse("overview:home")).content.decode()


@pytest.mark.django_db
def test_out_of_scope_unit_shows_the_chinese_404_page(client_for, chair_a, county_tree):
    response = client_for(chair_a).get(reverse("branches:orgunit_detail", kwargs={"pk": county_tree["b"].pk}))
    assert response.status_code == 404
    content = response.content.decode()
    assert "页面不存在" in content and "管辖范围以外" in content
    assert "平明" not in content  # nothing about the unit leaks
