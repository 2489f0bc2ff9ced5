"""Forms of the live-session views."""

from __future__ import annotations

from django import forms

from studio.collaboration.tickets import MAX_NICKNAME
from studio.models import SESSION_NAME_PATTERN


class CreateSessionForm(forms.Form):
    name = forms.RegexField(regex=f"^{SESSION_NAME_PATTERN}$", max_length=64)
    password = forms.CharField(max_length=128, required=False, strip=False)
    everyone_in_control = forms.BooleanField(required=False)
    nickname = forms.CharField(max_length=MAX_NICKNAME, required=False)


class EnterForm(forms.Form):
    password = forms.CharField(max_length=128, required=False, strip=False)


class JoinForm(forms.Form):
    password = forms.CharField(
        max_length=128, required=False, strip=False, widget=forms.PasswordInput()
    )
    nickname = forms.CharField(
        max_length=MAX_NICKNAME, widget=forms.TextInput(attrs={"autofocus": True})
    )
