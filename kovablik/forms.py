from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    # Django's Indonesian message repeats the field name ("nama pengguna nama pengguna"); say it once, plainly.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or password is wrong. Both are case-sensitive. "
            "If you forgot your password, set a new one with the link below."
        ),
    }
