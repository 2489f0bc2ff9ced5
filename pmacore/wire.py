"""The PMA.core wire format, free of Django: endpoint names, parameters, dates, ImageInfo
(both ways: `image_info` writes it, `slide_info_from_wire` reads it back).

PMA.core binds method names and parameter names case-insensitively and its clients send
`sessionID`, `SessionID` and `sessionId` alike, so everything here compares lower-cased.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pmacore.errors import BadAnswer, BadRequest
from pmacore.types import SlideFile, SlideInfo

IMAGE_FORMATS = {"jpg": "jpg", "jpeg": "jpg", "png": "png"}
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}
_SLASHES = re.compile(r"/{2,}")
_PMA_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def normalise_endpoint(endpoint: str) -> str:
    """`/api//json/GetFiles/` → `api/json/getfiles`: the key of the endpoint table."""
    return _SLASHES.sub("/", endpoint.replace("\\", "/")).strip("/").lower()


class Params:
    """Request parameters (query string, then body) looked up case-insensitively.

    An empty value counts as absent: clients send `gamma=` or `w=` for "not given".
    """

    def __init__(self, *sources: Iterable[tuple[str, Any]]) -> None:
        self._values: dict[str, Any] = {}
        for source in sources:
            for key, value in source:
                self._values.setdefault(key.lower(), value)

    @classmethod
    def of(cls, *mappings: Mapping[str, Any]) -> Params:
        return cls(*(mapping.items() for mapping in mappings))

    def given(self, name: str) -> bool:
        """Whether the key was sent at all, even empty (UpdateAnnotation's `notes: ""`)."""
        return name.lower() in self._values

    def mapping(self) -> dict[str, Any]:
        """Every parameter (keys lower-cased): for readers that take a mapping."""
        return dict(self._values)

    def raw(self, name: str) -> Any:
        value = self._values.get(name.lower())
        return None if value == "" else value

    def text(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool | int | float | str):
            return str(value)
        raise BadRequest(f"Parameter {name} must be a string")

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise BadRequest(f"Parameter {name} is required")
        return value

    def integer(self, name: str, default: int | None = None, *, minimum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            if default is None:
                raise BadRequest(f"Parameter {name} is required")
            return default
        try:
            number = int(str(value).strip())
        except ValueError:
            raise BadRequest(f"Parameter {name} must be an integer, not {value!r}") from None
        if minimum is not None and number < minimum:
            raise BadRequest(f"Parameter {name} must be at least {minimum}")
        return number

    def number(self, name: str, default: float) -> float:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = float(str(value).strip())
        except ValueError:
            raise BadRequest(f"Parameter {name} must be a number, not {value!r}") from None
        if not math.isfinite(number):
            raise BadRequest(f"Parameter {name} must be a finite number")
        return number

    def boolean(self, name: str, default: bool = False) -> bool:
        """`True`/`False` from Python clients, `true`/`false` from JavaScript ones."""
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise BadRequest(f"Parameter {name} must be true or false, not {value!r}")

    def image_format(self) -> str:
        value = self.text("format", "jpg").strip().lower()
        if value not in IMAGE_FORMATS:
            raise BadRequest(f"Unsupported image format {value!r}: use jpg or png")
        return IMAGE_FORMATS[value]

    def quality(self, default: int = 90) -> int:
        quality = self.integer("quality", default, minimum=0)
        if quality > 100:
            raise BadRequest("Parameter quality must be between 0 and 100")
        return quality

    def string_list(self, name: str) -> list[str]:
        """A JSON array of strings, or one comma-separated string from a query."""
        value = self.raw(name)
        if value is None:
            return []
        if isinstance(value, str):
            return [item for item in value.split(",") if item]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise BadRequest(f"Parameter {name} must be a list of strings")


def folder_path(value: str) -> str:
    """Clients add leading slashes and trailing `/` or `\\` to folder paths; drop them."""
    return value.strip().strip("/\\")


def slide_ref(value: str) -> str:
    """A slide path or UID as sent; the SDK strips a leading slash, so do we."""
    return value.strip().lstrip("/")


def pma_date(moment: datetime) -> str:
    """`/Date(<milliseconds since the epoch>)/`, the .NET JSON date PMA.core sends."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"/Date({round(moment.timestamp() * 1000)})/"


def parse_pma_date(value: object) -> datetime:
    """`/Date(ms)/` (optionally with an offset, which does not move the instant) or ISO 8601;
    ValueError for anything else."""
    text = str(value or "")
    match = _PMA_DATE.fullmatch(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def image_info(info: SlideInfo, base_url: str) -> dict[str, Any]:
    """GetImageInfo's object: every field of PMA.core's, no `Message` (the SDK reads it as
    an error) and no `NumberOfZoomLevels` (PMA.UI lets it override `MaxZoomLevel`)."""
    metadata = [{"Name": name, "Value": value} for name, value in info.metadata]
    if not any(item["Name"] == "fileformat" for item in metadata):
        metadata.append({"Name": "fileformat", "Value": info.file_format})
    return {
        "AnnotationsLayers": [],
        "AssociatedImageTypes": list(info.associated_images),
        "BackgroundColor": info.background_color,
        "BaseUrl": base_url,
        "DefaultGamma": 1,
        "ErrorMessage": None,
        "Filename": info.path,
        "Height": info.height,
        "LastModified": pma_date(info.last_modified),
        "MaxZoomLevel": info.max_zoom_level,
        "MetaData": metadata,
        # Unknown resolution is 0: the SDK converts with float(), so null would crash it.
        "MicrometresPerPixelX": info.mpp_x or 0,
        "MicrometresPerPixelY": info.mpp_y or 0,
        "PhysicalSize": info.physical_size,
        "TileSize": info.tile_size,
        "TimeFrames": [
            {
                "Layers": [
                    {
                        "Channels": [{"ChannelID": 0, "Color": "ffffffff", "Name": "Default"}],
                        "LayerID": 0,
                    }
                ],
                "TimeID": 0,
            }
        ],
        "UID": info.uid,
        "Width": info.width,
    }


def slide_file(file: SlideFile) -> dict[str, Any]:
    return {"Path": file.path, "Size": file.size, "LastModified": pma_date(file.last_modified)}


def slide_info_from_wire(data: Mapping[str, Any], fingerprint: str) -> SlideInfo:
    """A SlideInfo from a GetImageInfo object (which has no fingerprint: GetFingerprint's).

    Raises BadAnswer when a field the studio needs is missing or of the wrong type.
    """
    try:
        metadata = tuple(
            (str(item["Name"]), str(item["Value"])) for item in data.get("MetaData") or []
        )
        named = dict(metadata)
        return SlideInfo(
            path=str(data["Filename"]),
            uid=str(data.get("UID") or ""),
            fingerprint=fingerprint,
            width=int(data["Width"]),
            height=int(data["Height"]),
            tile_size=int(data["TileSize"]),
            max_zoom_level=int(data["MaxZoomLevel"]),
            mpp_x=float(data.get("MicrometresPerPixelX") or 0) or None,
            mpp_y=float(data.get("MicrometresPerPixelY") or 0) or None,
            objective_power=float(named["objectivepower"]) if "objectivepower" in named else None,
            vendor=named.get("vendor", ""),
            file_format=named.get("fileformat", ""),
            physical_size=int(data.get("PhysicalSize") or 0),
            last_modified=parse_pma_date(data.get("LastModified")),
            associated_images=tuple(str(name) for name in data.get("AssociatedImageTypes") or []),
            background_color=str(data.get("BackgroundColor") or "ffffff"),
            metadata=metadata,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise BadAnswer(f"The tile server sent slide information it cannot read ({e})") from None
