from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from organisations.models import Membership


class SignInForm(AuthenticationForm):
    """Django's sign-in form; one message for any wrong username or password (no user enumeration)."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the 6-digit security code",
            "min_length": "The security code is 6 digits",
            "max_length": "The security code is 6 digits",
        },
    )


class SwitchRoleForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.none(), label="Act as")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Membership.objects.filter(user=user).select_related("organisation")
