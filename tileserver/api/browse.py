"""Browsing: root directories, folders, slides in a folder, search by file name."""

from __future__ import annotations

from django.http import JsonResponse

from pmacore.errors import DirectoryNotFound
from pmacore.wire import folder_path
from tileserver import engine
from tileserver.api.http import ApiCall, bare_json


def root_directories(call: ApiCall) -> JsonResponse:
    return bare_json(engine.root_directories())


def directories(call: ApiCall) -> JsonResponse:
    """Full virtual paths of the sub-folders; an empty `path` gives the root directories."""
    return bare_json(engine.directories(folder_path(call.params.text("path"))))


def files(call: ApiCall) -> JsonResponse:
    """Full virtual paths of the slides in a folder; a folder that does not exist has none
    (as PMA.core answers, and PMA.UI drops its session on any error status)."""
    try:
        slides = engine.slides(folder_path(call.params.text("path")))
    except DirectoryNotFound:
        slides = []
    return bare_json(slides)


def find_by_filename(call: ApiCall) -> JsonResponse:
    """`query/json/Filename`: slides anywhere below `path` whose path contains `pattern`."""
    path = folder_path(call.params.text("path"))
    return bare_json(engine.find_slides(path, call.params.text("pattern")))
