"""Barcodes read from a slide's label image, in the order a person reads them.

Both sides need this: the embedded tile server reads its labels, and the studio's remote
transport reads the label image a PMA.core sends, which only ever names one barcode
(GetBarcodeText) however many the label carries.
"""

from __future__ import annotations

from collections.abc import Iterable

import zxingcpp
from PIL import Image

# Codes whose top edges lie within this many pixels count as one row, read left to right.
ROW_TOLERANCE = 16


def label_barcodes(image: Image.Image) -> list[str]:
    """The texts of the barcodes on a label: top to bottom, then left to right, each once."""
    found = zxingcpp.read_barcodes(image.convert("RGB"))
    placed = sorted(
        found,
        key=lambda code: (
            min(code.position.top_left.y, code.position.top_right.y) // ROW_TOLERANCE,
            min(code.position.top_left.x, code.position.bottom_left.x),
        ),
    )
    return unique(code.text for code in placed if code.text)


def unique(texts: Iterable[str]) -> list[str]:
    """Non-empty texts in their first order, each once."""
    return list(dict.fromkeys(text for text in texts if text))
