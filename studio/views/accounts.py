"""Login and logout: Django's auth views plus the tile-server session that goes with them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from studio.auth import end_tile_session, start_tile_session
from tileserver.errors import TileServerError


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        try:
            start_tile_session(
                self.request, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except TileServerError as e:
            auth_logout(self.request)
            form.add_error(None, f"The tile server did not accept the login: {e.message}")
            return self.form_invalid(form)
        return response


login = LoginView.as_view()


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    end_tile_session(request)
    auth_logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)
