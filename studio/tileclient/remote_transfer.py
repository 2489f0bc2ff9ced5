"""`/core/transfer/...` passed on to a remote tile server as streams, both ways.

The other PMA.core calls are small and go through `RemoteClient.serve_api` whole. A
transfer may be gigabytes: an upload's body is read from the request as it is sent on
(never past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, which is for form fields), and a
download is passed on chunk by chunk with its Content-Length, and Range in both directions.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponseBase, JsonResponse, StreamingHttpResponse
from urllib3.exceptions import HTTPError, ReadTimeoutError

from studio.lib.file_stream import in_thread
from studio.tileclient.transfer import CHUNK_BYTES

if TYPE_CHECKING:
    from studio.tileclient.remote import RemoteClient

REQUEST_HEADERS = ("Range", "If-Range")
ANSWER_HEADERS = (
    "Content-Length",
    "Content-Range",
    "Accept-Ranges",
    "Content-Disposition",
    "Last-Modified",
)


def is_transfer(name: str) -> bool:
    """Whether a normalised endpoint name is one of the transfer calls."""
    return name.startswith("transfer/")


async def pass_transfer(
    client: RemoteClient, request: HttpRequest, endpoint: str, default_headers: dict[str, str]
) -> HttpResponseBase:
    method = request.method or "GET"
    query = request.META.get("QUERY_STRING", "")
    url = client._path + endpoint + ("?" + query if query else "")
    headers = dict(default_headers)
    headers.update(
        {name: request.headers[name] for name in REQUEST_HEADERS if name in request.headers}
    )
    body = None
    if method == "POST":
        length = str(request.META.get("CONTENT_LENGTH") or "0")
        if not length.isdigit():
            return JsonResponse({"Code": "BadRequest", "Message": "Bad Content-Length"}, status=400)
        headers["Content-Type"] = request.META.get("CONTENT_TYPE") or "application/octet-stream"
        headers["Content-Length"] = length
        body = request if int(length) else b""  # read in blocks as it is sent on
    try:
        response = await asyncio.to_thread(
            client._pool.urlopen,
            method,
            url,
            body=body,
            headers=headers,
            retries=False,
            preload_content=False,
        )
    except ReadTimeoutError:
        return _unavailable(f"{client.name} did not answer in time.")
    except HTTPError:
        return _unavailable(f"{client.name} cannot be reached.")
    answer = StreamingHttpResponse(
        in_thread(response.stream(CHUNK_BYTES), response.release_conn),
        status=response.status,
        content_type=response.headers.get("Content-Type", "application/octet-stream"),
    )
    for name in ANSWER_HEADERS:
        if name in response.headers:
            answer[name] = response.headers[name]
    # Also when the body is never read (the client went away first).
    answer._resource_closers.append(response.release_conn)
    return answer


def _unavailable(message: str) -> JsonResponse:
    return JsonResponse({"Code": "TileServerUnavailable", "Message": message}, status=503)
