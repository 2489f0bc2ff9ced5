"""QR codes of share URLs, as PNG and SVG bytes."""

from __future__ import annotations

import io

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage
from qrcode.image.svg import SvgPathImage

# M recovers from ~15% damage: enough for a printed or photographed screen.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
BOX_SIZE = 8
BORDER = 4  # the quiet zone the QR standard asks for


def _code(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=BOX_SIZE, border=BORDER)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    _code(text).make_image(image_factory=PilImage).save(buffer)
    return buffer.getvalue()


def qr_svg(text: str) -> bytes:
    buffer = io.BytesIO()
    _code(text).make_image(image_factory=SvgPathImage).save(buffer)
    return buffer.getvalue()
