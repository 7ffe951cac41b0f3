from django.contrib.auth.backends import ModelBackend

from .models import User


class PortalModelBackend(ModelBackend):
    """Django's backend, loading the user's org unit with the user: every page scopes by it."""

    def get_user(self, user_id):
        user = User._default_manager.select_related("org_unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
