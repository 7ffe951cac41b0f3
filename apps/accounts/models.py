from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.history import audited


@audited(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who logs in. The org unit decides which rows they see; groups decide verbs."""

    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    org_unit = models.ForeignKey(
        "branches.OrgUnit",
        verbose_name=_("user's org unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The user sees this organisation and everything under it."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.real_name or self.username

    @property
    def display_name(self):
        return self.real_name or self.get_full_name() or self.username
