"""Errors of the tile server, each with the HTTP status and PMA.core-style code it maps to."""

from __future__ import annotations


class TileServerError(Exception):
    """Base class: `message` is safe to show to a user; `status` is the HTTP status to answer."""

    status = 500
    code = "ServerError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(TileServerError):
    status = 400
    code = "BadRequest"


class BadPath(TileServerError):
    """A path that tries to leave SLIDES_DIR or is malformed."""

    status = 400
    code = "InvalidPath"


class NotAuthenticated(TileServerError):
    status = 401
    code = "SessionNotFound"


class SlideNotFound(TileServerError):
    status = 404
    code = "FileNotFound"


class DirectoryNotFound(TileServerError):
    status = 404
    code = "DirectoryNotFound"


class UnreadableSlide(TileServerError):
    """The file exists but is not a slide, or is damaged."""

    status = 422
    code = "ImageNotReadable"


class Unavailable(TileServerError):
    """The tile server cannot be reached or did not answer in time (remote transport)."""

    status = 503
    code = "TileServerUnavailable"


class AssociatedImageNotFound(TileServerError):
    """The slide exists but has no such associated image (label, macro)."""

    status = 404
    code = "AssociatedImageNotFound"
