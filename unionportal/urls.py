from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import AdminLoginForm, LoginForm
from apps.core import views as core_views

admin.site.site_header = _("Union portal administration")
admin.site.site_title = _("Union portal administration")
admin.site.index_title = _("Administration")
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("healthz/", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("admin/", admin.site.urls),
    path("branches/", include("apps.branches.urls")),
    path("members/", include("apps.members.urls")),
    path("complaints/", include("apps.complaints.urls")),
    path("contracts/", include("apps.contracts.urls")),
    path("dues/", include("apps.dues.urls")),
    path("training/", include("apps.training.urls")),
    path("reemployment/", include("apps.reemployment.urls")),
    path("aid/", include("apps.aid.urls")),
    path("", include("apps.core.urls")),
    path("", include("apps.overview.urls")),
]

handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
