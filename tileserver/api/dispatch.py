"""One view for the whole PMA.core dialect: normalise the endpoint name, look it up, call it.

PMA.core routes case-insensitively and clients write `Region`, `getfilenames` or
`api/json//GetFiles/`; normalising once and dispatching from a table handles them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from pmacore.errors import MethodNotAllowed, MethodNotFound, NotAuthenticated, TileServerError
from pmacore.wire import Params, normalise_endpoint
from tileserver.api import admin, annotations, browse, images, session, slides, transfer
from tileserver.api.http import ApiCall, error_response, read_params
from tileserver.models import ApiSession

logger = logging.getLogger(__name__)

READ = frozenset({"GET", "HEAD"})
READ_WRITE = READ | {"POST"}
WRITE = frozenset({"POST"})


Handler = Callable[[ApiCall], Awaitable[HttpResponseBase]]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    methods: frozenset[str] = READ
    needs_session: bool = True


def _sync(
    handler: Callable[[ApiCall], HttpResponseBase],
    methods: frozenset[str] = READ_WRITE,
    *,
    needs_session: bool = True,
) -> Endpoint:
    """A plain view: it runs on the thread Django keeps for sync code (ORM, auth)."""
    return Endpoint(sync_to_async(handler), methods, needs_session)


def _open(
    handler: Callable[[ApiCall], HttpResponseBase], methods: frozenset[str] = READ_WRITE
) -> Endpoint:
    return _sync(handler, methods, needs_session=False)


# Every JSON call also takes POST (form fields or a JSON object), so that a client can keep
# its password and sessionID out of URLs, and so out of every log on the way.
ENDPOINTS: dict[str, Endpoint] = {
    "api/json/islite": _open(session.is_lite),
    "api/json/getversioninfo": _open(session.version_info),
    "api/json/getbuildrevision": _open(session.build_revision),
    "api/json/getapiversion": _open(session.api_version),
    "api/json/authenticate": _open(session.authenticate),
    "api/json/deauthenticate": _sync(session.deauthenticate),
    "api/json/getrootdirectories": _sync(browse.root_directories),
    "api/json/getdirectories": _sync(browse.directories),
    "api/json/getfiles": _sync(browse.files),
    "query/json/filename": _sync(browse.find_by_filename),
    "api/json/getimageinfo": _sync(slides.get_image_info),
    "api/json/getimagesinfo": _sync(slides.get_images_info),
    "api/json/getuid": _sync(slides.get_uid),
    "api/json/getfingerprint": _sync(slides.get_fingerprint),
    "api/json/getslidesbyfingerprint": _sync(slides.get_slides_by_fingerprint),
    "api/json/getbarcodetext": _sync(slides.get_barcode_text),
    "api/json/getfilenames": _sync(slides.get_filenames),
    "api/json/getannotations": _sync(annotations.get_annotations),
    "api/json/addannotation": _sync(annotations.add_annotation, WRITE),
    "api/json/saveannotations": _sync(annotations.save_annotations, WRITE),
    "api/json/updateannotation": _sync(annotations.update_annotation, WRITE),
    "api/json/deleteannotation": _sync(annotations.delete_annotation, WRITE),
    "api/json/deleteannotations": _sync(annotations.delete_annotations, WRITE),
    "api/json/getannotationsurfacearea": _sync(annotations.surface_area),
    "api/json/getannotationdistance": _sync(annotations.distance),
    "api/json/exportannotations": _sync(annotations.export_annotations),
    "admin/json/createuser": _sync(admin.create_user, WRITE),
    "admin/json/reverselookupuid": _sync(admin.reverse_lookup_uid),
    "transfer/download": _sync(transfer.download, READ),
    "transfer/upload": _sync(transfer.upload, WRITE),
    "transfer/upload/*": _sync(transfer.upload_step, READ_WRITE),
    # Image endpoints are async and read slides on a thread pool of their own.
    "tile": Endpoint(images.tile),
    "thumbnail": Endpoint(images.thumbnail),
    "barcode": Endpoint(images.barcode),
    "macro": Endpoint(images.macro),
    "region": Endpoint(images.region),
}


@csrf_exempt
async def api(request: HttpRequest, endpoint: str) -> HttpResponseBase:
    try:
        return await _dispatch(request, normalise_endpoint(endpoint))
    except TileServerError as error:
        return error_response(error)
    except Exception:
        logger.exception("PMA.core API call %s failed", request.path)
        return error_response(TileServerError("The tile server failed to answer this request"))


# Methods followed by a path part of their own: `transfer/upload/12` is `transfer/upload/*`.
WITH_TAIL = ("transfer/upload/",)


def _split_tail(name: str) -> tuple[str, str]:
    for prefix in WITH_TAIL:
        if name.startswith(prefix):
            return prefix + "*", name[len(prefix) :]
    return name, ""


async def _dispatch(request: HttpRequest, name: str) -> HttpResponseBase:
    name, tail = _split_tail(name)
    endpoint = ENDPOINTS.get(name)
    if endpoint is None:
        raise MethodNotFound(f"No such method: {name or '(none)'}")
    if request.method not in endpoint.methods:
        raise MethodNotAllowed(f"{request.method} is not allowed on {name}")
    if request.method == "POST":
        # A body may be an uploaded file of gigabytes: parse it off the event loop.
        params = await asyncio.to_thread(read_params, request)
    else:
        params = read_params(request)
    session = await _session(params) if endpoint.needs_session else None
    call = ApiCall(request, params, session, tail)
    return await endpoint.handler(call)


async def _session(params: Params) -> ApiSession:
    session = await ApiSession.achecked(params.text("sessionID").strip())
    if session is None:
        raise NotAuthenticated("The session ID is missing, unknown or expired")
    return session
