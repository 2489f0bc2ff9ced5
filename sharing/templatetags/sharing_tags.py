"""Template filters of the sharing pages."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def breakable_path(value: object) -> SafeString:
    """A path that may wrap after its slashes, never inside a folder's or slide's name."""
    parts = [escape(part) for part in str(value).split("/")]
    return mark_safe("/<wbr>".join(parts))  # noqa: S308 - every part is escaped above
