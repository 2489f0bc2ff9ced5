"""Login and logout. The login is checked by the tile server (studio/tileclient/backend.py).

Every login form (the studio's and the admin's) is throttled per username and per client
address (`studio.lib.throttle`); a throttled attempt answers 429 without checking the
password, whether or not the username exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from studio.auth import end_tile_session
from studio.lib import throttle
from studio.tileclient import get_client
from studio.tileclient.backend import TILE_SERVER_ERROR_ATTR


class LoginForm(AuthenticationForm):
    def clean(self) -> dict[str, object]:
        try:
            return super().clean()
        except ValidationError:
            error = getattr(self.request, TILE_SERVER_ERROR_ATTR, None)
            if error is None:
                raise
            # Not a wrong password: say what is wrong, and that the password may be fine.
            message = f"Cannot log in right now: {error.message} Try again in a moment."
            raise ValidationError(message, code="tile_server") from None


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "tile_server": get_client().name}


def throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Count each posted login before `view` checks it; a login that succeeds is forgiven."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = request.POST.get("username", "")
        address = throttle.client_address(request)
        wait = throttle.login_attempt(username, address)
        if wait:
            return _too_many_attempts(request, wait)
        response = view(request, *args, **kwargs)
        # A login that worked redirects with the user logged in; a refused one shows the
        # form again (200).
        if response.status_code == 302 and request.user.is_authenticated:
            throttle.login_succeeded(username, address)
        return response

    return wrapper


def _too_many_attempts(request: HttpRequest, wait: int) -> HttpResponse:
    context = {
        "status": 429,
        "title": "Too many login attempts",
        "message": f"Too many attempts, try again in {throttle.minutes(wait)}.",
    }
    response = render(request, "studio/error.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


login = throttled(LoginView.as_view())
admin_login = throttled(admin.site.login)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    end_tile_session(request)
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
