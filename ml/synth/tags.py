"""Close-up photos of the tag that carries a serial or date code, with the code on it.

Handbag brands heat-stamp the code into a small leather tab sewn inside the bag; watch brands
engrave it into the brushed metal between the lugs. The renderer draws that close-up as a
phone would see it: leather grain, a stitched and edge-painted tab on the lining behind it,
or brushed steel or gold between two polished lugs, all under one soft key light, with the
code pressed into the surface (a groove with a shadowed and a lit wall, not printed ink).

Each brand stamps its code in one reference typeface with one letter spacing. A counterfeit
(``code_font_deviation`` > 0) uses the wrong spacing and, more and more likely as the
deviation grows, the wrong typeface too; the rest of the scene is drawn from the same random
draws either way, so an authentic and a counterfeit tag from the same seed differ only in
the code.

The result is clean: perspective, blur, noise and compression are the caller's nuisance.
Typefaces are only the ones vendored in ``ml/fonts``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from ml.features import FONTS_DIR

FloatArray = NDArray[np.float32]
RGB = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class CodeStyle:
    """How a brand stamps or engraves its code."""

    typeface: str  # file name in ml/fonts
    letter_spacing_em: float  # tracking between letters, in ems of the font size


# The brands' reference code styles in the synthetic world (invented, like all brand specs).
REFERENCE_CODE_STYLES: dict[str, CodeStyle] = {
    "Louis Vuitton": CodeStyle("LiberationSans-Regular.ttf", 0.10),
    "Chanel": CodeStyle("DejaVuSans.ttf", 0.06),
    "Hermès": CodeStyle("LiberationSerif-Bold.ttf", 0.12),
    "Gucci": CodeStyle("LiberationSans-Regular.ttf", 0.06),
    "Cartier": CodeStyle("DejaVuSerif.ttf", 0.08),
    "Rolex": CodeStyle("LiberationSans-Bold.ttf", 0.12),
    "Omega": CodeStyle("DejaVuSans-Bold.ttf", 0.08),
    "Patek Philippe": CodeStyle("LiberationSerif-Regular.ttf", 0.10),
}
# Typefaces a counterfeiter's stamp or engraving machine might carry instead.
_COUNTERFEIT_TYPEFACES: tuple[str, ...] = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSansMono.ttf",
    "DejaVuSerif.ttf",
    "LiberationMono-Regular.ttf",
    "LiberationSans-Regular.ttf",
    "LiberationSans-Bold.ttf",
    "LiberationSansNarrow-Regular.ttf",
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
)
# The most a counterfeit's tracking departs from the reference, in ems, at deviation 1.
_MAX_SPACING_ERROR_EM = 0.32
_TIGHTEST_SPACING_EM = -0.04

WATCH_BRANDS = frozenset({"Rolex", "Omega", "Patek Philippe"})

_LEATHERS: dict[str, tuple[RGB, ...]] = {
    "Louis Vuitton": ((196, 150, 104), (120, 78, 50), (150, 104, 70)),
    "Chanel": ((212, 190, 158), (128, 44, 52), (176, 158, 140), (92, 88, 96)),
    "Hermès": ((178, 122, 66), (152, 138, 122), (162, 54, 44), (204, 180, 140)),
    "Gucci": ((206, 186, 152), (110, 74, 52), (148, 52, 44)),
    "Cartier": ((150, 40, 48), (212, 196, 170), (110, 84, 70)),
}
_LININGS: tuple[RGB, ...] = ((120, 84, 60), (70, 56, 48), (160, 134, 104), (88, 40, 36))
_THREADS: tuple[RGB, ...] = ((226, 210, 178), (236, 200, 120), (140, 104, 74), (200, 190, 170))
_METALS: dict[str, tuple[RGB, ...]] = {
    "Rolex": ((212, 214, 216), (218, 184, 118)),
    "Omega": ((206, 208, 212),),
    "Patek Philippe": ((214, 214, 218), (216, 162, 132), (220, 186, 120)),
}


def render_serial_tag(
    *,
    brand: str,
    serial: str,
    rng: random.Random,
    size: int,
    code_font_deviation: float = 0.0,
) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """A square RGB close-up of the brand's code tag, and the code's box as image fractions.

    ``code_font_deviation`` in [0, 1]: 0 is the brand's reference typeface and spacing;
    above 0 the letters sit wider apart (by up to a third of an em) or closer together (up
    to touching) in proportion, and the typeface is wrong with a probability equal to the
    deviation.
    """
    if brand not in REFERENCE_CODE_STYLES:
        raise ValueError(
            f"No code style for brand {brand!r}; known: {', '.join(REFERENCE_CODE_STYLES)}"
        )
    if not 0.0 <= code_font_deviation <= 1.0:
        raise ValueError(f"code_font_deviation must be in [0, 1], got {code_font_deviation}")
    if not serial.strip():
        raise ValueError("A tag needs a code to stamp on it.")
    if size < 32:
        raise ValueError(f"A tag close-up needs at least 32 pixels, got {size}")

    # Drawn at twice the size (at least 384 px) and shrunk, for smooth stamped edges.
    side = min(max(2 * size, 384), 1600)
    scene_seed = rng.getrandbits(32)
    light = rng.uniform(-0.75, 0.25) * math.pi  # direction the key light comes from
    style = _counterfeit_style(brand, rng, code_font_deviation)
    noise = np.random.default_rng(scene_seed)
    if brand in WATCH_BRANDS:
        pixels, box = _engraved_metal(brand, serial, style, side, light, rng, noise)
    else:
        pixels, box = _stamped_leather(brand, serial, style, side, light, rng, noise)
    image = Image.fromarray(np.clip(pixels * 255.0 + 0.5, 0, 255).astype(np.uint8), "RGB")
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    x0, y0, x1, y1 = box
    return image, (x0 / side, y0 / side, x1 / side, y1 / side)


def _counterfeit_style(brand: str, rng: random.Random, deviation: float) -> CodeStyle:
    reference = REFERENCE_CODE_STYLES[brand]
    # Every draw is made whatever the deviation, so the scene after it does not depend on it.
    direction = rng.choice((-1.0, 1.0))
    wrong_typeface = rng.choice([t for t in _COUNTERFEIT_TYPEFACES if t != reference.typeface])
    swap = rng.random() < deviation
    if direction > 0:
        spacing = reference.letter_spacing_em + deviation * _MAX_SPACING_ERROR_EM
    else:
        # Tighter only until the letters touch, which a stamp maker would notice.
        room = reference.letter_spacing_em - _TIGHTEST_SPACING_EM
        spacing = reference.letter_spacing_em - deviation * room
    return CodeStyle(wrong_typeface if swap else reference.typeface, spacing)


@cache
def _font(typeface: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS_DIR / typeface), px)


def _code_mask(
    serial: str,
    style: CodeStyle,
    side: int,
    centre: tuple[float, float],
    max_width: float,
    max_height: float,
) -> tuple[FloatArray, tuple[int, int, int, int]]:
    """The code's ink as a 0..1 mask, fitted inside max_width x max_height around centre."""
    probe = _font(style.typeface, 100)
    ascent = -probe.getbbox("0", anchor="ls")[1]

    def width_at(font: ImageFont.FreeTypeFont, px: int) -> float:
        advances = sum(font.getlength(char) for char in serial)
        return advances + style.letter_spacing_em * px * (len(serial) - 1)

    px = max(8, int(min(100 * max_width / width_at(probe, 100), 100 * max_height / ascent)))
    font = _font(style.typeface, px)
    width = width_at(font, px)
    cap = ascent * px / 100
    x = centre[0] - width / 2
    baseline = centre[1] + cap / 2
    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    for char in serial:
        draw.text((x, baseline), char, font=font, fill=255, anchor="ls")
        x += font.getlength(char) + style.letter_spacing_em * px
    ink = np.asarray(mask, dtype=np.float32) / 255.0
    rows, cols = np.nonzero(ink > 0.5)
    return ink, (int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)


def _smooth_noise(noise: np.random.Generator, side: int, sigma: float) -> FloatArray:
    """Unit-variance noise with features about ``sigma`` pixels wide."""
    # Wide features are drawn on a coarse grid and enlarged: the same look, far less work.
    step = max(1, int(sigma / 3))
    coarse = noise.standard_normal((side // step + 2, side // step + 2)).astype(np.float32)
    field = ndimage.gaussian_filter(coarse, sigma / step)
    if step > 1:
        field = ndimage.zoom(field, step, order=1)
    field = field[:side, :side]
    return np.asarray(field / (field.std() + 1e-6), dtype=np.float32)


def _wide_blur(values: FloatArray, sigma: float, axis: int | None = None) -> FloatArray:
    """A Gaussian blur of a wide radius, as three box blurs: as good here, many times faster."""
    width = max(1, round(math.sqrt(4 * sigma**2 + 1)))
    for _ in range(3):
        if axis is None:
            values = ndimage.uniform_filter(values, width, mode="nearest")
        else:
            values = ndimage.uniform_filter1d(values, width, axis=axis, mode="nearest")
    return np.asarray(values, dtype=np.float32)


def _relief(height: FloatArray, light: float, gain: float) -> FloatArray:
    """Brightening and darkening of a surface of the given height under the key light."""
    dy, dx = np.gradient(height)
    return np.asarray(gain * (dx * math.cos(light) + dy * math.sin(light)), dtype=np.float32)


def _key_light(side: int, light: float, strength: float) -> FloatArray:
    """A soft fall-off across the frame, brighter towards the light, and a phone's vignette."""
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32) / side - 0.5
    towards = -(xs * math.cos(light) + ys * math.sin(light))
    vignette = 1.0 - 0.35 * (xs**2 + ys**2)
    return np.asarray((1.0 + strength * towards) * vignette, dtype=np.float32)


def _colour(rgb: RGB) -> FloatArray:
    return np.asarray(rgb, dtype=np.float32) / 255.0


def _rounded_box(side: int, box: tuple[float, float, float, float], radius: float) -> FloatArray:
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).rounded_rectangle(box, radius=radius, fill=255)
    return np.asarray(mask, dtype=np.float32) / 255.0


def _stamped_leather(
    brand: str,
    serial: str,
    style: CodeStyle,
    side: int,
    light: float,
    rng: random.Random,
    noise: np.random.Generator,
) -> tuple[FloatArray, tuple[int, int, int, int]]:
    leather = _colour(rng.choice(_LEATHERS[brand]))
    lining = _colour(rng.choice(_LININGS))
    thread = _colour(rng.choice(_THREADS))
    half_width = side * rng.uniform(0.40, 0.46)
    half_height = side * rng.uniform(0.22, 0.28)
    cx = side * (0.5 + rng.uniform(-0.02, 0.02))
    cy = side * (0.5 + rng.uniform(-0.03, 0.03))
    tab_box = (cx - half_width, cy - half_height, cx + half_width, cy + half_height)
    corner = side * rng.uniform(0.03, 0.07)
    stitch_inset = side * rng.uniform(0.035, 0.05)
    stitch_length = side * rng.uniform(0.022, 0.03)
    grain_scale = side * rng.uniform(0.004, 0.008)
    grain_depth = rng.uniform(0.03, 0.07)
    stamp_darkening = rng.uniform(0.25, 0.4)

    # The lining behind the tab: a woven twill, slightly out of focus at close range.
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32)
    weave = np.sin((xs + ys) * (2 * math.pi / (side * 0.012))).astype(np.float32)
    weave = ndimage.gaussian_filter(weave + 0.6 * _smooth_noise(noise, side, 1.0), side * 0.002)
    scene = lining[None, None, :] * (1.0 + 0.06 * weave[..., None])

    tab = ndimage.gaussian_filter(_rounded_box(side, tab_box, corner), 1.0)
    shadow = ndimage.shift(tab, (side * 0.012, side * 0.008), order=1)
    scene *= 1.0 - 0.45 * _wide_blur(shadow, side * 0.012)[..., None]

    # Pebbled grain: the relief of many small bumps, plus a faint mottling of the dye.
    # Creases run where a smooth random field crosses zero, which gives the network of
    # valleys between pebbles that tanned leather shows.
    grain = -np.abs(_smooth_noise(noise, side, grain_scale)) + 0.3 * _smooth_noise(noise, side, 1.0)
    mottle = _smooth_noise(noise, side, side * 0.05)
    surface = leather[None, None, :] * (1.0 + 0.03 * mottle[..., None])

    # Edge paint: the cut edge of the tab is sealed with a darker, glossy paint.
    edge = np.clip(tab - ndimage.binary_erosion(tab > 0.5, iterations=int(side * 0.008)), 0, 1)
    surface = surface * (1.0 - 0.45 * edge[..., None])

    inner = (
        tab_box[0] + stitch_inset,
        tab_box[1] + stitch_inset,
        tab_box[2] - stitch_inset,
        tab_box[3] - stitch_inset,
    )
    stitches, holes = _stitch_row(side, inner, max(corner - stitch_inset, 0), stitch_length)
    code, box = _code_mask(
        serial,
        style,
        side,
        (cx, cy),
        max_width=(inner[2] - inner[0]) * 0.8,
        max_height=(inner[3] - inner[1]) * 0.42,
    )
    pressed = ndimage.gaussian_filter(code, side * 0.0025)
    height = (
        grain_depth * grain * (1.0 - pressed)  # the hot die flattens the grain where it presses
        - 0.6 * pressed
        - 0.06 * ndimage.gaussian_filter(stitches, 1.5)
        - 0.1 * holes
        - 0.15 * ndimage.gaussian_filter(edge, side * 0.003)
    )
    shading = np.clip(_relief(height, light, gain=side * 0.012), -0.6, 0.6)
    tone = 1.0 - stamp_darkening * pressed - 0.6 * holes
    surface = surface * (tone * (1.0 + shading))[..., None]
    thread_shade = 0.85 + 0.3 * _relief(ndimage.gaussian_filter(stitches, 2.0), light, side * 0.01)
    stitched = stitches[..., None]
    surface = surface * (1 - stitched) + thread[None, None, :] * thread_shade[..., None] * stitched

    scene = scene * (1 - tab[..., None]) + surface * tab[..., None]
    scene *= _key_light(side, light, strength=rng.uniform(0.15, 0.35))[..., None]
    return scene.astype(np.float32), box


def _stitch_row(
    side: int, inner: tuple[float, float, float, float], radius: float, stitch_length: float
) -> tuple[FloatArray, FloatArray]:
    """Saddle stitches around the rounded rectangle ``inner``: thread mask and needle holes."""
    x0, y0, x1, y1 = inner
    straight = 2 * (x1 - x0 - 2 * radius) + 2 * (y1 - y0 - 2 * radius)
    perimeter = straight + 2 * math.pi * radius
    pitch = stitch_length * 1.45
    count = max(8, int(perimeter / pitch))

    def along(start: tuple[float, float], dx: float, dy: float) -> Callable[[float], Point]:
        return lambda d: (start[0] + dx * d, start[1] + dy * d)

    def around(centre: tuple[float, float], start_angle: float) -> Callable[[float], Point]:
        def arc(d: float) -> Point:
            angle = start_angle + d / max(radius, 1e-6)
            return centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle)

        return arc

    across, down, quarter = x1 - x0 - 2 * radius, y1 - y0 - 2 * radius, math.pi * radius / 2
    # Clockwise from the left end of the top edge.
    segments = (
        (across, along((x0 + radius, y0), 1.0, 0.0)),
        (quarter, around((x1 - radius, y0 + radius), -math.pi / 2)),
        (down, along((x1, y0 + radius), 0.0, 1.0)),
        (quarter, around((x1 - radius, y1 - radius), 0.0)),
        (across, along((x1 - radius, y1), -1.0, 0.0)),
        (quarter, around((x0 + radius, y1 - radius), math.pi / 2)),
        (down, along((x0, y1 - radius), 0.0, -1.0)),
        (quarter, around((x0 + radius, y0 + radius), math.pi)),
    )

    def point(distance: float) -> Point:
        distance %= perimeter
        for length, walk in segments:
            if distance <= length:
                return walk(distance)
            distance -= length
        return x0 + radius, y0

    thread = Image.new("L", (side, side), 0)
    holes = Image.new("L", (side, side), 0)
    thread_draw, hole_draw = ImageDraw.Draw(thread), ImageDraw.Draw(holes)
    width = max(2, int(stitch_length * 0.3))
    hole = max(1.0, stitch_length * 0.12)
    for index in range(count):
        start = point(index * perimeter / count)
        end = point(index * perimeter / count + stitch_length)
        thread_draw.line((start, end), fill=255, width=width)
        for x, y in (start, end):
            hole_draw.ellipse((x - hole, y - hole, x + hole, y + hole), fill=255)
    as_array = np.asarray(thread, dtype=np.float32) / 255.0
    return as_array, np.asarray(holes, dtype=np.float32) / 255.0


def _engraved_metal(
    brand: str,
    serial: str,
    style: CodeStyle,
    side: int,
    light: float,
    rng: random.Random,
    noise: np.random.Generator,
) -> tuple[FloatArray, tuple[int, int, int, int]]:
    metal = _colour(rng.choice(_METALS[brand]))
    band_half_height = side * rng.uniform(0.15, 0.19)
    lug_width = side * rng.uniform(0.12, 0.16)
    cy = side * (0.45 + rng.uniform(-0.03, 0.03))
    engraving_depth = rng.uniform(0.8, 1.0)
    bar_y = cy + band_half_height * rng.uniform(1.6, 1.9)

    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32)
    top, bottom = cy - band_half_height, cy + band_half_height
    # The flat face between the lugs is brushed across; above it the case curves away from
    # the camera and darkens, and a polished chamfer catches the light along the edge.
    streaks = _wide_blur(
        ndimage.gaussian_filter(noise.standard_normal((side, side)).astype(np.float32), 0.6),
        side * 0.08,
        axis=1,
    )
    streaks /= streaks.std() + 1e-6
    across = (ys - cy) / band_half_height
    face = 0.9 + 0.12 * np.exp(-(((across + 0.4) / 0.5) ** 2)) + 0.04 * streaks
    curve = np.clip((top - ys) / (side * 0.25), 0, 1)
    case_side = 0.85 * (1.0 - 0.8 * curve) + 0.02 * streaks
    chamfer = np.exp(-(((ys - top) / (side * 0.004)) ** 2)) + 0.6 * np.exp(
        -(((ys - bottom) / (side * 0.003)) ** 2)
    )
    tone = np.where(ys < top, case_side, face) + 0.5 * chamfer
    case = ndimage.gaussian_filter((ys < bottom).astype(np.float32), 1.0)

    code, box = _code_mask(
        serial,
        style,
        side,
        (side / 2, cy),
        max_width=(side - 2 * lug_width) * 0.78,
        max_height=band_half_height * 0.75,
    )
    # A cut groove: steep walls, one shadowed and one lit, and a dull floor without brushing.
    groove = ndimage.gaussian_filter(code, side * 0.0015)
    shading = np.clip(_relief(-0.15 * engraving_depth * groove, light, gain=side * 0.02), -0.6, 0.6)
    tone = tone * (1.0 - 0.4 * engraving_depth * groove) + shading

    # The strap is off: the gap below the case is dark, crossed by the polished spring bar.
    gap = 0.05 + 0.01 * _smooth_noise(noise, side, side * 0.03)
    bar_across = (ys - bar_y) / (side * 0.018)
    bar = np.clip(1.0 - bar_across**2, 0, 1)
    gap = gap * (1 - bar) + bar * (0.3 + 0.7 * np.exp(-(((bar_across + 0.3) / 0.3) ** 2)))
    tone = tone * case + gap * (1 - case) / np.maximum(metal.mean(), 0.2)

    # Polished lugs on both sides mirror the room: a bright stripe between dark reflections,
    # and a bright chamfer along the inner edge.
    for left, inner_edge in ((0.0, lug_width), (side - lug_width, side - lug_width)):
        u = (xs - left) / lug_width
        lug_tone = 0.35 + 0.75 * np.exp(-(((u - 0.4) / 0.13) ** 2))
        lug_tone += 0.6 * np.exp(-(((xs - inner_edge) / (side * 0.004)) ** 2))
        inside = ndimage.gaussian_filter(((u >= 0) & (u < 1)).astype(np.float32), 1.0)
        tone = tone * (1 - inside) + lug_tone * inside

    scene = metal[None, None, :] * tone[..., None]
    scene *= _key_light(side, light, strength=rng.uniform(0.1, 0.25))[..., None]
    return scene.astype(np.float32), box
