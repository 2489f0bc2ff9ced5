"""The site icon at the address browsers ask for by themselves (pages that name no icon,
such as the admin's, make the browser fetch /favicon.ico)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(static("studio/favicon.svg"))
