"""The certificates' print: one A4 landscape page per trainee with what a 结业证书 says, and the
programme's batch print with one page each."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from apps.training import services
from tests.training.conftest import make_officer
from tests.training.factories import running_class

pytestmark = pytest.mark.django_db


def test_a_certificate_prints_the_trainee_unit_programme_hours_number_and_organiser(world, client_for):
    programme = running_class(world, "a", attended=True, certified=True)
    certificate = programme.nomination.certificates.get()
    content = client_for(world.users["chair"]).get(reverse("training:certificate_print", args=[certificate.pk]))
    text = content.content.decode()
    assert text.count('data-testid="print-page"') == 1
    for shown in (
        programme.nomination.trainee_name,
        world.tree["union_a"].name,
        programme.title,
        f"证书编号：{certificate.number}",
        f"{world.tree['a'].name}（盖章）",
        "6.0",
        f"{programme.starts_on.year}年{programme.starts_on.month}月{programme.starts_on.day}日",
    ):
        assert shown in text, shown
    assert "css/certificate_print.css" in text


def test_the_print_is_a4_landscape_one_page_each():
    css = open(finders.find("css/certificate_print.css"), encoding="utf-8").read()
    assert "@page { size: A4 landscape" in css
    assert "page-break-after: always" in css


def test_the_batch_print_has_a_page_per_certificate(world, client_for):
    programme = running_class(world, "a")
    second = services.nomination_create(
        user=None,
        programme=programme,
        officer=make_officer(world.tree["union_a"], "第二名"),
        now=programme.nomination.nominated_at,
    )
    entries = [services.AttendanceEntry(programme.nomination.pk, True), services.AttendanceEntry(second.pk, True)]
    services.attendance_record(user=None, session=programme.session, entries=entries)
    services.completion_assess(user=None, programme=programme)
    services.certificates_issue(user=None, programme=programme)
    text = client_for(world.users["county"]).get(reverse("training:certificates_print", args=[programme.pk]))
    text = text.content.decode()
    assert text.count('data-testid="print-page"') == 2
    assert "第二名" in text and programme.nomination.trainee_name in text


def test_a_batch_without_certificates_says_what_to_do(world, client_for):
    programme = running_class(world, "a")
    text = client_for(world.users["county"]).get(reverse("training:certificates_print", args=[programme.pk]))
    assert "先评定结业，再颁发证书" in text.content.decode()


def test_another_townships_certificate_is_a_404(world, client_for):
    programme = running_class(world, "a", attended=True, certified=True)
    certificate = programme.nomination.certificates.get()
    response = client_for(world.users["chair_b"]).get(reverse("training:certificate_print", args=[certificate.pk]))
    assert response.status_code == 404
