"""The studio's Content-Security-Policy: scripts only from the studio itself, none inline.

One policy for every page; share pages differ only in who may frame them. Styles may be
inline (libraries set them, templates pass CSS variables); images and OpenSeadragon's
decoding worker may come from `blob:`/`data:` URLs it makes itself; custom URL panels
frame any http(s) page, sandboxed.
"""

from __future__ import annotations

POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "frame-src": "'self' http: https:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}


def content_security_policy(*, frame_ancestors: str = "'none'", allow_eval: bool = False) -> str:
    """The header's value; `frame_ancestors` names who may frame the page.

    `allow_eval` only for the cockpit: the annotation layer draws with PixiJS (bundled in
    Annotorious), which compiles its shaders' uniform code with `new Function` and refuses
    to start without it. Scripts still come only from the studio itself, none inline.
    """
    directives = {**POLICY, "frame-ancestors": frame_ancestors}
    if allow_eval:
        directives["script-src"] += " 'unsafe-eval'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())
