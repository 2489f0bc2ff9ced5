"""The tile-server client interface: what the studio asks of a tile server.

Every call but `authenticate` takes the tile-server session ID first, because that is how
the PMA.core API authenticates (`sessionID`); the embedded transport checks it the same way
a remote server would. Calls are blocking: async views run them in the tile thread pool;
only `atile`, the hot path's call, is a coroutine.
Failures raise `pmacore.errors.TileServerError` subclasses whatever the transport.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import BinaryIO, Protocol

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponseBase

from pmacore.types import (
    Annotation,
    AnnotationChange,
    AnnotationDraft,
    EncodedImage,
    Login,
    SlideFile,
    SlideInfo,
)
from studio.tileclient.transfer import FileDownload, Span


class TileClient(Protocol):
    #: Where the tile server is, as users should read it in a banner ("the embedded tile
    #: server", "the tile server at tiles.example.org").
    name: str

    def authenticate(self, username: str, password: str) -> Login:
        """A new tile-server session; raises NotAuthenticated on bad credentials."""
        ...

    def session_for_user(self, user: AbstractBaseUser) -> str:
        """A session ID for a studio user who is already logged in (no password at hand).

        Raises NotAuthenticated when the transport cannot do that; the user logs in again.
        """
        ...

    def delegated_session(self, user: AbstractBaseUser) -> str:
        """A session to serve what `user` shared while they are away (share links, panel
        tokens): their own where the server can open one without a password, else the
        configured service account's. Raises NotAuthenticated when there is neither."""
        ...

    def user_for_session(self, session_id: str) -> AbstractBaseUser | None:
        """The active studio user behind a live tile-server session, or None."""
        ...

    def deauthenticate(self, session_id: str) -> None: ...

    async def serve_api(self, request: HttpRequest, endpoint: str) -> HttpResponseBase:
        """Answer a PMA.core API request made to the studio's `/core/` (see gateway.py)."""
        ...

    def root_directories(self, session_id: str) -> list[str]: ...

    def directories(self, session_id: str, path: str) -> list[str]: ...

    def slides(self, session_id: str, path: str) -> list[str]: ...

    def find_slides(self, session_id: str, path: str, pattern: str) -> list[str]:
        """Slides anywhere below folder `path` (all roots if empty) whose path contains
        `pattern`, ignoring case."""
        ...

    def slide_info(self, session_id: str, path_or_uid: str) -> SlideInfo: ...

    def slides_by_fingerprint(self, session_id: str, fingerprint: str) -> list[str]:
        """Where the slides with this fingerprint are now (a moved or renamed slide found
        again); [] when none is. NotSupported when the tile server cannot say (a PMA.core)."""
        ...

    def barcode_text(self, session_id: str, path_or_uid: str) -> str:
        """The text of the label's barcode; "" when the slide has none."""
        ...

    def barcodes(self, session_id: str, path_or_uid: str) -> list[str]:
        """Every barcode of the slide, `barcode_text`'s first (a label may carry several)."""
        ...

    def reverse_lookup_uid(self, session_id: str, uid: str) -> str:
        """The path a UID stands for; administrators only (NotAllowed for others)."""
        ...

    def tile(self, session_id: str, path_or_uid: str, x: int, y: int, z: int) -> EncodedImage: ...

    async def atile(
        self, session_id: str, path_or_uid: str, x: int, y: int, z: int
    ) -> EncodedImage:
        """`tile` for the tile routes, awaited on their loop (see calls.acall_async)."""
        ...

    def thumbnail(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage: ...

    def label(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage: ...

    def macro(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage: ...

    # --- transfer ----------------------------------------------------------------------

    def slide_files(self, session_id: str, path_or_uid: str) -> list[SlideFile]:
        """Every file of the slide (`getfilenames`), the main file first."""
        ...

    def download_file(
        self, session_id: str, path_or_uid: str, relative: str, span: Span | None = None
    ) -> FileDownload:
        """One file of the slide (`transfer/Download`), named relative to the slide's folder
        as `relative_to_slide` gives it, whole or the bytes of `span` (which the caller has
        checked against the file's size); the caller closes it."""
        ...

    def upload_start(self, session_id: str, folder: str, files: Sequence[tuple[str, int]]) -> int:
        """Announce a slide's files (relative path, length; the main file first) for upload
        into `folder`; the upload's Id. Refusals (rights, paths, size, overwrites) come here."""
        ...

    def upload_file(
        self, session_id: str, upload_id: int, relative: str, source: BinaryIO, length: int
    ) -> None:
        """Send one announced file, `length` bytes read from `source`."""
        ...

    def upload_finish(self, session_id: str, upload_id: int) -> str:
        """Put the slide in place once it is checked; its path. UnreadableSlide if the files
        are not a slide (the upload is then gone)."""
        ...

    # --- annotations (geometry as WKT in full-resolution pixels) ------------------------

    def annotations(self, session_id: str, path_or_uid: str) -> list[Annotation]:
        """The slide's annotations (found again after the slide moved)."""
        ...

    def annotations_by_fingerprint(self, session_id: str, fingerprint: str) -> list[Annotation]:
        """Annotations made on any copy of a slide with this fingerprint."""
        ...

    def extract_regions(
        self,
        session_id: str,
        path_or_uid: str,
        annotation_ids: Sequence[int],
        progress: Callable[[int, int], object],
    ) -> list[str]:
        """Each annotation's bounding region at full resolution as a slide of its own; their
        paths. Only the embedded tile server can (NotSupported otherwise)."""
        ...

    def save_annotations(
        self,
        session_id: str,
        path_or_uid: str,
        added: Sequence[AnnotationDraft] = (),
        updated: Sequence[tuple[int, AnnotationChange]] = (),
        deleted: Sequence[int] = (),
    ) -> list[int]:
        """All or nothing; the new ids in the order of `added`. BadRequest names the item."""
        ...

    def update_annotation(
        self, session_id: str, path_or_uid: str, annotation_id: int, change: AnnotationChange
    ) -> None: ...

    def delete_annotation(self, session_id: str, path_or_uid: str, annotation_id: int) -> None: ...
