"""Slide information and identifiers."""

from __future__ import annotations

from django.http import JsonResponse

from pmacore.errors import BadRequest
from pmacore.wire import image_info, slide_file, slide_ref
from tileserver import engine, relocation
from tileserver.api.http import ApiCall, bare_json

MAX_IMAGES_PER_CALL = 1000


def _slide(call: ApiCall) -> str:
    return slide_ref(call.params.required("pathOrUid"))


def get_image_info(call: ApiCall) -> JsonResponse:
    return bare_json(image_info(engine.slide_info(_slide(call)), call.base_url()))


def get_images_info(call: ApiCall) -> JsonResponse:
    """POST `{"sessionID", "pathOrUids": [...]}`: one ImageInfo per slide, in order."""
    refs = [slide_ref(ref) for ref in call.params.string_list("pathOrUids")]
    if len(refs) > MAX_IMAGES_PER_CALL:
        raise BadRequest(f"At most {MAX_IMAGES_PER_CALL} slides per call")
    base_url = call.base_url()
    return bare_json([image_info(engine.slide_info(ref), base_url) for ref in refs])


def get_uid(call: ApiCall) -> JsonResponse:
    # GetUID takes `path` where every other method takes `pathOrUid`.
    path = call.params.text("path") or call.params.required("pathOrUid")
    return bare_json(engine.uid(slide_ref(path)))


def get_fingerprint(call: ApiCall) -> JsonResponse:
    return bare_json(engine.fingerprint(_slide(call)))


def get_slides_by_fingerprint(call: ApiCall) -> JsonResponse:
    """This project's own call (PMA.core has none): where the slides with `fingerprint` are
    now, e.g. a slide that was moved or renamed; [] when there is none."""
    fingerprint = call.params.required("fingerprint").strip()
    if len(fingerprint) > 64:
        raise BadRequest("Parameter fingerprint is too long")
    return bare_json(relocation.slides_with_fingerprint(fingerprint))


def get_barcode_text(call: ApiCall) -> JsonResponse:
    # Never null: the SDK takes len() of the answer.
    return bare_json(engine.barcode_text(_slide(call)) or "")


def get_filenames(call: ApiCall) -> JsonResponse:
    return bare_json([slide_file(file) for file in engine.slide_files(_slide(call))])
