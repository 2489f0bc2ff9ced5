"""Login and logout. The login is checked by the tile server (studio/tileclient/backend.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from studio.auth import end_tile_session
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


login = LoginView.as_view()


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    end_tile_session(request)
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
