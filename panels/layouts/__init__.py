"""Layouts from XML files: parse `layouts/*.xml` into typed objects and keep them fresh.

Other code needs only `load_layouts()` (and the model types it returns).
"""

from __future__ import annotations

from panels.layouts.errors import InvalidLayout, LayoutError
from panels.layouts.loader import LoadResult, load_layouts
from panels.layouts.model import Layout

__all__ = ["InvalidLayout", "Layout", "LayoutError", "LoadResult", "load_layouts"]
