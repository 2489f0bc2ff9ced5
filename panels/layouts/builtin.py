"""The layout the cockpit falls back to when a layout file has never been loadable.

Written in the same XML as the files (and parsed by the same parser) so that it cannot drift
from the format; it has no layout.switch buttons because it cannot know which layouts exist.
"""

from __future__ import annotations

import dataclasses
import functools

from panels.layouts.model import Layout
from panels.layouts.parser import parse_layout_bytes

BUILTIN_SOURCE = "<built-in>"

BUILTIN_XML = b"""\
<layout id="default" title="Default">
  <ribbon>
    <tab id="home" label="Home">
      <group id="layout" label="Layout">
        <button id="layout-more" action="layout.more" label="More" icon="more"/>
        <button id="layout-reset" action="layout.reset" label="Reset" icon="reset"/>
      </group>
      <group id="viewport" label="Viewport">
        <toggle id="navigator" action="viewport.navigator" label="Navigator" pressed="true"/>
        <toggle id="scalebar" action="viewport.scalebar" label="Scale bar" pressed="true"/>
      </group>
    </tab>
    <tab id="configure" label="Configure">
      <group id="panels" label="Panels">
        <toggle id="show-browser" action="panels.toggle" panel="browser" label="Slide browser"/>
        <toggle id="show-info" action="panels.toggle" panel="info" label="Slide info"/>
      </group>
    </tab>
  </ribbon>
  <panels>
    <row>
      <panel type="browser" size="1"/>
      <panel type="viewer" size="3"/>
      <stack size="1">
        <panel type="info"/>
        <panel type="thumbnail"/>
        <panel type="label"/>
        <panel type="macro"/>
      </stack>
    </row>
  </panels>
</layout>
"""


@functools.cache
def _builtin() -> Layout:
    return parse_layout_bytes(BUILTIN_XML, file=BUILTIN_SOURCE, source=BUILTIN_SOURCE)


def builtin_layout(layout_id: str = "default", title: str | None = None) -> Layout:
    """The built-in layout under another id, standing in for a file that never loaded."""
    layout = _builtin()
    if layout_id == layout.id and title is None:
        return layout
    return dataclasses.replace(layout, id=layout_id, title=title or layout_id.capitalize())
