"""What the viewer module (static/studio/js/viewer.js) is told about a slide, and the
thumbnail size of slide lists; used by the studio's pages, the panels and share pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from pmacore.types import SlideInfo

THUMBNAIL_WIDTH = 240
THUMBNAIL_HEIGHT = 160


def viewer_data(path: str, info: SlideInfo) -> dict[str, object]:
    """What viewer.js needs to know about the slide (goes into the page as JSON)."""
    first_tile = reverse("tile", args=[info.fingerprint, 0, 0, 0])
    query = urlencode({"slide": path})
    return {
        "path": path,
        "fingerprint": info.fingerprint,
        "width": info.width,
        "height": info.height,
        "tileSize": info.tile_size,
        "maxZoomLevel": info.max_zoom_level,
        "mppX": info.mpp_x,
        "mppY": info.mpp_y,
        "magnification": info.magnification,
        "backgroundColor": info.background_color,
        "tileUrl": first_tile.removesuffix("/0/0_0.jpg") + "/{z}/{x}_{y}.jpg?" + query,
    }
