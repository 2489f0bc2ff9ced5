"""Plain values the tile server hands out; both client transports return these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SlideInfo:
    path: str  # virtual path, "root/sub/file.svs"
    uid: str
    fingerprint: str
    width: int  # native resolution, pixels
    height: int
    tile_size: int
    max_zoom_level: (
        int  # z = max_zoom_level is native resolution, z = 0 the whole slide in one tile
    )
    mpp_x: float | None  # micrometres per pixel at native resolution
    mpp_y: float | None
    objective_power: float | None
    vendor: str  # OpenSlide's vendor, e.g. "aperio"
    file_format: str  # human readable, e.g. "Aperio SVS"
    physical_size: int  # bytes of all files of the slide
    last_modified: datetime
    associated_images: tuple[str, ...]  # PMA.core names: "Thumbnail", "Barcode", "Macro"
    background_color: str = "ffffff"
    metadata: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def magnification(self) -> float | None:
        if self.objective_power:
            return self.objective_power
        if self.mpp_x:
            # PMA.core's rule: 0.25 µm/px is 40x.
            return round(40 / max(1, round(self.mpp_x / 0.25)))
        return None


@dataclass(frozen=True)
class EncodedImage:
    data: bytes
    content_type: str  # "image/jpeg" or "image/png"


@dataclass(frozen=True)
class SlideFile:
    path: str  # virtual path of one file of the slide
    size: int
    last_modified: datetime


@dataclass(frozen=True)
class Login:
    """A successful Authenticate: the session ID and who the tile server says the user is."""

    session_id: str
    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class AnnotationDraft:
    """An annotation as a client sends it: geometry as WKT in full-resolution pixels (origin
    top left, y down); colours as `#RRGGBB` or `#RRGGBBAA`."""

    geometry: str
    classification: str = ""
    notes: str = ""
    color: str = "#3399CC"
    fill_color: str = ""
    line_thickness: int = 2
    layer_id: int = 0


@dataclass(frozen=True)
class Annotation:
    """A stored annotation: the draft's fields plus its id, slide and audit fields."""

    id: int
    layer_id: int
    geometry: str
    classification: str
    notes: str
    color: str
    fill_color: str
    line_thickness: int
    slide_path: str
    fingerprint: str
    dimensions: int  # 0 point, 1 line, 2 area (PMA.core's `Dimensions`)
    created_by: str
    created_on: datetime
    modified_by: str
    modified_on: datetime

    def as_draft(self) -> AnnotationDraft:
        return AnnotationDraft(
            geometry=self.geometry,
            classification=self.classification,
            notes=self.notes,
            color=self.color,
            fill_color=self.fill_color,
            line_thickness=self.line_thickness,
            layer_id=self.layer_id,
        )


@dataclass(frozen=True)
class AnnotationChange:
    """UpdateAnnotation: the fields given change, the others stay (None = not given)."""

    geometry: str | None = None
    classification: str | None = None
    notes: str | None = None
    color: str | None = None
    fill_color: str | None = None
    line_thickness: int | None = None
    layer_id: int | None = None
