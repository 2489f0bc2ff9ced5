"""Barcodes read from label images, in reading order."""

from __future__ import annotations

import numpy as np
import qrcode
from PIL import Image

from pmacore.labels import label_barcodes, unique


def label_with_codes(*rows: tuple[str, ...]) -> np.ndarray:
    """A white label with a QR code per text, `rows` from top to bottom, codes left to right."""
    side = 150
    width = side * max(len(row) for row in rows) + 20
    canvas = Image.new("RGB", (width, side * len(rows) + 20), "white")
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            code = qrcode.make(text, box_size=4, border=2).get_image().convert("RGB")
            canvas.paste(code.resize((side - 20, side - 20)), (10 + c * side, 10 + r * side))
    return np.asarray(canvas)


def test_it_reads_two_codes_top_to_bottom() -> None:
    image = Image.fromarray(label_with_codes(("S-2026-00042",), ("BLOCK-A1",)))
    assert label_barcodes(image) == ["S-2026-00042", "BLOCK-A1"]


def test_it_reads_a_row_left_to_right() -> None:
    image = Image.fromarray(label_with_codes(("LEFT-1", "RIGHT-2")))
    assert label_barcodes(image) == ["LEFT-1", "RIGHT-2"]


def test_a_label_without_codes_has_none() -> None:
    assert label_barcodes(Image.new("RGB", (240, 120), "white")) == []


def test_unique_keeps_the_first_order_and_drops_empty_texts() -> None:
    assert unique(["A", "", "B", "A"]) == ["A", "B"]
