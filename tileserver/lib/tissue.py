"""Synthetic H&E tissue for demo slides: periodic texture canvases and a slide-wide map.

Pixels are built as optical densities (OD), one plane per stain, and turned into RGB by
Beer-Lambert (I = I0 * exp(-OD · stain vector)). Working in OD keeps the pyramid levels
consistent (a texture's mean OD does not depend on its scale, so colours match from the
thumbnail down to level 0), lets tissue thin out into the glass at its edges, and lets
each slide have its own stain tint without re-rendering any texture.

Two parts work together:
- a `TextureSet` per scale (micrometres per pixel): for each tissue kind a square,
  periodic canvas of stain densities, so a level's tiles can be cut from it at any
  tile position and still join seamlessly;
- a `TissueMap` per slide: coarse fields saying where tissue is and which kind it is.
  Tiles the map shows as all glass, all stroma or all cellular reuse one encoded canvas
  tile; only tiles on a border are rendered one by one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float32]
RgbArray = NDArray[np.uint8]

TILE_SIZE = 256
GLASS_WHITE = 244.0

# Tissue map fields are in arbitrary units; tissue where presence > 0, cellular where
# kind > 0. The ramps are how far past zero a field must go for full tissue / full kind;
# the edge amplitudes are how much the per-pixel edge noise moves a border.
PRESENCE_RAMP = 0.006
PRESENCE_EDGE = 0.02
KIND_RAMP = 0.025
KIND_EDGE = 0.12
# Hematoxylin saturates: overlapping nuclei get darker, not black.
HEMATOXYLIN_MAX = 1.8
EOSIN_MAX = 1.6


class TileClass(IntEnum):
    """What a tile of a level shows, as far as the tissue map can tell without rendering."""

    GLASS = 0
    STROMA = 1
    CELLULAR = 2
    MIXED = 3


class Kind(IntEnum):
    STROMA = 0
    CELLULAR = 1


def smoothstep(edge0: float, edge1: float, x: FloatArray) -> FloatArray:
    t = (x - np.float32(edge0)) * np.float32(1.0 / (edge1 - edge0))
    np.clip(t, 0.0, 1.0, out=t)
    return (t * t * (np.float32(3.0) - np.float32(2.0) * t)).astype(np.float32, copy=False)


def _gaussian_filtered(
    rng: np.random.Generator, shape: tuple[int, int], sigma: float
) -> FloatArray:
    white = rng.standard_normal(shape, dtype=np.float32)
    spectrum = np.fft.rfft2(white)
    fy = np.fft.fftfreq(shape[0]).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(shape[1]).astype(np.float32)[None, :]
    spectrum *= np.exp(np.float32(-2.0 * (math.pi * sigma) ** 2) * (fx * fx + fy * fy))
    out = np.fft.irfft2(spectrum, s=shape).astype(np.float32)
    std = float(out.std())
    return out / std if std > 0 else out


def periodic_noise(
    rng: np.random.Generator,
    size: int,
    sigma: float,
    along: float | None = None,
    angle: float = 0.0,
) -> FloatArray:
    """Zero-mean, unit-variance Gaussian noise, periodic on size x size.

    Synthesised in the frequency domain: random coefficients under a Gaussian envelope
    (correlation length `sigma` px; `along` px in direction `angle` for streaks), then
    one inverse FFT. Only frequencies the envelope lets through are drawn.
    """
    along = sigma if along is None else along
    fy = np.fft.fftfreq(size).astype(np.float32)[:, None]
    fx = np.fft.rfftfreq(size).astype(np.float32)[None, :]
    cos, sin = np.float32(math.cos(angle)), np.float32(math.sin(angle))
    f_along = fx * cos + fy * sin
    f_across = fy * cos - fx * sin
    k = np.float32(-2.0 * math.pi**2)
    envelope = np.exp(k * (along**2 * f_along**2 + sigma**2 * f_across**2))
    passed = envelope > 1e-4
    passed[0, 0] = False  # zero mean
    coefficients = rng.standard_normal((2, int(passed.sum())), dtype=np.float32)
    spectrum = np.zeros(envelope.shape, dtype=np.complex64)
    spectrum[passed] = (coefficients[0] + 1j * coefficients[1]) * envelope[passed]
    out = np.fft.irfft2(spectrum, s=(size, size)).astype(np.float32)
    std = float(out.std())
    return out / std if std > 0 else out


def _detail(sigma_px: float) -> float:
    """How much of a feature of size sigma_px survives averaging into one pixel."""
    return min(1.0, sigma_px)


@dataclass(frozen=True)
class Stain:
    """Stain vectors (OD per unit of stain, R G B) and the brightness of bare glass."""

    hematoxylin: tuple[float, float, float] = (0.75, 0.95, 0.35)
    eosin: tuple[float, float, float] = (0.20, 1.10, 0.60)
    glass: float = GLASS_WHITE

    @classmethod
    def varied(cls, rng: np.random.Generator) -> Stain:
        """A slide's own staining: labs and batches differ in strength and hue."""
        h_gain = rng.uniform(0.85, 1.15)
        e_gain = rng.uniform(0.85, 1.15)
        e_blue = rng.uniform(0.5, 0.7)
        h_red = rng.uniform(0.68, 0.82)
        return cls(
            hematoxylin=(h_red * h_gain, 0.95 * h_gain, 0.35 * h_gain),
            eosin=(0.20 * e_gain, 1.10 * e_gain, e_blue * e_gain),
        )

    def rgb(self, hematoxylin: FloatArray, eosin: FloatArray) -> RgbArray:
        """Beer-Lambert through a lookup table on quantised densities (exp is the cost)."""
        h = hematoxylin * np.float32(255 / HEMATOXYLIN_MAX)
        h += np.float32(0.5)
        np.clip(h, 0, 255, out=h)
        e = eosin * np.float32(255 / EOSIN_MAX)
        e += np.float32(0.5)
        np.clip(e, 0, 255, out=e)
        index = h.astype(np.int32)
        index <<= 8
        index |= e.astype(np.int32)
        # One 32-bit gather per pixel (RGB + padding) is much faster than a row gather.
        rgbx = np.take(self._table(), index).view(np.uint8)
        return np.ascontiguousarray(rgbx.reshape(*index.shape, 4)[..., :3])

    def _table(self) -> NDArray[np.uint32]:
        table = _STAIN_TABLES.get(self)
        if table is None:
            levels = np.arange(256, dtype=np.float32)
            h = (levels * np.float32(HEMATOXYLIN_MAX / 255))[:, None, None]
            e = (levels * np.float32(EOSIN_MAX / 255))[None, :, None]
            od = h * np.asarray(self.hematoxylin, np.float32) + e * np.asarray(
                self.eosin, np.float32
            )
            light = np.float32(self.glass) * np.exp(-od) + np.float32(0.5)
            rgbx = np.zeros((256 * 256, 4), dtype=np.uint8)
            rgbx[:, :3] = np.clip(light, 0, 255).astype(np.uint8).reshape(256 * 256, 3)
            table = rgbx.view(np.uint32).ravel()
            _STAIN_TABLES[self] = table
        return table


# Lookup tables by stain. A few kB each, rebuilt by any process that needs them.
_STAIN_TABLES: dict[Stain, NDArray[np.uint32]] = {}


@dataclass(frozen=True)
class Texture:
    """One tissue kind at one scale: periodic stain densities, size x size px."""

    hematoxylin: FloatArray
    eosin: FloatArray


@dataclass(frozen=True)
class TextureSet:
    um_per_px: float
    size: int
    kinds: tuple[Texture, Texture]
    # Periodic noise in [-1, 1] that makes tissue and kind borders ragged at pixel level.
    edge: FloatArray


def _nucleus_patch(a_px: float, b_px: float, angle: float) -> FloatArray:
    """A soft ellipse on a small odd-sized patch, centred, summing to its area.

    Supersampled so that nuclei smaller than a pixel (coarse levels) still add their
    share of stain: the mean density of a texture must not depend on its scale.
    """
    half = math.ceil(max(a_px, b_px)) + 1
    n = 2 * half + 1
    ss = max(4, math.ceil(3 / min(a_px, b_px)))
    coords = (np.arange(n * ss, dtype=np.float32) + 0.5) / ss - (half + 0.5)
    y, x = np.meshgrid(coords, coords, indexing="ij")
    cos, sin = math.cos(angle), math.sin(angle)
    xr = x * cos + y * sin
    yr = -x * sin + y * cos
    rho = np.sqrt((xr / a_px) ** 2 + (yr / b_px) ** 2)
    softness = max(0.15, 0.6 / min(a_px, b_px))
    cover = np.clip((1.0 - rho) / softness + 0.5, 0.0, 1.0)
    patch = cover.reshape(n, ss, n, ss).mean(axis=(1, 3))
    area = math.pi * a_px * b_px
    return (patch * (area / max(float(patch.sum()), 1e-9))).astype(np.float32)


@dataclass(frozen=True)
class _NucleusType:
    a_um: float  # semi-axes
    b_um: float
    angle: float
    density: float  # nuclei per µm² where the density map is 1
    od: float  # hematoxylin density inside the nucleus


def _nuclei(
    rng: np.random.Generator,
    size: int,
    um_per_px: float,
    types: list[_NucleusType],
    density_map: FloatArray,
) -> FloatArray:
    """Hematoxylin density of nuclei scattered over a density map, wrapping around.

    Few nuclei with big patches (fine scales) are stamped one by one; many nuclei with
    tiny patches (coarse scales) are counted per pixel and convolved by FFT.
    """
    px_area = um_per_px * um_per_px
    flat = density_map.ravel().astype(np.float64)
    cdf = np.cumsum(flat)
    stamped = np.zeros(size * size, dtype=np.float64)
    spectrum: NDArray[np.complex128] | None = None
    for t in types:
        patch = _nucleus_patch(t.a_um / um_per_px, t.b_um / um_per_px, t.angle)
        n = patch.shape[0]
        expected = float(cdf[-1]) * t.density * px_area
        if expected * n * n <= 8 * size * size:
            count = int(rng.poisson(expected))
            # Sorted queries keep searchsorted cache-friendly.
            queries = np.sort(rng.random(count)) * cdf[-1]
            where = np.minimum(np.searchsorted(cdf, queries, side="right"), flat.size - 1)
            weights = rng.uniform(0.7, 1.3, count) * t.od  # stain uptake varies
            rows, cols = np.divmod(where, size)
            offsets = np.arange(n) - n // 2
            r = (rows[:, None, None] + offsets[None, :, None]) % size
            c = (cols[:, None, None] + offsets[None, None, :]) % size
            stamped += np.bincount(
                (r * size + c).ravel(),
                weights=(weights[:, None, None] * patch[None]).ravel(),
                minlength=size * size,
            )
        else:
            lam = flat.reshape(size, size) * (t.density * px_area)
            counts = rng.poisson(lam).astype(np.float64)
            spread = 0.3 / np.sqrt(np.maximum(lam, 1.0))
            counts *= 1.0 + spread * rng.uniform(-1.0, 1.0, counts.shape)
            kernel = np.zeros((size, size), dtype=np.float64)
            idx = (np.arange(n) - n // 2) % size
            kernel[np.ix_(idx, idx)] = patch * t.od
            term = np.fft.rfft2(counts) * np.fft.rfft2(kernel)
            spectrum = term if spectrum is None else spectrum + term
    h = stamped.reshape(size, size).astype(np.float32)
    if spectrum is not None:
        h += np.fft.irfft2(spectrum, s=(size, size)).astype(np.float32)
    return h


def _blurred_feature(
    noise: FloatArray, lo: float, hi: float, sigma_px: float, mean: float
) -> FloatArray:
    """smoothstep(lo, hi, noise), faded to its mean when the feature is sub-pixel."""
    detail = min(1.0, sigma_px / 3.0)
    return smoothstep(lo, hi, noise) * np.float32(detail) + np.float32((1 - detail) * mean)


def _stroma(rng: np.random.Generator, size: int, upp: float) -> Texture:
    """Pink collagen in wavy fibres, sparse spindle-shaped nuclei, a few loose gaps."""
    theta = rng.uniform(0, math.pi)
    across = 0.9 / upp  # fibre width
    contrast = _detail(across / 1.5)
    fibres = np.full((size, size), 0.45, dtype=np.float32)
    if contrast > 0.2:
        families = [
            periodic_noise(rng, size, across, along=14.0 / upp, angle=angle)
            for angle in (theta, theta + rng.uniform(0.5, 1.1))
        ]
        mix = smoothstep(-0.6, 0.6, periodic_noise(rng, size, 45.0 / upp))
        streaks = families[0] * (1 - mix) + families[1] * mix
        # Collagen bundles wave: shift the streaks by a smooth displacement field.
        shift = periodic_noise(rng, size, 25.0 / upp) * np.float32(5.0 / upp)
        cols = (np.arange(size)[None, :] + shift.astype(np.intp)) % size
        streaks = np.take_along_axis(streaks, cols, axis=1)
        fibres = smoothstep(-1.2, 1.4, streaks) * np.float32(contrast) + np.float32(
            (1 - contrast) * 0.45
        )
    gaps_sigma = 6.0 / upp
    gaps = _blurred_feature(periodic_noise(rng, size, gaps_sigma), 1.3, 2.1, gaps_sigma, 0.06)
    mottle = periodic_noise(rng, size, 30.0 / upp)
    eosin = np.float32(0.52) * (0.62 + 0.9 * fibres) * (1 + 0.10 * mottle) * (1 - 0.85 * gaps)

    cells = smoothstep(-1.5, 2.0, periodic_noise(rng, size, 50.0 / upp)) * (1 - gaps)
    types = [
        _NucleusType(5.0, 1.5, theta + d, 0.0007, 0.9)
        for d in (-0.25, 0.0, 0.25)  # fibroblasts follow the fibres
    ] + [_NucleusType(2.3, 2.1, 0.0, 0.0005, 1.3)]  # scattered lymphocytes
    h = _nuclei(rng, size, upp, types, cells * 2)
    return _finish(rng, size, upp, h, eosin)


def _cellular(rng: np.random.Generator, size: int, upp: float) -> Texture:
    """Dense epithelium: crowded purple nuclei, pale cytoplasm, glandular lumens."""
    lumen_sigma = 22.0 / upp
    lumen = _blurred_feature(periodic_noise(rng, size, lumen_sigma), 1.0, 1.6, lumen_sigma, 0.12)
    rim = np.clip(lumen * (1 - lumen) * 4, 0, 1)
    crowding = np.exp(0.5 * periodic_noise(rng, size, 40.0 / upp) - 0.12).astype(np.float32)
    density = crowding * (1 - lumen) * (1 + 1.5 * rim)
    base = rng.uniform(0, math.pi)
    types = [_NucleusType(3.3, 2.6, base + k * math.pi / 3, 0.0036, 1.0) for k in range(3)] + [
        _NucleusType(2.1, 2.0, 0.0, 0.0018, 1.45)
    ]
    h = _nuclei(rng, size, upp, types, density)
    cyto_sigma = 2.5 / upp
    cytoplasm = periodic_noise(rng, size, cyto_sigma) * np.float32(0.22 * _detail(cyto_sigma))
    eosin = np.float32(0.30) * (1 + cytoplasm) * (1 - 0.9 * lumen)
    return _finish(rng, size, upp, h, eosin)


def _finish(
    rng: np.random.Generator, size: int, upp: float, h: FloatArray, eosin: FloatArray
) -> Texture:
    chromatin_sigma = 0.5 / upp
    chromatin = periodic_noise(rng, size, chromatin_sigma)
    h = h * (1 + np.float32(0.35 * _detail(chromatin_sigma)) * chromatin)
    h = np.maximum(h, 0)
    h = np.float32(HEMATOXYLIN_MAX) * (1 - np.exp(-h / np.float32(HEMATOXYLIN_MAX)))
    # Nuclei push the cytoplasm aside, so less eosin where they are.
    eosin = np.clip(eosin * (1 - 0.35 * np.minimum(h, 1)), 0, EOSIN_MAX)
    return Texture(hematoxylin=h.astype(np.float32), eosin=eosin.astype(np.float32))


def texture_set(seed: int, um_per_px: float, size: int) -> TextureSet:
    """The textures of one scale; depends only on its arguments (cacheable, deterministic)."""
    key = round(um_per_px * 1000)
    stroma = _stroma(np.random.default_rng([seed, key, size, 1]), size, um_per_px)
    cellular = _cellular(np.random.default_rng([seed, key, size, 2]), size, um_per_px)
    edge = periodic_noise(np.random.default_rng([seed, key, size, 3]), size, 10.0 / um_per_px)
    edge /= np.float32(max(float(np.abs(edge).max()), 1e-6))
    return TextureSet(um_per_px=um_per_px, size=size, kinds=(stroma, cellular), edge=edge)


@dataclass(frozen=True)
class _Blob:
    cx: float
    cy: float
    rx: float
    ry: float
    angle: float
    harmonics: tuple[tuple[int, float, float], ...]  # (k, amplitude, phase)


def _axis_weights(
    coords: NDArray[np.float64], cell: int, n: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray]:
    """Bilinear neighbours and weight along one axis of a grid of cell-sized cells."""
    g = coords / cell - 0.5
    base = np.floor(g)
    frac = (g - base).astype(np.float32)
    i0 = np.clip(base.astype(np.intp), 0, n - 1)
    i1 = np.clip(base.astype(np.intp) + 1, 0, n - 1)
    return i0, i1, frac


@dataclass(frozen=True)
class TissueMap:
    """Where a slide's tissue lies, as fields on a coarse grid of level-0 pixels.

    Grid point (i, j) sits at the centre of cell (i, j), `cell` level-0 pixels wide; the
    fields are sampled bilinearly, so a tile's values lie between the grid values around
    it and whole tiles can be classified without rendering them.
    """

    width: int
    height: int
    cell: int
    presence: FloatArray
    kind: FloatArray

    @classmethod
    def generate(cls, rng: np.random.Generator, width: int, height: int, cell: int) -> TissueMap:
        gw, gh = math.ceil(width / cell), math.ceil(height / cell)
        unit = min(gw, gh)  # blob sizes relative to the slide's short side
        blobs = _place_blobs(rng, gw / unit, gh / unit)
        gy, gx = np.mgrid[0:gh, 0:gw].astype(np.float32)
        u = (gx + 0.5) / unit
        v = (gy + 0.5) / unit
        presence = np.full((gh, gw), -1.0, dtype=np.float32)
        for blob in blobs:
            presence = np.maximum(presence, _blob_field(blob, u, v))
        presence += np.float32(0.10) * _gaussian_filtered(rng, (gh, gw), 0.05 * unit)
        presence += np.float32(0.04) * _gaussian_filtered(rng, (gh, gw), 0.012 * unit)
        # Fat and tears: white holes inside the tissue.
        holes = smoothstep(1.4, 2.0, _gaussian_filtered(rng, (gh, gw), 0.02 * unit))
        presence -= np.float32(0.5) * holes
        # Scanners frame the tissue: keep a strip of bare glass along every edge.
        edge_distance = np.minimum(np.minimum(u, gw / unit - u), np.minimum(v, gh / unit - v))
        presence = np.minimum(presence, (edge_distance - 0.07) * 3)
        kind = _gaussian_filtered(rng, (gh, gw), 0.07 * unit) * np.float32(0.8)
        kind += np.float32(rng.uniform(-0.2, 0.2))
        return cls(width, height, cell, presence.astype(np.float32), kind.astype(np.float32))

    def sample(
        self, field: FloatArray, xs: NDArray[np.float64], ys: NDArray[np.float64]
    ) -> FloatArray:
        """Bilinear samples of `field` at level-0 coordinates xs (columns) x ys (rows)."""
        gh, gw = field.shape
        y0, y1, fy = _axis_weights(ys, self.cell, gh)
        x0, x1, fx = _axis_weights(xs, self.cell, gw)
        # Separable: interpolate the few grid rows involved along x first, then along y.
        lo, hi = int(y0.min()), int(y1.max()) + 1
        band = field[lo:hi]
        across = band[:, x0] * (1 - fx) + band[:, x1] * fx
        return (across[y0 - lo] * (1 - fy)[:, None] + across[y1 - lo] * fy[:, None]).astype(
            np.float32
        )

    def classify(self, downsample: int, tiles_x: int, tiles_y: int) -> NDArray[np.int8]:
        """TileClass of every tile of a level whose pixels are `downsample` level-0 px."""
        block = TILE_SIZE * downsample // self.cell
        assert block * self.cell == TILE_SIZE * downsample, "cell must divide the tile"
        p_lo, p_hi = _block_range(self.presence, block, tiles_x, tiles_y)
        k_lo, k_hi = _block_range(self.kind, block, tiles_x, tiles_y)
        classes = np.full((tiles_y, tiles_x), TileClass.MIXED, dtype=np.int8)
        inside = p_lo - PRESENCE_EDGE >= PRESENCE_RAMP
        classes[inside & (k_hi + KIND_EDGE <= -KIND_RAMP)] = TileClass.STROMA
        classes[inside & (k_lo - KIND_EDGE >= KIND_RAMP)] = TileClass.CELLULAR
        classes[p_hi + PRESENCE_EDGE <= 0] = TileClass.GLASS
        return classes


def _block_range(
    field: FloatArray, block: int, tiles_x: int, tiles_y: int
) -> tuple[FloatArray, FloatArray]:
    """Per tile, the min and max of the grid values its bilinear samples can reach."""
    lo = field.copy()
    hi = field.copy()
    # A pixel mixes the grid points around it: widen each cell by its neighbours.
    for axis in (0, 1):
        n = field.shape[axis]
        before = np.take(lo, np.r_[0, 0 : n - 1], axis=axis)
        after = np.take(lo, np.r_[1:n, n - 1], axis=axis)
        lo = np.minimum(lo, np.minimum(before, after))
        before = np.take(hi, np.r_[0, 0 : n - 1], axis=axis)
        after = np.take(hi, np.r_[1:n, n - 1], axis=axis)
        hi = np.maximum(hi, np.maximum(before, after))
    shape = (tiles_y * block, tiles_x * block)
    lo = _fit(lo, shape)
    hi = _fit(hi, shape)
    lo_blocks = lo.reshape(tiles_y, block, tiles_x, block).min(axis=(1, 3))
    hi_blocks = hi.reshape(tiles_y, block, tiles_x, block).max(axis=(1, 3))
    return lo_blocks, hi_blocks


def _fit(field: FloatArray, shape: tuple[int, int]) -> FloatArray:
    """Crop or edge-pad to shape (samples beyond the grid clamp to its edge)."""
    out = field[: shape[0], : shape[1]]
    pad = ((0, shape[0] - out.shape[0]), (0, shape[1] - out.shape[1]))
    return np.pad(out, pad, mode="edge")


def _place_blobs(rng: np.random.Generator, width: float, height: float) -> list[_Blob]:
    """Two to four irregular tissue pieces that keep off the slide's edges and each other."""
    count = int(rng.integers(2, 5))
    blobs: list[_Blob] = []
    for _ in range(200):
        if len(blobs) == count:
            break
        r = rng.uniform(0.16, 0.34) * (1.0 if not blobs else 0.8)
        aspect = rng.uniform(0.6, 1.0)
        rx, ry = r, r * aspect
        margin = r + 0.04
        if width - 2 * margin <= 0 or height - 2 * margin <= 0:
            continue
        cx = rng.uniform(margin, width - margin)
        cy = rng.uniform(margin, height - margin)
        if any(math.hypot(cx - b.cx, cy - b.cy) < (r + max(b.rx, b.ry)) * 0.95 for b in blobs):
            continue
        harmonics = tuple(
            (k, float(rng.uniform(0.0, 0.16) * 2.5 / k), float(rng.uniform(0, 2 * math.pi)))
            for k in range(2, 8)
        )
        blobs.append(_Blob(cx, cy, rx, ry, float(rng.uniform(0, math.pi)), harmonics))
    return blobs


def _blob_field(blob: _Blob, u: FloatArray, v: FloatArray) -> FloatArray:
    """1 at the centre, 0 on the blob's wobbly outline, negative outside."""
    du, dv = u - blob.cx, v - blob.cy
    cos, sin = math.cos(blob.angle), math.sin(blob.angle)
    xr = (du * cos + dv * sin) / blob.rx
    yr = (-du * sin + dv * cos) / blob.ry
    rho = np.sqrt(xr * xr + yr * yr)
    theta = np.arctan2(yr, xr)
    outline = np.ones_like(rho)
    for k, amplitude, phase in blob.harmonics:
        outline += np.float32(amplitude) * np.cos(k * theta + phase)
    outline = np.maximum(outline, 0.45)
    return (1 - rho / outline).astype(np.float32)


def render(
    tissue: TissueMap,
    textures: TextureSet,
    stain: Stain,
    downsample: float,
    x0: int,
    y0: int,
    width: int,
    height: int,
    origin: tuple[int, int] = (0, 0),
) -> RgbArray:
    """Pixels (x0, y0)-(x0 + width, y0 + height) of a level with the given downsample.

    `origin` shifts where the periodic textures start (per slide), in level pixels.
    """
    cols = np.arange(x0, x0 + width)
    rows = np.arange(y0, y0 + height)
    xs = (cols + 0.5) * downsample
    ys = (rows + 0.5) * downsample
    size = textures.size
    left, top = x0 + origin[0], y0 + origin[1]

    def window(plane: FloatArray, shift: int = 0) -> FloatArray:
        return _periodic_window(plane, top, left + shift, height, width)

    # The kind border takes its raggedness from another part of the same noise canvas.
    presence = tissue.sample(tissue.presence, xs, ys) + np.float32(PRESENCE_EDGE) * window(
        textures.edge
    )
    alpha = smoothstep(0.0, PRESENCE_RAMP, presence)
    kind = tissue.sample(tissue.kind, xs, ys) + np.float32(KIND_EDGE) * window(
        textures.edge, size // 2
    )
    weight = smoothstep(-KIND_RAMP, KIND_RAMP, kind)
    stroma, cellular = textures.kinds
    h_s = window(stroma.hematoxylin)
    e_s = window(stroma.eosin)
    h = (h_s + (window(cellular.hematoxylin) - h_s) * weight) * alpha
    e = (e_s + (window(cellular.eosin) - e_s) * weight) * alpha
    return stain.rgb(h, e)


def _periodic_window(plane: FloatArray, top: int, left: int, height: int, width: int) -> FloatArray:
    """plane[top:top + height, left:left + width], wrapping around its edges."""
    size = plane.shape[0]
    top, left = top % size, left % size
    if top + height <= size and left + width <= size:
        return plane[top : top + height, left : left + width]
    rows = np.arange(top, top + height) % size
    cols = np.arange(left, left + width) % size
    return plane[rows][:, cols]


def canvas_tile(textures: TextureSet, stain: Stain, kind: Kind, col: int, row: int) -> RgbArray:
    """Tile (col, row) of a kind's periodic canvas: what an all-tissue tile shows."""
    texture = textures.kinds[kind]
    ys = slice(row * TILE_SIZE, (row + 1) * TILE_SIZE)
    xs = slice(col * TILE_SIZE, (col + 1) * TILE_SIZE)
    return stain.rgb(texture.hematoxylin[ys, xs], texture.eosin[ys, xs])
