"""What a custom panel's page may fetch with its slide token, without a login.

The slide comes only from the token, never from the query string, so a token for one slide
opens nothing else. The answers are read-only and token-gated, so any origin may read them
(`Access-Control-Allow-Origin: *`): the pages of custom panels live on other hosts.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from panels.lib.tokens import InvalidToken, SlideToken, read_token
from panels.views.forms import TokenForm, TokenImageForm
from pmacore.errors import TileServerError
from studio.forms import form_errors
from studio.lib.paths import basename
from studio.serving import ASSOCIATED_IMAGES, serve_associated_image
from studio.tileclient.calls import acall, aslide_info
from studio.tileclient.principals import OwnerPrincipal


@require_GET
async def info(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.GET)
    if not form.is_valid():
        return _cors(_error(400, form_errors(form)))
    try:
        token = read_token(form.cleaned_data["token"])
    except InvalidToken as e:
        return _cors(_error(403, e.message))
    owner = OwnerPrincipal(token.user_id)
    try:
        slide_info = await aslide_info(owner, token.slide)
        barcode = await acall(owner, lambda client, sid: client.barcode_text(sid, token.slide))
    except TileServerError as e:
        return _cors(_error(e.status, e.message))
    data: dict[str, Any] = {
        "path": slide_info.path,
        "name": basename(slide_info.path),
        "folder": slide_info.path.rpartition("/")[0],
        "uid": slide_info.uid,
        "width": slide_info.width,
        "height": slide_info.height,
        "mppX": slide_info.mpp_x,
        "mppY": slide_info.mpp_y,
        "objectivePower": slide_info.objective_power,
        "magnification": slide_info.magnification,
        "format": slide_info.file_format,
        "vendor": slide_info.vendor,
        "barcode": barcode,
        "associatedImages": list(slide_info.associated_images),
    }
    return _cors(JsonResponse(data))


@require_GET
async def image(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ASSOCIATED_IMAGES:
        return _cors(_error(404, "No such image."))
    form = TokenImageForm(request.GET)
    if not form.is_valid():
        return _cors(_error(400, form_errors(form)))
    try:
        token: SlideToken = read_token(form.cleaned_data["token"])
    except InvalidToken as e:
        return _cors(_error(403, e.message))
    query = {"slide": token.slide, "w": form.cleaned_data["w"], "h": form.cleaned_data["h"]}
    response = await serve_associated_image(OwnerPrincipal(token.user_id), request, kind, query)
    return _cors(response)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response
