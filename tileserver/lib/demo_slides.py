"""Demo whole-slide images: synthetic H&E slides in Aperio SVS layout, in a few folders.

`make_demo_slides(directory)` writes the catalogue below; each top-level folder becomes a
root directory of the tile server. Everything is derived from the seed, so two runs with
the same seed write identical bytes.

Speed comes from not rendering most tiles: a level-0 tile that the tissue map shows as
all glass, all stroma or all cellular is one of a few hundred pre-encoded tiles cut from
periodic texture canvases (`tileserver.lib.tissue`); only tiles on a border are rendered.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import qrcode
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tileserver.lib import svs_writer
from tileserver.lib.tissue import (
    TILE_SIZE,
    Kind,
    Stain,
    TextureSet,
    TileClass,
    TissueMap,
    canvas_tile,
    render,
    texture_set,
)

RgbArray = NDArray[np.uint8]

# Small mode shrinks every slide by this factor (same tree, same tissue layout).
SMALL_FACTOR = 8
LEVEL_DOWNSAMPLE = 4
MIN_LEVELS = 3
SMALLEST_LEVEL_MAX = 1000  # px: stop adding levels once the smallest is below this
THUMBNAIL_BOX = (1024, 768)
LABEL_SIZE = (400, 440)
MACRO_SIZE = (1200, 400)  # a 75 x 25 mm glass slide at 16 px/mm
MACRO_PX_PER_MM = MACRO_SIZE[0] / 75.0
JPEG_QUALITY = 70


@dataclass(frozen=True)
class DemoSlide:
    path: str  # virtual path: root/folders/file.svs
    width: int  # level 0 in full mode
    height: int
    mpp: float
    case_id: str
    block: str

    @property
    def organ(self) -> str:
        return self.path.split("/")[1]

    @property
    def barcode(self) -> str:
        return self.path.rsplit("/", 1)[-1].removesuffix(".svs")

    @property
    def objective_power(self) -> int:
        return 40 if self.mpp < 0.4 else 20

    def dimensions(self, small: bool = False) -> tuple[int, int]:
        if small:
            return self.width // SMALL_FACTOR, self.height // SMALL_FACTOR
        return self.width, self.height

    def level_dimensions(self, small: bool = False) -> list[tuple[int, int]]:
        """Aperio levels: downsample 4 each, floor of level 0's size, as Aperio rounds."""
        width, height = self.dimensions(small)
        levels = [(width, height)]
        while len(levels) < MIN_LEVELS or max(levels[-1]) >= SMALLEST_LEVEL_MAX:
            factor = LEVEL_DOWNSAMPLE ** len(levels)
            levels.append((width // factor, height // factor))
        return levels


DEMO_SLIDES: tuple[DemoSlide, ...] = (
    # The big one: 40,000 x 30,000 at 40x, like a large resection scanned at full power.
    DemoSlide("demo/breast/CASE-001/CASE-001-A1.svs", 40000, 30000, 0.25, "CASE-001", "A1"),
    DemoSlide("demo/breast/CASE-001/CASE-001-A2.svs", 16000, 12000, 0.25, "CASE-001", "A2"),
    DemoSlide("demo/colon/CASE-002/CASE-002-B1.svs", 24000, 13000, 0.5, "CASE-002", "B1"),
    DemoSlide("demo/skin/CASE-003/CASE-003-C1.svs", 12000, 16000, 0.5, "CASE-003", "C1"),
    DemoSlide("demo/skin/CASE-003/CASE-003-C2.svs", 20000, 10000, 0.25, "CASE-003", "C2"),
    DemoSlide("teaching/lung/TEACH-001.svs", 18000, 15000, 0.25, "TEACH-001", "L1"),
    DemoSlide("teaching/kidney/TEACH-002.svs", 14000, 11000, 0.5, "TEACH-002", "K1"),
)


def demo_slide_paths() -> list[str]:
    """Virtual paths of the demo slides (the same in small and full mode)."""
    return [slide.path for slide in DEMO_SLIDES]


def make_demo_slides(
    directory: Path,
    *,
    seed: int = 0,
    small: bool = False,
    force: bool = False,
    log: Callable[[str], object] = print,
) -> list[Path]:
    """Write the demo slides below `directory`; existing files are kept unless `force`."""
    directory = Path(directory)
    textures = _TextureBank(seed, small)
    written: list[Path] = []
    started = time.perf_counter()
    for slide in DEMO_SLIDES:
        target = directory / slide.path
        written.append(target)
        if target.exists() and not force:
            log(f"skipped {slide.path} (exists)")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        _write_slide(target, slide, seed=seed, small=small, textures=textures)
        width, height = slide.dimensions(small)
        levels = len(slide.level_dimensions(small))
        took = time.perf_counter() - began
        log(f"wrote {slide.path} ({width}x{height}, {levels} levels) in {took:.1f} s")
    log(f"demo slides in {directory} ({time.perf_counter() - started:.1f} s)")
    return written


class _TextureBank:
    """Texture sets by scale, shared by all slides of one run."""

    def __init__(self, seed: int, small: bool) -> None:
        self.seed = seed
        self.small = small
        self._sets: dict[float, TextureSet] = {}

    def get(self, um_per_px: float) -> TextureSet:
        key = round(um_per_px, 4)
        if key not in self._sets:
            # Wide canvases where nuclei are visible, so the repeat is hard to spot;
            # small mode only has to be quick.
            size = 512 if self.small else (2048 if um_per_px <= 2.0 else 1024)
            self._sets[key] = texture_set(self.seed, um_per_px, size)
        return self._sets[key]


def _slide_rng(seed: int, slide: DemoSlide, purpose: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(slide.path.encode()), purpose])


def _write_slide(
    target: Path, slide: DemoSlide, *, seed: int, small: bool, textures: _TextureBank
) -> None:
    width, height = slide.dimensions(small)
    # Same grid (and so the same tissue layout) in both modes: only the cell size differs.
    cell = 64 // SMALL_FACTOR if small else 64
    tissue = TissueMap.generate(_slide_rng(seed, slide, 1), width, height, cell)
    stain = Stain.varied(_slide_rng(seed, slide, 2))
    offsets = _slide_rng(seed, slide, 3).integers(0, 64, size=2) * TILE_SIZE
    origin = (int(offsets[0]), int(offsets[1]))
    encoder = svs_writer.JpegTileEncoder(JPEG_QUALITY)
    properties = _properties(slide, seed, width, height)

    levels = []
    level_sizes = slide.level_dimensions(small)
    for index, (level_w, level_h) in enumerate(level_sizes):
        downsample = LEVEL_DOWNSAMPLE**index
        upp = slide.mpp * downsample
        tiles = _level_tiles(
            tissue, textures.get(upp), stain, downsample, level_w, level_h, origin, encoder
        )
        header = f"{width}x{height} [0,0 {width}x{height}] ({TILE_SIZE}x{TILE_SIZE})"
        if index:
            header += f" -> {level_w}x{level_h}"
        header += f" JPEG/YCC Q={JPEG_QUALITY}"
        levels.append(
            svs_writer.TiledLevel(
                level_w, level_h, tiles, svs_writer.description(header, properties)
            )
        )

    thumb = _thumbnail(tissue, textures, slide.mpp, len(level_sizes), stain, width, height, origin)
    thumb_h, thumb_w = thumb.shape[:2]
    thumbnail = svs_writer.StrippedImage(
        thumb,
        svs_writer.description(f"{width}x{height} -> {thumb_w}x{thumb_h} - ", properties),
        "jpeg",
    )
    label = _label(slide)
    macro = _macro(slide, label, thumb, width, height, _slide_rng(seed, slide, 4))
    svs_writer.write_svs(
        target,
        levels,
        thumbnail,
        [svs_writer.associated("label", label), svs_writer.associated("macro", macro)],
        encoder,
    )


def _properties(slide: DemoSlide, seed: int, width: int, height: int) -> dict[str, str]:
    # A fixed date per slide keeps the bytes deterministic.
    day = 1 + zlib.crc32(slide.path.encode()) % 28
    return {
        "AppMag": str(slide.objective_power),
        "StripeWidth": "2040",
        "ScanScope ID": "SS-DEMO-01",
        "Filename": slide.barcode,
        "Date": f"03/{day:02d}/25",
        "Time": "10:15:00",
        "Time Zone": "GMT+0000",
        "MPP": f"{slide.mpp:.4f}",
        "Left": "25.000000",
        "Top": "18.000000",
        "Barcode": slide.barcode,
        "OriginalWidth": str(width),
        "OriginalHeight": str(height),
        "ImageID": str(zlib.crc32(f"{seed}:{slide.path}".encode()) % 1_000_000),
        "Description": f"Synthetic {slide.organ} H&E demo slide",
    }


def _level_tiles(
    tissue: TissueMap,
    textures: TextureSet,
    stain: Stain,
    downsample: int,
    width: int,
    height: int,
    origin: tuple[int, int],
    encoder: svs_writer.JpegTileEncoder,
) -> Iterator[bytes]:
    """The level's encoded tiles, row by row; uniform tiles come from a shared pool."""
    tiles_x = math.ceil(width / TILE_SIZE)
    tiles_y = math.ceil(height / TILE_SIZE)
    classes = tissue.classify(downsample, tiles_x, tiles_y)
    glass = encoder.encode(np.full((TILE_SIZE, TILE_SIZE, 3), round(stain.glass), np.uint8))
    per_canvas = textures.size // TILE_SIZE
    pool: dict[tuple[int, int, int], bytes] = {}
    for ty in range(tiles_y):
        for tx in range(tiles_x):
            tile_class = classes[ty, tx]
            if tile_class == TileClass.GLASS:
                yield glass
                continue
            if tile_class == TileClass.MIXED:
                pixels = render(
                    tissue,
                    textures,
                    stain,
                    downsample,
                    tx * TILE_SIZE,
                    ty * TILE_SIZE,
                    TILE_SIZE,
                    TILE_SIZE,
                    origin,
                )
                yield encoder.encode(pixels)
                continue
            kind = Kind.STROMA if tile_class == TileClass.STROMA else Kind.CELLULAR
            col = (tx + origin[0] // TILE_SIZE) % per_canvas
            row = (ty + origin[1] // TILE_SIZE) % per_canvas
            key = (int(kind), col, row)
            if key not in pool:
                pool[key] = encoder.encode(canvas_tile(textures, stain, kind, col, row))
            yield pool[key]


def _thumbnail(
    tissue: TissueMap,
    textures: _TextureBank,
    mpp: float,
    level_count: int,
    stain: Stain,
    width: int,
    height: int,
    origin: tuple[int, int],
) -> RgbArray:
    scale = min(THUMBNAIL_BOX[0] / width, THUMBNAIL_BOX[1] / height)
    thumb_w, thumb_h = max(1, round(width * scale)), max(1, round(height * scale))
    downsample = width / thumb_w
    # Reuse the textures of the level closest in scale, so nuclei keep their size.
    level = min(
        range(level_count),
        key=lambda i: abs(math.log(LEVEL_DOWNSAMPLE**i / downsample)),
    )
    level_textures = textures.get(mpp * LEVEL_DOWNSAMPLE**level)
    return render(tissue, level_textures, stain, downsample, 0, 0, thumb_w, thumb_h, origin)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _label(slide: DemoSlide) -> RgbArray:
    """A printed slide label: QR code of the barcode text, case id and block in clear."""
    width, height = LABEL_SIZE
    image = Image.new("RGB", (width, height), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(slide.barcode)
    code.make(fit=True)
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    qr_size = min(240, qr.size[0])
    qr = qr.resize((qr_size, qr_size), Image.Resampling.NEAREST)
    image.paste(qr, ((width - qr_size) // 2, 16))
    y = 16 + qr_size + 14
    draw.text((width // 2, y), slide.case_id, fill=(10, 10, 10), font=_font(44), anchor="mt")
    y += 56
    draw.text(
        (width // 2, y), f"{slide.block}   H&E", fill=(30, 30, 30), font=_font(32), anchor="mt"
    )
    y += 42
    draw.text((width // 2, y), slide.organ.upper(), fill=(70, 70, 70), font=_font(24), anchor="mt")
    return np.asarray(image, dtype=np.uint8)


def _macro(
    slide: DemoSlide,
    label: RgbArray,
    thumb: RgbArray,
    width: int,
    height: int,
    rng: np.random.Generator,
) -> RgbArray:
    """A photo of the whole glass: label at the left end, the tissue on the glass."""
    macro_w, macro_h = MACRO_SIZE
    # Glass over the scanner's dark stage, a little lighter towards the middle.
    yy, xx = np.mgrid[0:macro_h, 0:macro_w].astype(np.float32)
    vignette = 1 - 0.18 * (((xx / macro_w - 0.5) * 2) ** 2 + ((yy / macro_h - 0.5) * 2) ** 2)
    glass = np.stack([208 * vignette, 214 * vignette, 218 * vignette], axis=-1)
    picture = Image.fromarray(np.clip(glass, 0, 255).astype(np.uint8))

    # The label covers the left 25 mm of the slide, seen from above.
    label_box = (int(24 * MACRO_PX_PER_MM), macro_h - 20)
    label_img = Image.fromarray(label).resize(
        (label_box[0] - 16, label_box[1] - 16), Image.Resampling.LANCZOS
    )
    picture.paste(label_img, (12, 18))

    # The scanned area sits on the glass at its physical size (MPP x pixels).
    scan_w_mm = width * slide.mpp / 1000
    scan_h_mm = height * slide.mpp / 1000
    scan_w = max(8, round(scan_w_mm * MACRO_PX_PER_MM))
    scan_h = max(8, round(scan_h_mm * MACRO_PX_PER_MM))
    free_left = label_box[0] + 20
    left = free_left + (macro_w - free_left - scan_w) // 2
    top = (macro_h - scan_h) // 2
    tissue = Image.fromarray(thumb).resize((scan_w, scan_h), Image.Resampling.LANCZOS)
    # Tissue absorbs light: multiply it onto the glass (glass white → no change).
    region = np.asarray(picture.crop((left, top, left + scan_w, top + scan_h)), np.float32)
    tissue_rgb = np.asarray(tissue, np.float32) / 244.0
    picture.paste(
        Image.fromarray(np.clip(region * tissue_rgb, 0, 255).astype(np.uint8)), (left, top)
    )
    picture = picture.filter(ImageFilter.GaussianBlur(0.7))

    # Glass edges and sensor noise make it read as a photograph.
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, macro_w - 1, macro_h - 1), outline=(120, 124, 128), width=4)
    pixels = np.asarray(picture, np.float32)
    pixels += rng.normal(0, 2.5, pixels.shape).astype(np.float32)
    return np.clip(pixels, 0, 255).astype(np.uint8)
