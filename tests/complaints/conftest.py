import datetime

import pytest
from django.contrib.auth.models import Permission

from apps.accounts.services import user_create
from apps.branches.demo import demo_credit_code
from apps.branches.services import enterprise_register
from apps.complaints.services import complaint_register

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def factories(chair_a, chair_b, county_tree):
    a = enterprise_register(
        user=chair_a,
        township=county_tree["a"],
        name="白塔化工建材厂",
        credit_code=demo_credit_code(301),
        ownership="private",
        employee_count=80,
    )
    b = enterprise_register(
        user=chair_b,
        township=county_tree["b"],
        name="平明石英厂",
        credit_code=demo_credit_code(302),
        ownership="private",
        employee_count=60,
    )
    return {"a": a, "b": b}


@pytest.fixture
def register(chair_a, factories):
    def make(received_at, enterprise=None, user=None, **fields):
        values = {
            "channel": "hotline",
            "category": "punishment",
            "description": "迟到被扣全勤奖",
            "complainant_name": "王强",
            "complainant_mobile": "13912345678",
        }
        values.update(fields)
        return complaint_register(
            user=user or chair_a, received_at=received_at, enterprise=enterprise or factories["a"], **values
        )

    return make


@pytest.fixture
def clerk_a(roles, county_tree):
    """Works on township A's complaints but may not see who complained (no view_complainant)."""
    user = user_create(
        user=None, username="clerk_a", password="test-pass-2026", real_name="白塔埠镇办事员", org_unit=county_tree["a"]
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="complaints", codename__in=["view_complaint", "change_complaint"]
        )
    )
    return user
