"""The remote transport: a PMA.core-compatible tile server over HTTP.

One pooled HTTP client per process (urllib3, thread-safe; the async views call it from the
tile thread pool, so the event loop never waits on the network); tiles, the hot path, are
fetched on the event loop by async_http.py instead. Connections are kept alive
and reused. Reads that never reached the server (refused, reset, a stale pooled connection)
are retried a bounded number of times; a server that does not answer within the read
timeout is reported at once rather than asked again, so a slow server is not loaded twice.

The PMA.core traps apply here as on the server side (../shared/reference): parameter names
are case-insensitive (we send PMA.core's own spelling), errors are `{Code, Message}` objects
that may come with status 200, dates are `/Date(ms)/`, GetImageInfo carries no fingerprint.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO
from urllib.parse import urlencode, urlsplit

import urllib3
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from PIL import Image
from urllib3.exceptions import HTTPError, ReadTimeoutError

from pmacore import errors
from pmacore.annotation_wire import annotation_from_wire, change_to_wire, draft_to_wire
from pmacore.errors import (
    AssociatedImageNotFound,
    BadAnswer,
    NotAuthenticated,
    NotSupported,
    TileServerError,
    Unavailable,
)
from pmacore.labels import label_barcodes, unique
from pmacore.types import (
    Annotation,
    AnnotationChange,
    AnnotationDraft,
    EncodedImage,
    Login,
    SlideFile,
    SlideInfo,
)
from pmacore.wire import normalise_endpoint, parse_pma_date, slide_info_from_wire
from studio.lib.blocking import run_blocking
from studio.tileclient import async_http
from studio.tileclient.remote_transfer import is_transfer, pass_transfer
from studio.tileclient.transfer import RemoteFileDownload, Span

logger = logging.getLogger(__name__)

CALLER = "Slide Studio"
RETRIES = 2  # extra attempts for a read that did not reach the server
RETRY_PAUSE = 0.2  # seconds before the first retry; doubled for the next
RETRY_STATUSES = frozenset({502, 503, 504})
# How long the studio trusts that a session it saw opened is still alive.
SESSION_CHECK_SECONDS = 60
SESSION_OWNER_SECONDS = 8 * 3600
DEFAULT_HEADERS = {"Accept": "application/json", "User-Agent": "SlideStudio"}
# Headers of a tile server's answer that `/core/` passes on (with body, status, type).
UPLOAD_CHUNK_BYTES = 1024 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
FORWARDED_HEADERS = ("Content-Length", "Content-Disposition", "ETag", "Cache-Control")


class RemoteClient:
    def __init__(
        self,
        base_url: str,
        *,
        service_username: str = "",
        service_password: str = "",
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        pool_size: int = 16,
        tile_connections: int = 64,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.name = f"the tile server at {urlsplit(self.base_url).netloc}"
        self.service_username = service_username
        self.service_password = service_password
        # One server: its connection pool straight away (a PoolManager would look it up and
        # parse the URL again on every request; measured ~60 µs of a tile's cost).
        self._path = urlsplit(self.base_url).path
        self._pool = urllib3.connection_from_url(
            self.base_url,
            maxsize=pool_size,
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            retries=False,
        )
        self._tiles = async_http.Pool(
            self.base_url,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            connections=tile_connections,
            headers=DEFAULT_HEADERS,
        )

    # --- who is who --------------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> Login:
        # POST with a JSON body, as pma_python does: credentials stay out of URLs and logs.
        body = {"username": username, "password": password, "caller": CALLER}
        reply = self._json("POST", "api/json/authenticate", {}, body=body)
        if not isinstance(reply, dict):
            raise BadAnswer("The tile server answered the login with something unreadable.")
        if str(reply.get("Success")).lower() != "true" or not reply.get("SessionId"):
            raise NotAuthenticated(str(reply.get("Reason") or "Wrong username or password."))
        login = Login(
            session_id=str(reply["SessionId"]),
            username=str(reply.get("Username") or username),
            email=str(reply.get("Email") or ""),
            first_name=str(reply.get("FirstName") or ""),
            last_name=str(reply.get("LastName") or ""),
        )
        remember_session_owner(login.session_id, login.username)
        return login

    def session_for_user(self, user: AbstractBaseUser) -> str:
        raise NotAuthenticated("Your tile-server session has ended: log in again.")

    def delegated_session(self, user: AbstractBaseUser) -> str:
        # A remote server opens no session without a password: share links and panel tokens
        # run as the service account; what a link may show was checked when it was made.
        if not user.is_active:
            raise NotAuthenticated("This account is disabled.")
        if not (self.service_username and self.service_password):
            raise NotAuthenticated(
                "Share links and panel tokens need a service account on the tile server: "
                "set TILE_SERVER_SERVICE_USERNAME and TILE_SERVER_SERVICE_PASSWORD."
            )
        return self.authenticate(self.service_username, self.service_password).session_id

    def user_for_session(self, session_id: str) -> AbstractBaseUser | None:
        """The studio user of a session opened through the studio (its login or its `/core/`
        authenticate), if the tile server still accepts it."""
        username = cache.get(_owner_key(session_id))
        if not username:
            return None
        check_key = _owner_key(session_id) + ":alive"
        if not cache.get(check_key):
            try:
                self.root_directories(session_id)
            except NotAuthenticated:
                cache.delete(_owner_key(session_id))
                return None
            cache.set(check_key, True, SESSION_CHECK_SECONDS)
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        return user

    async def serve_api(self, request: HttpRequest, endpoint: str) -> HttpResponseBase:
        """Pass one API request on unchanged; remember who an authenticate logged in.
        Transfers go on as streams (remote_transfer.py)."""
        if is_transfer(normalise_endpoint(endpoint)):
            return await pass_transfer(self, request, endpoint, DEFAULT_HEADERS)
        method = request.method or "GET"
        query = request.META.get("QUERY_STRING", "")
        headers = {"Content-Type": request.content_type} if request.body else None
        try:
            response = await run_blocking(
                self._send,
                method,
                endpoint + ("?" + query if query else ""),
                body=request.body or None,
                headers=headers,
            )
        except TileServerError as e:
            return JsonResponse({"Code": e.code, "Message": e.message}, status=e.status)
        if normalise_endpoint(endpoint) == "api/json/authenticate" and response.status == 200:
            # On Django's thread for sync code, as every ORM call of a request should be.
            await sync_to_async(_note_login)(response.data)
        forwarded = HttpResponse(
            response.data,
            status=response.status,
            content_type=response.headers.get("Content-Type", "application/octet-stream"),
        )
        for name in FORWARDED_HEADERS:
            if name in response.headers:
                forwarded[name] = response.headers[name]
        return forwarded

    def deauthenticate(self, session_id: str) -> None:
        cache.delete(_owner_key(session_id))
        self._json("GET", "api/json/DeAuthenticate", {"sessionID": session_id}, retry=False)

    # --- browsing and slides -----------------------------------------------------------

    def root_directories(self, session_id: str) -> list[str]:
        return self._strings("api/json/GetRootDirectories", {"sessionID": session_id})

    def directories(self, session_id: str, path: str) -> list[str]:
        return self._strings("api/json/GetDirectories", {"sessionID": session_id, "path": path})

    def slides(self, session_id: str, path: str) -> list[str]:
        return self._strings("api/json/GetFiles", {"sessionID": session_id, "path": path})

    def find_slides(self, session_id: str, path: str, pattern: str) -> list[str]:
        params = {"sessionID": session_id, "path": path, "pattern": pattern}
        return self._strings("query/json/Filename", params)

    def slide_info(self, session_id: str, path_or_uid: str) -> SlideInfo:
        params = {"sessionID": session_id, "pathOrUid": path_or_uid}
        data = self._json("GET", "api/json/GetImageInfo", params)
        if not isinstance(data, dict):
            raise BadAnswer("The tile server sent slide information the studio cannot read.")
        fingerprint = self._json("GET", "api/json/GetFingerprint", params)
        if not isinstance(fingerprint, str) or not fingerprint:
            raise BadAnswer("The tile server sent no fingerprint for this slide.")
        return slide_info_from_wire(data, fingerprint)

    def slides_by_fingerprint(self, session_id: str, fingerprint: str) -> list[str]:
        # This project's tile server answers it; a PMA.core knows no such method.
        params = {"sessionID": session_id, "fingerprint": fingerprint}
        try:
            return self._strings("api/json/GetSlidesByFingerprint", params)
        except TileServerError as e:
            # Unknown methods: 404/405/501, an error object, or an answer that is no list.
            if isinstance(e, BadAnswer) or e.status in (404, 405, 501):
                raise NotSupported(f"{self.name} cannot find a slide by its fingerprint.") from e
            raise

    def barcode_text(self, session_id: str, path_or_uid: str) -> str:
        params = {"sessionID": session_id, "pathOrUid": path_or_uid}
        text = self._json("GET", "api/json/GetBarcodeText", params, empty=None)
        return text if isinstance(text, str) else ""

    def barcodes(self, session_id: str, path_or_uid: str) -> list[str]:
        # PMA.core names one barcode; the others are read here from its label image.
        first = self.barcode_text(session_id, path_or_uid)
        try:
            label = self.label(session_id, path_or_uid)
        except AssociatedImageNotFound:
            return unique([first])
        try:
            decoded = label_barcodes(Image.open(io.BytesIO(label.data)))
        except OSError:
            decoded = []
        return unique([first, *decoded])

    def reverse_lookup_uid(self, session_id: str, uid: str) -> str:
        path = self._json(
            "GET", "admin/json/ReverseLookupUID", {"sessionID": session_id, "uid": uid}
        )
        if not isinstance(path, str) or not path:
            raise BadAnswer("The tile server did not name the path of this UID.")
        return path

    # --- transfer ----------------------------------------------------------------------

    def slide_files(self, session_id: str, path_or_uid: str) -> list[SlideFile]:
        params = {"sessionID": session_id, "pathOrUid": path_or_uid}
        items = self._json("GET", "api/json/getfilenames", params)
        try:
            return [
                SlideFile(
                    path=str(item["Path"]),
                    size=int(item["Size"]),
                    last_modified=parse_pma_date(item["LastModified"]),
                )
                for item in items
            ]
        except (TypeError, KeyError, ValueError):
            raise BadAnswer("The tile server's list of a slide's files is unreadable.") from None

    def download_file(
        self, session_id: str, path_or_uid: str, relative: str, span: Span | None = None
    ) -> RemoteFileDownload:
        params = {"sessionId": session_id, "image": path_or_uid, "path": relative}
        url = self._path + "transfer/Download/?" + urlencode(params)
        headers = {**DEFAULT_HEADERS, **({"Range": f"bytes={span[0]}-{span[1]}"} if span else {})}
        try:
            response = self._pool.urlopen(
                "GET", url, headers=headers, retries=False, preload_content=False
            )
        except ReadTimeoutError:
            raise Unavailable(f"{self.name} did not answer in time.") from None
        except HTTPError:
            raise Unavailable(f"{self.name} cannot be reached.") from None
        if response.status not in (200, 206):
            data = response.read()
            response.release_conn()
            self._refuse_errors(_json_or_none(data), response.status)
        length = response.headers.get("Content-Length", "")
        if not length.isdigit():
            response.release_conn()
            raise BadAnswer(f"{self.name} sent a file without its length.")
        if response.status == 200:  # the whole file, asked for or not
            return RemoteFileDownload(relative, response, int(length), span, span[0] if span else 0)
        answered = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if span is None or answered is None or tuple(map(int, answered.groups()[:2])) != span:
            response.release_conn()
            raise BadAnswer(f"{self.name} sent another part of the file than the one asked for.")
        return RemoteFileDownload(relative, response, int(answered.group(3)), span)

    def upload_start(self, session_id: str, folder: str, files: Sequence[tuple[str, int]]) -> int:
        body = {
            "path": folder,
            "files": [
                {"path": path, "length": length, "isMain": index == 0}
                for index, (path, length) in enumerate(files)
            ],
        }
        reply = self._json(
            "POST", "transfer/Upload", {"sessionId": session_id}, body=body, retry=False
        )
        if not isinstance(reply, dict) or not isinstance(reply.get("Id"), int):
            raise BadAnswer("The tile server did not give the upload an Id.")
        if reply.get("UploadType") not in (None, 0, "FileSystem") or reply.get("Urls"):
            raise BadAnswer(f"{self.name} wants uploads sent to cloud storage: not supported.")
        return int(reply["Id"])

    def upload_file(
        self, session_id: str, upload_id: int, relative: str, source: BinaryIO, length: int
    ) -> None:
        # The multipart body pma_python sends, streamed: never the whole file in memory.
        boundary = "studio-" + hashlib.sha256(os.urandom(16)).hexdigest()[:32]
        name = relative.rpartition("/")[2].replace('"', "")
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head
            left = length
            while left > 0:
                chunk = source.read(min(left, UPLOAD_CHUNK_BYTES))
                if not chunk:
                    break
                left -= len(chunk)
                yield chunk
            yield tail

        params = urlencode({"sessionId": session_id, "path": relative})
        response = self._send(
            "POST",
            f"transfer/Upload/{upload_id}?{params}",
            body=body(),  # type: ignore[arg-type]
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(len(head) + length + len(tail)),
            },
            retry=False,
        )
        self._refuse_errors(_json_or_none(response.data), response.status)

    def upload_finish(self, session_id: str, upload_id: int) -> str:
        reply = self._json(
            "GET", f"transfer/Upload/{upload_id}", {"sessionId": session_id}, retry=False
        )
        return str(reply.get("Path") or "") if isinstance(reply, dict) else ""

    # --- annotations -------------------------------------------------------------------

    def annotations(self, session_id: str, path_or_uid: str) -> list[Annotation]:
        params = {"sessionID": session_id, "pathOrUid": path_or_uid}
        return self._annotations(params)

    def annotations_by_fingerprint(self, session_id: str, fingerprint: str) -> list[Annotation]:
        return self._annotations({"sessionID": session_id, "fingerprint": fingerprint})

    def extract_regions(
        self,
        session_id: str,
        path_or_uid: str,
        annotation_ids: Sequence[int],
        progress: Callable[[int, int], object],
    ) -> list[str]:
        raise NotSupported(
            f"Region extraction is done where the slides are: {self.name} offers no such call "
            "(the embedded tile server does)."
        )

    def save_annotations(
        self,
        session_id: str,
        path_or_uid: str,
        added: Sequence[AnnotationDraft] = (),
        updated: Sequence[tuple[int, AnnotationChange]] = (),
        deleted: Sequence[int] = (),
    ) -> list[int]:
        body = {
            "sessionID": session_id,
            "pathOrUid": path_or_uid,
            "added": [draft_to_wire(draft) for draft in added],
            "updated": [
                {"AnnotationID": annotation_id, **change_to_wire(change)}
                for annotation_id, change in updated
            ],
            "deleted": list(deleted),
        }
        ids = self._json("POST", "api/json/SaveAnnotations", {}, body=body)
        if not isinstance(ids, list) or len(ids) != len(added):
            raise BadAnswer("The tile server did not say which annotations it saved.")
        return [int(annotation_id) for annotation_id in ids]

    def update_annotation(
        self, session_id: str, path_or_uid: str, annotation_id: int, change: AnnotationChange
    ) -> None:
        body = {
            "sessionID": session_id,
            "pathOrUid": path_or_uid,
            "annotationID": annotation_id,
            **change_to_wire(change),
        }
        self._json("POST", "api/json/UpdateAnnotation", {}, body=body, empty=None)

    def delete_annotation(self, session_id: str, path_or_uid: str, annotation_id: int) -> None:
        body = {"sessionID": session_id, "pathOrUid": path_or_uid, "annotationID": annotation_id}
        self._json("POST", "api/json/DeleteAnnotation", {}, body=body, empty=None)

    def _annotations(self, params: dict[str, Any]) -> list[Annotation]:
        # pma_python reads an empty body as "no annotations"; so do we.
        items = self._json("GET", "api/json/GetAnnotations", params, empty=[])
        if not isinstance(items, list):
            raise BadAnswer("The tile server's annotations are not a list.")
        return [annotation_from_wire(item) for item in items]

    # --- images ------------------------------------------------------------------------

    def tile(self, session_id: str, path_or_uid: str, x: int, y: int, z: int) -> EncodedImage:
        response = self._send("GET", _tile_endpoint(session_id, path_or_uid, x, y, z))
        content_type = response.headers.get("Content-Type", "")
        return self._image_answer("tile", response.status, content_type, response.data)

    async def atile(
        self, session_id: str, path_or_uid: str, x: int, y: int, z: int
    ) -> EncodedImage:
        answer = await self._aget(self._path + _tile_endpoint(session_id, path_or_uid, x, y, z))
        content_type = answer.headers.get("content-type", "")
        return self._image_answer("tile", answer.status, content_type, answer.body)

    def thumbnail(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage:
        return self._image("thumbnail", _image_params(session_id, path_or_uid, width, height))

    def label(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage:
        return self._image("barcode", _image_params(session_id, path_or_uid, width, height))

    def macro(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage:
        return self._image("macro", _image_params(session_id, path_or_uid, width, height))

    # --- HTTP --------------------------------------------------------------------------

    def _strings(self, endpoint: str, params: dict[str, Any]) -> list[str]:
        value = self._json("GET", endpoint, params)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise BadAnswer(f"The tile server's answer to {endpoint} is not a list of paths.")
        return value

    def _json(
        self,
        method: str,
        endpoint: str,
        params: dict[str, Any],
        *,
        body: dict[str, Any] | None = None,
        retry: bool = True,
        empty: Any = BadAnswer,
    ) -> Any:
        response = self._request(method, endpoint, params, body=body, retry=retry)
        if not response.data.strip() and response.status == 200 and empty is not BadAnswer:
            return empty  # GetBarcodeText may answer an empty body for "no barcode"
        try:
            value = json.loads(response.data)
        except ValueError:
            if response.status != 200:
                raise _status_error(self, response.status) from None
            raise BadAnswer(f"The tile server's answer to {endpoint} is not JSON.") from None
        if isinstance(value, dict) and "d" in value and len(value) == 1:
            value = value["d"]  # PMA.core 1.x wrapped answers in {"d": ...}
        self._refuse_errors(value, response.status)
        return value

    def _image(self, endpoint: str, params: dict[str, Any]) -> EncodedImage:
        response = self._request("GET", endpoint, params)
        content_type = response.headers.get("Content-Type", "")
        return self._image_answer(endpoint, response.status, content_type, response.data)

    def _image_answer(
        self, endpoint: str, status: int, content_type: str, data: bytes
    ) -> EncodedImage:
        content_type = content_type.split(";")[0].strip()
        if status == 200 and content_type.startswith("image/"):
            return EncodedImage(bytes(data), content_type)
        try:
            value = json.loads(data)
        except ValueError:
            value = None
        self._refuse_errors(value, status)
        raise BadAnswer(f"The tile server's answer to {endpoint} is not an image.")

    def _refuse_errors(self, value: Any, status: int) -> None:
        """Raise what an answer says went wrong: a `{Code, Message}` object (with any status,
        200 included), else a status other than 200."""
        if isinstance(value, dict) and "Code" in value:
            raise errors.from_wire(value.get("Code"), value.get("Message"), status)
        if status != 200:
            raise _status_error(self, status)

    def _request(
        self,
        method: str,
        endpoint: str,
        params: dict[str, Any],
        *,
        body: dict[str, Any] | None = None,
        retry: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        if params:
            endpoint += "?" + urlencode(params)
        encoded = None if body is None else json.dumps(body).encode()
        headers = None if body is None else {"Content-Type": "application/json"}
        return self._send(method, endpoint, body=encoded, headers=headers, retry=retry)

    def _send(
        self,
        method: str,
        endpoint: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        retry: bool = True,
    ) -> urllib3.BaseHTTPResponse:
        url = self._path + endpoint
        headers = {**DEFAULT_HEADERS, **(headers or {})}
        attempts = 1 + (RETRIES if retry and method == "GET" else 0)
        pause = RETRY_PAUSE
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = self._pool.urlopen(
                    method, url, body=body, headers=headers, retries=False, preload_content=True
                )
            except ReadTimeoutError:
                raise Unavailable(f"{self.name} did not answer in time.") from None
            except HTTPError as e:
                if last:
                    logger.warning(
                        "%s: %s %s failed: %s", self.name, method, endpoint.split("?")[0], e
                    )
                    raise Unavailable(f"{self.name} cannot be reached.") from None
            else:
                if response.status not in RETRY_STATUSES or last:
                    return response
            time.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")

    async def _aget(self, target: str) -> async_http.Answer:
        """`_send` for a GET on the event loop: the same retries, errors and log lines."""
        pause = RETRY_PAUSE
        for attempt in range(1 + RETRIES):
            last = attempt == RETRIES
            try:
                answer = await self._tiles.get(target)
            except TimeoutError:
                raise Unavailable(f"{self.name} did not answer in time.") from None
            except OSError as e:
                if last:
                    logger.warning("%s: GET %s failed: %s", self.name, target.split("?")[0], e)
                    raise Unavailable(f"{self.name} cannot be reached.") from None
            else:
                if answer.status not in RETRY_STATUSES or last:
                    return answer
            await asyncio.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")


def _json_or_none(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return None


def _tile_endpoint(session_id: str, path_or_uid: str, x: int, y: int, z: int) -> str:
    return f"tile?{_tile_query(session_id, path_or_uid)}&x={x}&y={y}&z={z}"


@functools.lru_cache(maxsize=1024)
def _tile_query(session_id: str, path_or_uid: str) -> str:
    """The part of a tile's query that one viewer repeats for every tile, encoded once."""
    return urlencode({"sessionID": session_id, "pathOrUid": path_or_uid, "format": "jpg"})


def _image_params(session_id: str, path_or_uid: str, width: int, height: int) -> dict[str, Any]:
    params: dict[str, Any] = {"sessionID": session_id, "pathOrUid": path_or_uid}
    if width:
        params["w"] = width
    if height:
        params["h"] = height
    return params


def _status_error(client: RemoteClient, status: int) -> TileServerError:
    if status in (401, 403):
        return NotAuthenticated("The tile-server session has expired.")
    if status in RETRY_STATUSES:
        return Unavailable(f"{client.name} is not available right now (HTTP {status}).")
    return BadAnswer(f"{client.name} answered with HTTP {status}.")


def _note_login(data: bytes) -> None:
    try:
        reply = json.loads(data)
    except ValueError:
        return
    if not isinstance(reply, dict) or str(reply.get("Success")).lower() != "true":
        return
    session_id, username = reply.get("SessionId"), reply.get("Username")
    if isinstance(session_id, str) and isinstance(username, str) and session_id and username:
        remember_session_owner(session_id, username)
        # The integrator's links hang off a studio user: the shadow user of this login.
        from studio.tileclient.backend import studio_user

        studio_user(
            Login(
                session_id,
                username,
                str(reply.get("Email") or ""),
                str(reply.get("FirstName") or ""),
                str(reply.get("LastName") or ""),
            )
        )


def _owner_key(session_id: str) -> str:
    return "tileclient:session-owner:" + hashlib.sha256(session_id.encode()).hexdigest()[:40]


def remember_session_owner(session_id: str, username: str) -> None:
    """Note whose session this is, so that the integrator API knows who makes a link."""
    cache.set(_owner_key(session_id), username, SESSION_OWNER_SECONDS)
