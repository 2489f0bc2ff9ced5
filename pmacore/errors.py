"""Errors of the tile server, each with the HTTP status and PMA.core-style code it maps to.

The embedded server raises them and answers `{"Code": code, "Message": message}`; the
remote client reads such answers back into the same classes (`from_wire`), so callers catch
one set of errors whatever the transport.
"""

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


class BodyTooLarge(BadRequest):
    """A request body past DATA_UPLOAD_MAX_MEMORY_SIZE (or with too many form fields)."""

    status = 413
    code = "PayloadTooLarge"


class BadPath(TileServerError):
    """A path that tries to leave SLIDES_DIR or is malformed."""

    status = 400
    code = "InvalidPath"


class NotAuthenticated(TileServerError):
    status = 401
    code = "SessionNotFound"


class NotAllowed(TileServerError):
    """The session is fine but may not do this (change another user's annotation)."""

    status = 403
    code = "NotAllowed"


class AnnotationNotFound(TileServerError):
    status = 404
    code = "AnnotationNotFound"


class SlideNotFound(TileServerError):
    status = 404
    code = "FileNotFound"


class UploadNotFound(TileServerError):
    status = 404
    code = "UploadNotFound"


class DirectoryNotFound(TileServerError):
    status = 404
    code = "DirectoryNotFound"


class UnreadableSlide(TileServerError):
    """The file exists but is not a slide, or is damaged."""

    status = 422
    code = "ImageNotReadable"


class AlreadyExists(TileServerError):
    """Something is already where a new file would go (an upload never overwrites)."""

    status = 409
    code = "AlreadyExists"


class Unavailable(TileServerError):
    """The tile server cannot be reached or did not answer in time (remote transport)."""

    status = 503
    code = "TileServerUnavailable"


class BadAnswer(TileServerError):
    """The tile server answered something a PMA.core client cannot read (remote transport)."""

    status = 502
    code = "BadAnswer"


class TooManyRequests(TileServerError):
    """Too many costly requests at once, or too many tries: wait, then ask again."""

    status = 429
    code = "TooManyRequests"


class AssociatedImageNotFound(TileServerError):
    """The slide exists but has no such associated image (label, macro)."""

    status = 404
    code = "AssociatedImageNotFound"


class MethodNotFound(TileServerError):
    status = 404
    code = "MethodNotFound"


class MethodNotAllowed(TileServerError):
    status = 405
    code = "MethodNotAllowed"


class NotSupported(TileServerError):
    """Something this kind of tile server does not do (a PMA.core has no region extraction)."""

    status = 501
    code = "NotSupported"


def _subclasses(cls: type[TileServerError]) -> list[type[TileServerError]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def from_wire(code: object, message: object, status: int) -> TileServerError:
    """The error a `{Code, Message}` answer with HTTP `status` stands for.

        Known codes map to their class; an unknown code keeps its message, and a 401 or 403
        means the session is not (or no longer) valid, whatever code the server chose (but a 403
    `NotAllowed` is a refusal of the one thing asked).
    """
    text = str(message) if message else f"The tile server answered {code or status}."
    if status == 401 or (status == 403 and code != NotAllowed.code):
        return NotAuthenticated(text)
    for cls in _subclasses(TileServerError):
        if cls.code == code:
            return cls(text)
    error = TileServerError(text)
    error.status = status if 400 <= status < 500 else 502
    error.code = str(code or "ServerError")
    return error
