"""The slide-aware panels of the cockpit as server-rendered fragments.

The cockpit loads each panel with htmx (`?slide=<path>`) and gets the panel's partial; a
plain request gets a small page around the same partial, so every panel also works as a
link. A tile-server failure becomes a banner: one that polls until the slide is readable
again when the failure may pass (5xx: the tile server is down or busy), a final one when it
will not (a slide or folder that does not exist, a file that cannot be read).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from panels.views.decorators import login_again, panel_login_required
from panels.views.forms import BrowserForm, PanelSlideForm
from pmacore.errors import BadPath, BadRequest, NotAuthenticated, TileServerError
from pmacore.types import Annotation, SlideInfo
from studio.annotations import annotation_groups, unit
from studio.duplicates import copies_of
from studio.forms import form_errors
from studio.lib.paths import basename, breadcrumbs
from studio.slide_index import find_by_barcode, slide_facts
from studio.tileclient.calls import call, folder_contents, slide_info
from studio.tileclient.principals import RequestPrincipal

BROWSER_PAGE_SIZE = 48
GALLERY_THUMBNAIL = (160, 120)
BROWSER_LABEL = (48, 48)
PANEL_IMAGE_SIDE = 640
# PMA.core's names of the associated images, as SlideInfo.associated_images lists them.
ASSOCIATED_NAMES = {"thumbnail": "Thumbnail", "label": "Barcode", "macro": "Macro"}
IMAGE_TITLES = {"thumbnail": "Thumbnail", "label": "Label", "macro": "Macro"}


def render_panel(
    request: HttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The panel's partial for htmx, the page around it otherwise."""
    name = f"{template}#panel" if request.htmx else template
    return render(request, name, context, status=status)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    context = {"title": "Bad request", "message": message}
    return render_panel(request, "panels/message.html", context, status=400)


def unreadable(request: HttpRequest, error: TileServerError, title: str) -> HttpResponse:
    """A banner; for a failure that may pass it re-asks for the panel every few seconds.

    htmx swaps only 2xx answers, so the banner comes with 200 for htmx and with the
    error's own status for a plain request.
    """
    context = {
        "title": title,
        "message": error.message,
        "retry_url": request.get_full_path(),
        "final": error.status < 500,
    }
    status = 200 if request.htmx else error.status
    return render_panel(request, "panels/unreadable.html", context, status=status)


def tile_server_failure(request: HttpRequest, error: TileServerError, title: str) -> HttpResponse:
    if isinstance(error, NotAuthenticated):
        # The tile server no longer knows this user: log in again.
        return login_again(request)
    if isinstance(error, BadPath | BadRequest):
        return bad_request(request, error.message)
    return unreadable(request, error, title)


def slide_or_error(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    form = PanelSlideForm(request.GET)
    if not form.is_valid():
        return "", bad_request(request, form_errors(form))
    return form.cleaned_data["slide"], None


@panel_login_required
@require_GET
def browser(request: HttpRequest) -> HttpResponse:
    form = BrowserForm(request.GET)
    if not form.is_valid():
        return bad_request(request, form_errors(form))
    folder, query = form.cleaned_data["folder"], form.cleaned_data["q"].strip()
    try:
        entries = _browser_entries(request, folder, query)
    except TileServerError as e:
        return tile_server_failure(request, e, "The slide browser")
    page = Paginator(entries, BROWSER_PAGE_SIZE).get_page(form.cleaned_data["page"])
    try:
        _add_slide_facts(request, page.object_list)
    except TileServerError as e:
        return tile_server_failure(request, e, "The slide browser")
    context = {
        "folder": folder,
        "folder_name": basename(folder) if folder else "All slides",
        "breadcrumbs": breadcrumbs(folder),
        "query": query,
        "view": form.cleaned_data["view"],
        "selected": form.cleaned_data["slide"],
        "page": page,
        "thumbnail_size": GALLERY_THUMBNAIL,
        "label_size": BROWSER_LABEL,
    }
    if request.htmx and form.cleaned_data["page"] > 1:
        # "Load more" appends the next page's items to the list already shown.
        return render(request, "panels/browser.html#items", context)
    return render_panel(request, "panels/browser.html", context)


def _browser_entries(request: HttpRequest, folder: str, query: str) -> list[dict[str, Any]]:
    """Folders, then slides, of `folder`; or the slides below it whose name or barcode
    contains `query`."""
    if query:
        principal = RequestPrincipal(request)
        by_name = call(principal, lambda client, sid: client.find_slides(sid, folder, query))
        named = set(by_name)
        found = by_name + [
            path for path in find_by_barcode(principal, folder, query) if path not in named
        ]
        prefix = f"{folder}/" if folder else ""
        return [
            {"kind": "slide", "path": path, "name": path.removeprefix(prefix)} for path in found
        ]
    folders, slides = folder_contents(RequestPrincipal(request), folder)
    return [{"kind": "folder", "path": p, "name": basename(p)} for p in folders] + [
        {"kind": "slide", "path": p, "name": basename(p)} for p in slides
    ]


def _add_slide_facts(request: HttpRequest, entries: Sequence[dict[str, Any]]) -> None:
    """Each slide entry of the page gets its barcode, label and fingerprint."""
    slides = [entry for entry in entries if entry["kind"] == "slide"]
    if not slides:
        return
    principal = RequestPrincipal(request)
    facts = slide_facts(principal, [entry["path"] for entry in slides])
    copies = copies_of((path, found.fingerprint) for path, found in facts.items())
    # Copies are named only where this user may browse: a root they cannot list stays unsaid.
    roots = set(call(principal, lambda client, sid: client.root_directories(sid)))
    for entry in slides:
        entry["facts"] = facts[entry["path"]]
        entry["copies"] = [
            path for path in copies[entry["path"]] if path.partition("/")[0] in roots
        ]


@panel_login_required
@require_GET
def info(request: HttpRequest) -> HttpResponse:
    slide, error = slide_or_error(request)
    if error:
        return error
    context: dict[str, Any] = {"slide": slide, "panel_title": "Slide info"}
    if slide:
        try:
            principal = RequestPrincipal(request)
            context["info"] = slide_info(principal, slide)
            context["barcodes"] = call(principal, lambda client, sid: client.barcodes(sid, slide))
        except TileServerError as e:
            return tile_server_failure(request, e, "Slide info")
        context["name"] = basename(slide)
    return render_panel(request, "panels/info.html", context)


@panel_login_required
@require_GET
def associated_image(request: HttpRequest, kind: str) -> HttpResponse:
    slide, error = slide_or_error(request)
    if error:
        return error
    title = IMAGE_TITLES[kind]
    context: dict[str, Any] = {"slide": slide, "kind": kind, "panel_title": title}
    if slide:
        try:
            info = slide_info(RequestPrincipal(request), slide)
        except TileServerError as e:
            return tile_server_failure(request, e, title)
        context.update(
            name=basename(slide),
            present=ASSOCIATED_NAMES[kind] in info.associated_images,
            side=PANEL_IMAGE_SIDE,
            # The image URL changes with the slide's content, so a re-scan is never stale.
            version=info.fingerprint,
        )
    return render_panel(request, "panels/image.html", context)


# The annotations listed per class at first, and per "Show more".
PAGE = 100


@panel_login_required
@require_GET
def annotations(request: HttpRequest) -> HttpResponse:
    """The slide's annotations grouped per class with counts, measures and authors, the
    first PAGE of each class listed; `?author=` keeps one author's; `?class=&offset=` is
    the next page of one class (for the list's "Show more")."""
    slide, error = slide_or_error(request)
    if error:
        return error
    context: dict[str, Any] = {
        "slide": slide,
        "name": basename(slide),
        "panel_title": "Annotations",
    }
    if slide:
        try:
            principal = RequestPrincipal(request)
            info = slide_info(principal, slide)
            found = call(principal, lambda client, sid: client.annotations(sid, slide))
        except TileServerError as e:
            return tile_server_failure(request, e, "Annotations")
        author = request.GET.get("author", "")[:150]
        shown = [item for item in found if not author or item.created_by == author]
        context.update(
            # Who may change which annotation is the tile server's rule (its author, or an
            # admin); the panel offers the form where it would be accepted, and shows the
            # tile server's answer if it is refused all the same.
            editor=request.user.get_username(),
            is_admin=request.user.is_superuser or request.user.is_staff,
            author=author,
            unit=unit(info),
        )
        if "offset" in request.GET:
            return _annotations_page(request, shown, info, context)
        context.update(
            authors=sorted({item.created_by for item in found}),
            total=len(found),
            groups=annotation_groups(shown, info, first=PAGE),
            offset=PAGE,
        )
    return render_panel(request, "panels/annotations.html", context)


def _annotations_page(
    request: HttpRequest, shown: list[Annotation], info: SlideInfo, context: dict[str, Any]
) -> HttpResponse:
    try:
        offset = int(request.GET["offset"])
    except ValueError:
        offset = -1
    if offset < 0:
        return bad_request(request, "offset must be a whole number, 0 or more")
    name = request.GET.get("class", "")
    of_class = [item for item in shown if (item.classification or "") == name]
    (group,) = annotation_groups(of_class[offset:], info, first=PAGE) or [
        {"name": name, "annotations": [], "more": 0}
    ]
    context.update(group=group, offset=offset + PAGE)
    return render(request, "panels/annotations.html#items", context)


@panel_login_required
@require_GET
def annotation_copies(request: HttpRequest) -> HttpResponse:
    """Annotations made on identical copies of the slide elsewhere (same fingerprint), per
    copy: what other readers marked on the same tissue (blinded studies, inter-observer
    variability). Read-only here; each copy links to its own slide."""
    slide, error = slide_or_error(request)
    if error:
        return error
    copies: dict[str, list[Any]] = {}
    if slide:
        try:
            principal = RequestPrincipal(request)
            info = slide_info(principal, slide)
            fingerprint = info.fingerprint
            found = call(
                principal, lambda client, sid: client.annotations_by_fingerprint(sid, fingerprint)
            )
        except TileServerError as e:
            return tile_server_failure(request, e, "Annotations")
        for item in found:
            if item.slide_path != info.path:
                copies.setdefault(item.slide_path, []).append(item)
    context = {
        "slide": slide,
        "copies": [
            {"path": path, "unit": unit(info), "groups": annotation_groups(items, info)}
            for path, items in sorted(copies.items())
        ],
    }
    return render(request, "panels/_annotation_copies.html", context)
