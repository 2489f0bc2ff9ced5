"""The integrator API: LIMS screens create share links with a tile-server session ID.

    /API/Share/CreateLinkForSlide   pathOrUid
    /API/Share/CreateLinkForFolder  path
    /API/Share/CreateLinkForGrid    pathOrUids (comma-separated, JSON array or repeated),
                                    rows, columns, sync
    all: sessionID, password, expiresAt (ISO 8601), includeAnnotations,
         includeLabelAndMacro (label and macro images, off by default), label

GET or POST (query string, form fields or a JSON object); parameter names are
case-insensitive, as on the tile server. The answer is the share URL as a bare JSON
string; errors are `{"Code": ..., "Message": ...}` with a 4xx status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from pmacore.errors import (
    BadRequest,
    BodyTooLarge,
    MethodNotAllowed,
    NotAuthenticated,
    TileServerError,
)
from sharing import catalog
from sharing.actions import create_share
from sharing.forms import FolderLinkForm, GridLinkForm, ShareOptionsForm, SlideLinkForm
from sharing.models import Share
from sharing.views import share_url
from studio.tileclient import get_client
from studio.tileclient.principals import Principal, SessionPrincipal

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Parameter names on the wire (lower-cased) → form fields.
FIELDS = {
    "pathoruid": "path_or_uid",
    "path": "path",
    "pathoruids": "path_or_uids",
    "rows": "rows",
    "columns": "columns",
    "sync": "sync",
    "password": "password",
    "expiresat": "expires_at",
    "includeannotations": "include_annotations",
    "includelabelandmacro": "include_label_and_macro",
    "label": "label",
}
WIRE_NAMES = {
    "path_or_uid": "pathOrUid",
    "path": "path",
    "path_or_uids": "pathOrUids",
    "rows": "rows",
    "columns": "columns",
    "sync": "sync",
    "password": "password",
    "expires_at": "expiresAt",
    "include_annotations": "includeAnnotations",
    "include_label_and_macro": "includeLabelAndMacro",
    "label": "label",
}
LIST_FIELDS = frozenset({"path_or_uids"})

Params = dict[str, list[Any]]
Create = Callable[[Principal, AbstractBaseUser, Params], Share]


def _error(error: TileServerError) -> JsonResponse:
    return JsonResponse({"Code": error.code, "Message": error.message}, status=error.status)


def endpoint(create: Create) -> Callable[[HttpRequest], JsonResponse]:
    """Method check, parameters, session, error mapping and the reply around `create`."""

    @csrf_exempt
    @wraps(create)
    def view(request: HttpRequest) -> JsonResponse:
        try:
            if request.method not in ("GET", "POST"):
                raise MethodNotAllowed("Use GET or POST.")
            params = read_params(request)
            session_id = str(_first(params, "sessionid") or "")
            user = get_client().user_for_session(session_id) if session_id else None
            if user is None:
                raise NotAuthenticated("The sessionID is missing, unknown or expired.")
            share = create(SessionPrincipal(session_id), user, params)
        except TileServerError as e:
            return _error(e)
        response = JsonResponse(share_url(request, share), safe=False)
        response["Cache-Control"] = "no-store"
        return response

    return view


def read_params(request: HttpRequest) -> Params:
    """Every value of every parameter, keyed by lower-cased name: query, then body."""
    params: Params = {}

    def add(key: str, values: list[Any]) -> None:
        params.setdefault(key.lower(), []).extend(values)

    for key, values in request.GET.lists():
        add(key, values)
    if request.method == "POST":
        try:
            if request.content_type in FORM_TYPES:
                for key, values in request.POST.lists():
                    add(key, values)
            elif request.body.strip():
                for key, value in _json_object(request.body).items():
                    add(key, value if isinstance(value, list) else [value])
        except (RequestDataTooBig, TooManyFieldsSent):
            raise BodyTooLarge("The request body is too large.") from None
    return params


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: nested deeper than the parser goes.
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise BadRequest("The request body must be a JSON object.")
    return value


def _first(params: Params, name: str) -> Any:
    values = params.get(name)
    return values[0] if values else None


def _valid(form_class: type[ShareOptionsForm], params: Params) -> dict[str, Any]:
    data = {
        field: params[key] if field in LIST_FIELDS else params[key][0]
        for key, field in FIELDS.items()
        if params.get(key)
    }
    form = form_class(data)
    if not form.is_valid():
        raise BadRequest(_first_error(form))
    return form.cleaned_data


def _first_error(form: forms.Form) -> str:
    field, errors = next(iter(form.errors.items()))
    if field == "__all__":
        return str(errors[0])
    return f"{WIRE_NAMES.get(field, field)}: {errors[0]}"


def _save(user: AbstractBaseUser, data: dict[str, Any], **target: Any) -> Share:
    try:
        return create_share(
            user,
            password=data["password"],
            expires_at=data["expires_at"],
            include_annotations=data["include_annotations"],
            include_label_and_macro=data["include_label_and_macro"],
            label=data["label"],
            **target,
        )
    except ValidationError as e:
        raise BadRequest(" ".join(e.messages)) from None


@endpoint
def create_link_for_slide(creator: Principal, user: AbstractBaseUser, params: Params) -> Share:
    data = _valid(SlideLinkForm, params)
    paths, fingerprints = catalog.slides(creator, [data["path_or_uid"]])
    return _save(user, data, kind=Share.Kind.SLIDE, path=paths[0], fingerprints=fingerprints)


@endpoint
def create_link_for_folder(creator: Principal, user: AbstractBaseUser, params: Params) -> Share:
    data = _valid(FolderLinkForm, params)
    catalog.check_folder(creator, data["path"])
    return _save(user, data, kind=Share.Kind.FOLDER, path=data["path"])


@endpoint
def create_link_for_grid(creator: Principal, user: AbstractBaseUser, params: Params) -> Share:
    data = _valid(GridLinkForm, params)
    slides, fingerprints = catalog.slides(creator, data["path_or_uids"])
    grid = {
        "slides": slides,
        "rows": data["rows"],
        "columns": data["columns"],
        "sync": data["sync"],
    }
    return _save(user, data, kind=Share.Kind.GRID, grid=grid, fingerprints=fingerprints)
