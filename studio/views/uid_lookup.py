"""An admin page that turns a slide's UID back into its path (PMA.core's ReverseLookupUID)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pmacore.errors import NotAllowed, TileServerError
from studio.tileclient.calls import call
from studio.tileclient.principals import RequestPrincipal


class UidForm(forms.Form):
    uid = forms.RegexField(
        regex=r"^\s*[A-Za-z0-9]{10}\s*$",
        label="UID",
        error_messages={"invalid": "A UID is 10 letters and digits."},
    )

    def clean_uid(self) -> str:
        return self.cleaned_data["uid"].strip().upper()


@staff_member_required
@require_GET
def uid_lookup(request: HttpRequest) -> HttpResponse:
    form = UidForm(request.GET or None)
    context = {
        **admin.site.each_context(request),
        "title": "Find a slide by UID",
        "form": form,
    }
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    elif form.is_bound:
        uid = form.cleaned_data["uid"]
        try:
            context["path"] = call(
                RequestPrincipal(request), lambda client, sid: client.reverse_lookup_uid(sid, uid)
            )
        except NotAllowed as e:
            context["error"], status = e.message, 403
        except TileServerError as e:
            context["error"], status = e.message, e.status
    return render(request, "studio/uid_lookup.html", context, status=status)
