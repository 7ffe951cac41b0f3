"""Over-long credentials are refused by the login form, before authenticate() or django-axes see them."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "admin:login"])
@pytest.mark.parametrize(
    ("username", "password"),
    [("u" * 256, "wrong"), ("长" * 1000, "wrong"), ("county", "p" * 100_000), ("u" * 10_000, "p" * 10_000)],
    ids=["username-256", "username-1000-chinese", "password-100k", "both-10k"],
)
def test_over_long_credentials_are_a_form_error_not_a_500(client, county_user, url_name, username, password):
    client.raise_request_exception = False
    response = client.post(reverse(url_name), {"username": username, "password": password})
    assert response.status_code == 200
    assert "个字（现在是" in response.content.decode()  # the portal's plain-Chinese max-length message
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()  # never reached authenticate(), nothing to record


@pytest.mark.django_db
def test_the_longest_possible_username_still_logs_in(client, roles, county_tree):
    from apps.accounts.roles import COUNTY_STAFF
    from apps.accounts.services import user_create

    user = user_create(
        user=None,
        username="u" * 150,
        password=PASSWORD,
        real_name="长用户名",
        org_unit=county_tree["county"],
        role=COUNTY_STAFF,
    )
    response = client.post(reverse("login"), {"username": "u" * 150, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
