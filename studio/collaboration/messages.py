"""What a live-session client may send, validated into plain dicts.

Every check raises BadMessage with a sentence the client gets back as
`{"type": "error", "message": ...}`; the socket stays open.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_FRAME_BYTES = 32 * 1024
MAX_CHAT_CHARS = 1000
MAX_DATA_BYTES = 16 * 1024
MAX_ANNOTATION_BYTES = 16 * 1024
MAX_SLIDE_CHARS = 1024
MAX_GRID_CELLS = 16
MAX_FREEHAND_POINTS = 500
# Viewport coordinates are OpenSeadragon's (image width = 1); zoom is its zoom level.
COORDINATE_LIMIT = 1e6
ZOOM_LIMIT = 1e6

CLIENT_TYPES = frozenset({"viewport", "pointer", "chat", "data", "annotation", "control"})
CONTROL_ACTIONS = frozenset({"pause", "resume", "everyone", "hand", "take", "end"})


class BadMessage(ValueError):
    pass


def parse(text: str | None) -> dict[str, Any]:
    """A client frame as a dict with a known `type`, or BadMessage."""
    if text is None:
        raise BadMessage("Send JSON text frames.")
    if len(text.encode()) > MAX_FRAME_BYTES:
        raise BadMessage(f"Message too large (over {MAX_FRAME_BYTES} bytes).")
    try:
        message = json.loads(text, parse_constant=_reject_constant)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise BadMessage("Not valid JSON.") from error
    if not isinstance(message, dict):
        raise BadMessage("A message is a JSON object with a type.")
    kind = message.get("type")
    if kind not in CLIENT_TYPES:
        raise BadMessage(f"Unknown message type: {str(kind)[:40]!r}.")
    return VALIDATORS[kind](message)


def _reject_constant(name: str) -> None:
    raise BadMessage(f"{name} is not a number here.")


def _number(value: object, what: str, limit: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadMessage(f"{what} must be a number.")
    number = float(value)
    if not math.isfinite(number) or abs(number) > limit:
        raise BadMessage(f"{what} is out of range.")
    return number


def _point(value: object, what: str) -> list[float]:
    if not isinstance(value, list) or len(value) != 2:
        raise BadMessage(f"{what} must be [x, y].")
    return [_number(value[0], what, COORDINATE_LIMIT), _number(value[1], what, COORDINATE_LIMIT)]


def _slide(value: object, what: str = "slide") -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_SLIDE_CHARS:
        raise BadMessage(f"{what} must be a slide path.")
    if "\x00" in value:
        raise BadMessage(f"{what} must be a slide path.")
    return value


def _json_object(value: object, what: str, max_bytes: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadMessage(f"{what} must be a JSON object.")
    if len(json.dumps(value).encode()) > max_bytes:
        raise BadMessage(f"{what} too large (over {max_bytes} bytes).")
    return value


def viewport(message: dict[str, Any]) -> dict[str, Any]:
    """{"type": "viewport", "slide": path, "center": [x, y], "zoom": z, "rotation": deg,
    "flip": bool, "grid": {"rows": r, "columns": c, "cells": [path|null, ...], "selected": i,
    "sync": bool}} where only slide, center and zoom are required."""
    clean: dict[str, Any] = {
        "type": "viewport",
        "slide": _slide(message.get("slide")),
        "center": _point(message.get("center"), "center"),
        "zoom": _number(message.get("zoom"), "zoom", ZOOM_LIMIT),
        "rotation": _number(message.get("rotation", 0), "rotation", 360.0),
        "flip": message.get("flip", False),
    }
    if clean["zoom"] <= 0:
        raise BadMessage("zoom is out of range.")
    if not isinstance(clean["flip"], bool):
        raise BadMessage("flip must be true or false.")
    if "grid" in message and message["grid"] is not None:
        clean["grid"] = _grid(message["grid"])
    return clean


def _grid(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadMessage("grid must be an object.")
    rows = _number(value.get("rows"), "grid rows", MAX_GRID_CELLS)
    columns = _number(value.get("columns"), "grid columns", MAX_GRID_CELLS)
    if rows < 1 or columns < 1 or rows * columns > MAX_GRID_CELLS or rows % 1 or columns % 1:
        raise BadMessage("grid size is out of range.")
    cells = value.get("cells", [])
    if not isinstance(cells, list) or len(cells) > rows * columns:
        raise BadMessage("grid cells must be a list, one per cell.")
    clean: dict[str, Any] = {
        "rows": int(rows),
        "columns": int(columns),
        "cells": [None if cell is None else _slide(cell, "grid cell") for cell in cells],
    }
    # Optional: the viewport the centre and zoom are of, and synchronized navigation.
    if "selected" in value:
        selected = _number(value["selected"], "grid selected", MAX_GRID_CELLS)
        if selected % 1 or not 0 <= selected < rows * columns:
            raise BadMessage("grid selected must be the index of one of its cells.")
        clean["selected"] = int(selected)
    if "sync" in value:
        if not isinstance(value["sync"], bool):
            raise BadMessage("grid sync must be true or false.")
        clean["sync"] = value["sync"]
    return clean


def pointer(message: dict[str, Any]) -> dict[str, Any]:
    """{"type": "pointer", "slide": path, "at": [x, y]}; `at` null hides the pointer."""
    at = message.get("at")
    return {
        "type": "pointer",
        "slide": _slide(message.get("slide")),
        "at": None if at is None else _point(at, "at"),
    }


def chat(message: dict[str, Any]) -> dict[str, Any]:
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadMessage("text must be a non-empty string.")
    if len(text) > MAX_CHAT_CHARS:
        raise BadMessage(f"text too long (over {MAX_CHAT_CHARS} characters).")
    return {"type": "chat", "text": text.strip()}


def data(message: dict[str, Any]) -> dict[str, Any]:
    """Shared application data: {"type": "data", "data": {...}}, merged key by key into
    what everyone has (a key set to null is removed)."""
    return {"type": "data", "data": _json_object(message.get("data"), "data", MAX_DATA_BYTES)}


def annotation(message: dict[str, Any]) -> dict[str, Any]:
    """A transient highlight: {"type": "annotation", "action": "add", "slide": path,
    "shape": {...}} or {"type": "annotation", "action": "clear"}. A freehand shape is
    {"kind": "freehand", "points": [[x, y], ...]} (2 to MAX_FREEHAND_POINTS points)."""
    action = message.get("action", "add")
    if action == "clear":
        return {"type": "annotation", "action": "clear"}
    if action != "add":
        raise BadMessage("annotation action must be add or clear.")
    shape = _json_object(message.get("shape"), "shape", MAX_ANNOTATION_BYTES)
    if shape.get("kind") == "freehand":
        shape = _freehand(shape)
    return {
        "type": "annotation",
        "action": "add",
        "slide": _slide(message.get("slide")),
        "shape": shape,
    }


def _freehand(shape: dict[str, Any]) -> dict[str, Any]:
    points = shape.get("points")
    if not isinstance(points, list) or not 2 <= len(points) <= MAX_FREEHAND_POINTS:
        raise BadMessage(f"freehand points must be a list of 2 to {MAX_FREEHAND_POINTS} [x, y].")
    return {"kind": "freehand", "points": [_point(point, "freehand point") for point in points]}


def control(message: dict[str, Any]) -> dict[str, Any]:
    """{"type": "control", "action": pause|resume|end|take} or {"action": "everyone",
    "value": bool} or {"action": "hand", "participant": id}."""
    action = message.get("action")
    if action not in CONTROL_ACTIONS:
        raise BadMessage("control action must be one of " + ", ".join(sorted(CONTROL_ACTIONS)))
    clean: dict[str, Any] = {"type": "control", "action": action}
    if action == "everyone":
        if not isinstance(message.get("value"), bool):
            raise BadMessage("value must be true or false.")
        clean["value"] = message["value"]
    if action == "hand":
        participant = message.get("participant")
        if not isinstance(participant, str) or not 0 < len(participant) <= 80:
            raise BadMessage("participant must be a participant id.")
        clean["participant"] = participant
    return clean


VALIDATORS = {
    "viewport": viewport,
    "pointer": pointer,
    "chat": chat,
    "data": data,
    "annotation": annotation,
    "control": control,
}


def slides_of(viewport: dict[str, Any]) -> set[str]:
    """The slides a (validated) viewport message shows: its own and its grid's."""
    grid = viewport.get("grid") or {}
    return {viewport["slide"], *(cell for cell in grid.get("cells", []) if cell)}
