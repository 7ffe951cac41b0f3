"""Writes of the accounts app."""

from django.contrib.auth.models import Group
from django.db import transaction

from apps.core.history import acting_user

from .models import User
from .roles import ROLE_NAMES


@transaction.atomic
def user_create(
    *,
    user,
    username: str,
    password: str | None,
    real_name: str = "",
    phone: str = "",
    email: str = "",
    org_unit=None,
    role: str | None = None,
    is_superuser: bool = False,
) -> User:
    """A new login, created by `user` (None: the system, e.g. demo seeding); `password` None:
    no usable password (the person sets one through a reset)."""
    created = User(
        username=username,
        real_name=real_name,
        phone=phone,
        email=email,
        org_unit=org_unit,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        created.set_unusable_password()
    else:
        created.set_password(password)
    created.full_clean(exclude=["password"])
    with acting_user(user):
        created.save()
        if role is not None:
            created.groups.add(Group.objects.get(name=ROLE_NAMES[role]))
    return created
