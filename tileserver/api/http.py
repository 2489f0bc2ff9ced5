"""Requests and responses of the PMA.core API: bare JSON, `{Code, Message}` errors, images."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.http import quote_etag

from pmacore.errors import BadRequest, BodyTooLarge, TileServerError
from pmacore.types import EncodedImage
from pmacore.wire import Params
from tileserver.models import ApiSession

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class ApiCall:
    """One API request: the HTTP request, its parameters and (where required) its session."""

    request: HttpRequest
    params: Params
    session: ApiSession | None = None
    tail: str = ""  # what follows a method that takes a path part (transfer/Upload/<Id>)

    def base_url(self) -> str:
        """The absolute URL of the API root (`.../core/`), as GetImageInfo's `BaseUrl`."""
        return self.request.build_absolute_uri(reverse("tileserver:api", kwargs={"endpoint": ""}))


def read_params(request: HttpRequest) -> Params:
    """Query parameters first, then form fields or the keys of a JSON object body."""
    body: dict[str, Any] = {}
    if request.method == "POST":
        try:
            if request.content_type in FORM_TYPES:
                body = request.POST.dict()
            elif request.body.strip():
                body = _json_object(request.body)
        except (RequestDataTooBig, TooManyFieldsSent):
            raise BodyTooLarge("The request body is too large") from None
        except MultiPartParserError as e:
            raise BadRequest(f"The multipart body cannot be read: {e}") from None
    return Params(request.GET.items(), body.items())


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nested deeper than the parser goes.
        raise BadRequest("The request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object")
    return value


def bare_json(value: Any, status: int = 200) -> JsonResponse:
    """PMA.core answers bare values (strings, arrays, objects), never `{"d": ...}`."""
    return JsonResponse(value, status=status, safe=False)


def error_response(error: TileServerError) -> JsonResponse:
    return bare_json({"Code": error.code, "Message": error.message}, status=error.status)


def image_response(
    request: HttpRequest, image: EncodedImage, *, max_age: int, etag: bool = False
) -> HttpResponse:
    """The image bytes, privately cacheable; with `etag`, a matching If-None-Match gets 304."""
    headers = {"Cache-Control": f"private, max-age={max_age}"}
    if etag:
        tag = quote_etag(hashlib.blake2b(image.data, digest_size=16).hexdigest())
        headers["ETag"] = tag
        if tag in _if_none_match(request):
            return HttpResponse(status=304, headers=headers)
    return HttpResponse(image.data, content_type=image.content_type, headers=headers)


def _if_none_match(request: HttpRequest) -> set[str]:
    header = request.headers.get("If-None-Match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
