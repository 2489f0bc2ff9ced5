"""`/core/`: the PMA.core API at the studio's own address, for SDKs and LIMS integrations.

With the embedded tile server this is that server's API. With a remote one, every call is
passed on to it unchanged, so a client such as pma_python has one address in both cases;
an `authenticate` passing through also tells the studio whose session it opened, which is
how the integrator API knows who creates a link with that sessionID.

Reads (GET, HEAD) are lean routes: tiles come this way, and the API authenticates by
`sessionID` alone, so Django's middleware has nothing to add.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from studio.lean import lean_route
from studio.tileclient import get_client


@lean_route
@csrf_exempt
async def core_api(request: HttpRequest, endpoint: str) -> HttpResponseBase:
    return await get_client().serve_api(request, endpoint)
