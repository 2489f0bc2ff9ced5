from __future__ import annotations

import io
from xml.etree import ElementTree

import zxingcpp
from PIL import Image

from sharing.lib.qr import qr_png, qr_svg

URL = "https://studio.example.org/s/4Qm3yTq1p0w8J2ZkLxN9vR5sFbGcHdE7uAiKoPlMnWe/"


def test_the_png_decodes_to_the_text() -> None:
    image = Image.open(io.BytesIO(qr_png(URL)))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [URL]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_the_svg_is_an_svg_document() -> None:
    root = ElementTree.fromstring(qr_svg(URL))  # noqa: S314 (our own output)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None
