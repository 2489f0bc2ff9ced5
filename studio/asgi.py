"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from studio.lean import LeanRoutes  # noqa: E402
from studio.routing import websocket_urlpatterns  # noqa: E402
from studio.static_files import StaticFiles  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Static files (ours and node_modules') are served by the same process so that
        # `make run` needs nothing else; behind a load balancer a proxy serves collectstatic.
        "http": StaticFiles(LeanRoutes(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
