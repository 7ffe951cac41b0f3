"""The milestones reached, in Django admin: read-only, for superusers only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.accounts.services import user_create
from apps.core.models import MilestoneClaim


@pytest.fixture
def claim(db):
    from django.utils import timezone

    return MilestoneClaim.objects.create(
        kind="complaints:warning", subject_id=42, occurrence="", sent_at=timezone.now()
    )


def test_a_superuser_sees_the_claims_and_can_change_nothing(claim, client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser(username="root", password="x-pass-2026")
    client.force_login(root)
    changelist = client.get(reverse("admin:core_milestoneclaim_changelist"))
    assert changelist.status_code == 200
    assert "complaints:warning" in changelist.content.decode()
    assert client.get(reverse("admin:core_milestoneclaim_change", args=[claim.pk])).status_code == 200
    assert client.get(reverse("admin:core_milestoneclaim_add")).status_code == 403
    assert client.get(reverse("admin:core_milestoneclaim_delete", args=[claim.pk])).status_code == 403
    client.post(reverse("admin:core_milestoneclaim_change", args=[claim.pk]), {"kind": "x:y", "subject_id": 1})
    claim.refresh_from_db()
    assert claim.kind == "complaints:warning" and claim.subject_id == 42


def test_staff_even_with_the_view_permission_do_not_see_them(claim, client, county_user):
    staff = user_create(user=None, username="staffer", password="x-pass-2026", org_unit=county_user.org_unit)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(Permission.objects.get(codename="view_milestoneclaim"))
    client.force_login(staff)
    assert client.get(reverse("admin:core_milestoneclaim_changelist")).status_code == 403
    assert "milestoneclaim" not in client.get(reverse("admin:index")).content.decode()


def test_the_claims_and_the_import_jobs_speak_chinese():
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        assert str(MilestoneClaim._meta.verbose_name) == "已发送的到期提醒"
        labels = {name: str(MilestoneClaim._meta.get_field(name).verbose_name) for name in ("due_at", "occurrence")}
        assert labels == {"due_at": "到期时间", "occurrence": "周期"}
        assert (gettext("can be retried"), gettext("task id")) == ("可重试", "任务编号")  # apps.core.imports
