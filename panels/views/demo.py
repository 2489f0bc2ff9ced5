"""The example custom panel page: the label and thumbnail of a slide, fetched by token.

It is a static page: everything it shows it fetches itself from the token routes, exactly
as a page on another server would. The cockpit embeds it from the same origin.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET


@xframe_options_sameorigin
@require_GET
def label(request: HttpRequest) -> HttpResponse:
    response = render(request, "panels/demo_label.html")
    # The token is in this page's URL: keep it out of the Referer of the page's requests.
    response["Referrer-Policy"] = "no-referrer"
    return response
