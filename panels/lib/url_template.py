"""URL templates of custom panels: `{server}/panels/demo/label/?slide={slide}&token={token}`.

A template is checked once, when its layout is loaded, and expanded for every slide the
cockpit shows. Only http(s) URLs are allowed, so a layout can never put a `javascript:` or
`data:` URL into an iframe; placeholders other than `{server}` may only appear after the
host, so slide data can never choose which host receives the token.

A template without any placeholder is a plain URL: it gets the documented parameters
appended to its query (`server`, `slide`, `uid`, `token`, see layouts/README.md), as the
custom panels of PMA.studio pass along the tile server and the selected slide. Who wants
other names writes placeholders, and then only those are filled in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

PLACEHOLDERS = frozenset({"server", "slide", "folder", "uid", "token"})
# What a URL without placeholders receives, in this order.
APPENDED_PARAMETERS = ("server", "slide", "uid", "token")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_LITERAL_ORIGIN = re.compile(r"^https?://[^/?#{}\s]+(?=$|[/?#])", re.IGNORECASE)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
MAX_LENGTH = 2000


class UrlTemplateError(ValueError):
    pass


def placeholders(template: str) -> list[str]:
    """Return the placeholders a template uses, raising UrlTemplateError if it is unsafe."""
    if not template:
        raise UrlTemplateError("the URL template is empty")
    if len(template) > MAX_LENGTH:
        raise UrlTemplateError(f"the URL template is longer than {MAX_LENGTH} characters")
    if any(c.isspace() or ord(c) < 0x20 for c in template):
        raise UrlTemplateError("the URL template contains whitespace or control characters")

    names = _PLACEHOLDER.findall(template)
    for name in names:
        if name not in PLACEHOLDERS:
            allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            raise UrlTemplateError(f"unknown placeholder '{{{name}}}' (allowed: {allowed})")
    if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
        raise UrlTemplateError("unbalanced '{' or '}' in the URL template")

    if template.startswith("{server}"):
        rest = template[len("{server}") :]
        if rest and rest[0] not in "/?#":
            raise UrlTemplateError("'{server}' must be followed by '/', '?', '#' or nothing")
        if "{server}" in rest:
            raise UrlTemplateError("'{server}' may only start the URL template")
        return names

    scheme = _SCHEME.match(template)
    if not scheme or scheme.group(1).lower() not in ("http", "https"):
        found = f"'{scheme.group(1)}:'" if scheme else "no scheme"
        raise UrlTemplateError(
            f"only http and https URLs (or ones starting with {{server}}) are allowed, not {found}"
        )
    origin = _LITERAL_ORIGIN.match(template)
    if not origin:
        raise UrlTemplateError("the host of the URL template must be written out, not templated")
    if "{server}" in template:
        raise UrlTemplateError("'{server}' may only start the URL template")
    return names


def expand(template: str, values: Mapping[str, str | None]) -> str:
    """Fill in a checked template; every value except the server's own URL is URL-encoded.

    A placeholder without a value (a slide with no UID yet) becomes the empty string.
    """
    if not placeholders(template):
        return _append_parameters(template, values)
    server = values.get("server") or ""
    if template.startswith("{server}") and not server.startswith(("http://", "https://")):
        raise UrlTemplateError("the server URL must be an http(s) URL")

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name) or ""
        if name == "server":
            return value.rstrip("/")
        return quote(value, safe="")

    return _PLACEHOLDER.sub(fill, template)


def _append_parameters(url: str, values: Mapping[str, str | None]) -> str:
    parts = urlsplit(url)
    added = urlencode([(name, values.get(name) or "") for name in APPENDED_PARAMETERS])
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))
