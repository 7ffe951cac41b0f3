"""Writes of the accounts app."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import User
from .roles import ROLE_NAMES


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    real_name: str = "",
    phone: str = "",
    email: str = "",
    org_unit=None,
    role: str | None = None,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        real_name=real_name,
        phone=phone,
        email=email,
        org_unit=org_unit,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if role is not None:
        user.groups.add(Group.objects.get(name=ROLE_NAMES[role]))
    return user
