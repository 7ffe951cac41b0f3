"""View plumbing shared by every app."""

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Take the queryset from the app's selector, limited to the user's subtree.

    `selector` is a function `(*, user) -> QuerySet`. Detail, edit and export views get
    their object from this queryset, so an object outside the user's scope is a 404 by
    construction, not by a check someone has to remember.
    """

    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class ScopedPermissionMixin(PermissionRequiredMixin, ScopedQuerysetMixin):
    """Scoping plus the model permission (the verb) that the view needs."""
