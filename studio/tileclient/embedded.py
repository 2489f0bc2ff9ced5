"""The embedded transport: the tile server's engine called in-process, no HTTP hop.

Sessions are the embedded tile server's own `ApiSession` rows, so a session ID opened here
also works against `/core/` and the other way round. A valid session is remembered in the
Django cache for a minute so that tiles do not query the database each time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import BinaryIO

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponseBase

from pmacore.errors import AnnotationNotFound, NotAllowed, NotAuthenticated
from pmacore.types import (
    Annotation,
    AnnotationChange,
    AnnotationDraft,
    EncodedImage,
    Login,
    SlideFile,
    SlideInfo,
)
from studio.lib.blocking import run_blocking
from studio.tileclient.transfer import LocalFileDownload, Span
from tileserver import annotations as annotation_store
from tileserver import engine, regions, relocation, uploads
from tileserver.api import dispatch as api
from tileserver.models import ApiSession

CALLER = "Slide Studio"


class EmbeddedClient:
    name = "the embedded tile server"

    def authenticate(self, username: str, password: str) -> Login:
        # The tile server's users are the studio's: check the password as Django does,
        # but not through `django.contrib.auth.authenticate`, whose backends lead here.
        user = ModelBackend().authenticate(None, username=username, password=password)
        if user is None:
            raise NotAuthenticated("Wrong username or password.")
        return Login(
            session_id=self.session_for_user(user),
            username=user.get_username(),
            email=getattr(user, "email", ""),
            first_name=getattr(user, "first_name", ""),
            last_name=getattr(user, "last_name", ""),
        )

    def session_for_user(self, user: AbstractBaseUser) -> str:
        if not user.is_active:
            raise NotAuthenticated("This account is disabled.")
        session = ApiSession.open_for(user, CALLER)
        return session.session_id

    def delegated_session(self, user: AbstractBaseUser) -> str:
        # The embedded server can open the user's own session: their rights apply as is.
        return self.session_for_user(user)

    def user_for_session(self, session_id: str) -> AbstractBaseUser | None:
        session = ApiSession.lookup(session_id)
        return session.user if session is not None else None

    async def serve_api(self, request: HttpRequest, endpoint: str) -> HttpResponseBase:
        return await api.api(request, endpoint)

    def deauthenticate(self, session_id: str) -> None:
        for session in ApiSession.objects.filter(session_id=session_id):
            session.delete()

    def check_session(self, session_id: str) -> AbstractBaseUser:
        """The session's user; NotAuthenticated when the session is not (or no longer) valid."""
        session = ApiSession.checked(session_id)
        if session is None:
            raise NotAuthenticated("The tile-server session has expired.")
        return session.user

    def root_directories(self, session_id: str) -> list[str]:
        self.check_session(session_id)
        return engine.root_directories()

    def directories(self, session_id: str, path: str) -> list[str]:
        self.check_session(session_id)
        return engine.directories(path)

    def slides(self, session_id: str, path: str) -> list[str]:
        self.check_session(session_id)
        return engine.slides(path)

    def find_slides(self, session_id: str, path: str, pattern: str) -> list[str]:
        self.check_session(session_id)
        return engine.find_slides(path, pattern)

    def slide_info(self, session_id: str, path_or_uid: str) -> SlideInfo:
        self.check_session(session_id)
        return engine.slide_info(path_or_uid)

    def slides_by_fingerprint(self, session_id: str, fingerprint: str) -> list[str]:
        self.check_session(session_id)
        return relocation.slides_with_fingerprint(fingerprint)

    def barcode_text(self, session_id: str, path_or_uid: str) -> str:
        self.check_session(session_id)
        return engine.barcode_text(path_or_uid)

    def barcodes(self, session_id: str, path_or_uid: str) -> list[str]:
        self.check_session(session_id)
        return engine.barcodes(path_or_uid)

    def reverse_lookup_uid(self, session_id: str, uid: str) -> str:
        if not getattr(self.check_session(session_id), "is_superuser", False):
            raise NotAllowed("Only administrators may look up the path of a UID.")
        return engine.path_of_uid(uid)

    def tile(self, session_id: str, path_or_uid: str, x: int, y: int, z: int) -> EncodedImage:
        self.check_session(session_id)
        return engine.tile(path_or_uid, x, y, z)

    async def atile(
        self, session_id: str, path_or_uid: str, x: int, y: int, z: int
    ) -> EncodedImage:
        # Reading a slide blocks: in the tile thread pool.
        return await run_blocking(self.tile, session_id, path_or_uid, x, y, z)

    def thumbnail(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage:
        self.check_session(session_id)
        return engine.thumbnail(path_or_uid, width, height)

    def label(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage:
        self.check_session(session_id)
        return engine.label(path_or_uid, width, height)

    def macro(
        self, session_id: str, path_or_uid: str, width: int = 0, height: int = 0
    ) -> EncodedImage:
        self.check_session(session_id)
        return engine.macro(path_or_uid, width, height)

    def slide_files(self, session_id: str, path_or_uid: str) -> list[SlideFile]:
        self.check_session(session_id)
        return engine.slide_files(path_or_uid)

    def download_file(
        self, session_id: str, path_or_uid: str, relative: str, span: Span | None = None
    ) -> LocalFileDownload:
        self.check_session(session_id)
        return LocalFileDownload(relative, engine.slide_member(path_or_uid, relative), span)

    def upload_start(self, session_id: str, folder: str, files: Sequence[tuple[str, int]]) -> int:
        announced = [{"path": path, "length": length} for path, length in files]
        return uploads.start(self.check_session(session_id), folder, announced).pk

    def upload_file(
        self, session_id: str, upload_id: int, relative: str, source: BinaryIO, length: int
    ) -> None:
        uploads.receive(self.check_session(session_id), upload_id, relative, source)

    def upload_finish(self, session_id: str, upload_id: int) -> str:
        return uploads.finish(self.check_session(session_id), upload_id).slide_path

    def annotations(self, session_id: str, path_or_uid: str) -> list[Annotation]:
        self.check_session(session_id)
        return annotation_store.for_slide(path_or_uid)

    def annotations_by_fingerprint(self, session_id: str, fingerprint: str) -> list[Annotation]:
        self.check_session(session_id)
        return annotation_store.by_fingerprint(fingerprint)

    def extract_regions(
        self,
        session_id: str,
        path_or_uid: str,
        annotation_ids: Sequence[int],
        progress: Callable[[int, int], object],
    ) -> list[str]:
        self.check_session(session_id)
        found = {item.id: item for item in annotation_store.for_slide(path_or_uid)}
        missing = [str(i) for i in annotation_ids if i not in found]
        if missing:
            raise AnnotationNotFound(f"There is no annotation {', '.join(missing)} on the slide")
        chosen = [found[i] for i in annotation_ids]
        return regions.extract_annotations(path_or_uid, chosen, progress=progress)

    def save_annotations(
        self,
        session_id: str,
        path_or_uid: str,
        added: Sequence[AnnotationDraft] = (),
        updated: Sequence[tuple[int, AnnotationChange]] = (),
        deleted: Sequence[int] = (),
    ) -> list[int]:
        user = self.check_session(session_id)
        return annotation_store.save(
            user, path_or_uid, added=added, updated=updated, deleted=deleted
        )

    def update_annotation(
        self, session_id: str, path_or_uid: str, annotation_id: int, change: AnnotationChange
    ) -> None:
        annotation_store.update(self.check_session(session_id), path_or_uid, annotation_id, change)

    def delete_annotation(self, session_id: str, path_or_uid: str, annotation_id: int) -> None:
        annotation_store.delete(self.check_session(session_id), path_or_uid, annotation_id)
