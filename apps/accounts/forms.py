"""The login forms: Django's, with the lengths checked before anything is looked up or recorded."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

# Hashing a megabyte-long password costs the server, and no one types one.
PASSWORD_MAX_LENGTH = 4096


class BoundedCredentialsMixin:
    """Django sets the username's max_length on the field after it is built, so it is never checked.

    A longer username went on to authenticate() and to django-axes, whose attempt record
    (255 characters) then failed in the database with a server error. Here both fields refuse
    over-long input with the usual Chinese field message, and authenticate() is not called.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        password = self.fields["password"]
        password.max_length = PASSWORD_MAX_LENGTH
        password.validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class LoginForm(BoundedCredentialsMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedCredentialsMixin, AdminAuthenticationForm):
    pass
