"""Access rules shared by the panel views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

View = Callable[..., HttpResponse]


def login_again(request: HttpRequest) -> HttpResponse:
    """Send the user to the login page and back.

    An htmx request gets 401 with `HX-Redirect`, for the whole page: following a 302 would
    put the login form inside the panel.
    """
    if not request.htmx:
        return redirect_to_login(request.get_full_path())
    page = request.htmx.current_url_abs_path or "/"
    login = redirect_to_login(page, resolve_url(settings.LOGIN_URL))
    response = HttpResponseClientRedirect(login["Location"])
    response.status_code = 401
    return response


def panel_login_required(view: View) -> View:
    """`login_required` for panel fragments (see `login_again`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return login_again(request)

    return wrapper
