"""Lettering: wordmarks laid out to a specification, and how they look stamped, cut or printed.

Masks are float coverage maps (1 = ink, metal cut away or leather pressed) the size of the
frame. A wordmark's letter spacing, kerning, stroke weight and glyph shapes all come from its
``WordmarkSpec``, so a counterfeit's wordmark is just the same drawing made to a wrong spec.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from ml.features import FONTS_DIR
from ml.synth.brands import RGB, EngravingSpec, WordmarkSpec
from ml.synth.nuisance import Box, FloatArray, shade
from ml.synth.scene import blur


@cache
def font(typeface: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS_DIR / f"{typeface}.ttf"), px)


@cache
def _cap_ratio(typeface: str) -> float:
    """Cap height of the typeface as a fraction of its font size."""
    _, top, _, _ = font(typeface, 200).getbbox("H", anchor="ls")
    return -top / 200.0


def font_for_cap(typeface: str, cap_px: float) -> ImageFont.FreeTypeFont:
    return font(typeface, max(4, round(cap_px / _cap_ratio(typeface))))


def _signed_distance(coverage: FloatArray) -> FloatArray:
    """Distance to the glyph outline in pixels, negative inside; anti-aliased edges keep their
    sub-pixel position."""
    inside = coverage >= 0.5
    outside_distance = ndimage.distance_transform_edt(~inside)
    inside_distance = ndimage.distance_transform_edt(inside)
    distance = np.asarray(
        np.where(inside, 0.5 - inside_distance, outside_distance - 0.5), dtype=np.float32
    )
    edge = (coverage > 0.0) & (coverage < 1.0)
    distance[edge] = 0.5 - coverage[edge]
    return distance


def _coverage(distance: FloatArray) -> FloatArray:
    return np.asarray(np.clip(0.5 - distance, 0.0, 1.0), dtype=np.float32)


def wordmark(
    spec: WordmarkSpec,
    side: int,
    centre: tuple[float, float],
    kerning_noise: NDArray[np.float64],
) -> tuple[FloatArray, Box]:
    """The wordmark's coverage over a ``side`` px frame, centred on ``centre`` (fractions of
    the frame), and the box its ink covers.

    ``kerning_noise`` holds one standard normal per letter pair; the item draws it whether or
    not its wordmark is mis-kerned, so an item's other random choices do not shift with it.
    """
    cap_px = spec.cap_height * side
    face = font_for_cap(spec.typeface, cap_px)
    size = face.size
    pad = int(size * 0.6) + 4
    advances = [face.getlength(letter) for letter in spec.text]
    gaps = spec.letter_spacing_em * size + kerning_noise[: len(spec.text) - 1] * (
        spec.kerning_jitter_em * size
    )
    starts = np.concatenate([[0.0], np.cumsum(np.asarray(advances[:-1]) + gaps)])
    width = int(starts[-1] + advances[-1]) + 2 * pad
    height = int(size * 1.5) + 2 * pad
    baseline = pad + size

    def drawn(typeface: str) -> FloatArray:
        glyphs = (
            font(typeface, size) if typeface == spec.typeface else font_for_cap(typeface, cap_px)
        )
        canvas = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(canvas)
        for letter, start, advance in zip(spec.text, starts, advances, strict=True):
            # Every glyph sits centred on the reference glyph's advance, so a look-alike
            # typeface changes the letters' shapes but not where they stand.
            middle = pad + start + advance / 2.0
            draw.text((middle, baseline), letter, font=glyphs, fill=255, anchor="ms")
        return np.asarray(canvas, dtype=np.float32) / 255.0

    # Every wordmark, reference or not, is re-drawn from its distance field, so the edges of
    # a counterfeit's letters are rendered exactly like a genuine one's.
    distance = _signed_distance(drawn(spec.typeface))
    if spec.lookalike is not None and spec.shape_blend > 0.0:
        lookalike = _signed_distance(drawn(spec.lookalike))
        distance = (1.0 - spec.shape_blend) * distance + spec.shape_blend * lookalike
    coverage = _coverage(distance - spec.stroke_weight * cap_px)

    columns = np.flatnonzero(coverage.max(axis=0) > 0.5)
    ink_left, ink_right = int(columns[0]), int(columns[-1]) + 1
    left = round(centre[0] * side - (ink_left + ink_right) / 2.0)
    top = round(centre[1] * side + cap_px / 2.0 - baseline)
    frame = np.zeros((side, side), dtype=np.float32)
    paste(frame, coverage, left, top)
    return frame, _ink_box(frame)


def paste(frame: FloatArray, patch: FloatArray, left: int, top: int) -> None:
    """Adds a patch's ink into the frame (keeping the stronger coverage), clipped to it."""
    x0, y0 = max(left, 0), max(top, 0)
    x1 = min(left + patch.shape[1], frame.shape[1])
    y1 = min(top + patch.shape[0], frame.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    region = frame[y0:y1, x0:x1]
    np.maximum(region, patch[y0 - top : y1 - top, x0 - left : x1 - left], out=region)


def _ink_box(coverage: FloatArray) -> Box:
    rows = np.flatnonzero(coverage.max(axis=1) > 0.25)
    columns = np.flatnonzero(coverage.max(axis=0) > 0.25)
    side_y, side_x = coverage.shape
    if rows.size == 0:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        columns[0] / side_x,
        rows[0] / side_y,
        (columns[-1] + 1) / side_x,
        (rows[-1] + 1) / side_y,
    )


def text_line(
    text: str,
    typeface: str,
    cap_height: float,
    spacing_em: float,
    side: int,
    centre: tuple[float, float],
) -> tuple[FloatArray, Box]:
    """A secondary line of lettering, always made to reference."""
    spec = WordmarkSpec(text, typeface, spacing_em, cap_height, 0.0)
    return wordmark(spec, side, centre, np.zeros(len(text)))


def union_box(*boxes: Box) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@cache
def ring_text(
    text: str, typeface: str, side: int, centre: tuple[float, float], radius: float, cap: float
) -> FloatArray:
    """Lettering running clockwise around a circle, tops of the letters outwards, starting at
    twelve o'clock. ``radius`` is the baseline's radius, ``cap`` the cap height, both as
    fractions of the frame. The letters are spread out to close the circle."""
    face = font_for_cap(typeface, cap * side)
    radius_px = radius * side
    advances = np.array([face.getlength(letter) for letter in text])
    spare = 2.0 * np.pi * radius_px - advances.sum()
    advances = advances + max(spare, 0.0) / len(text)
    angles = (np.cumsum(advances) - advances / 2.0) / radius_px
    frame = np.zeros((side, side), dtype=np.float32)
    glyph_side = int(face.size * 2) + 2
    for letter, angle in zip(text, angles, strict=True):
        if letter == " ":
            continue
        glyph = Image.new("L", (glyph_side, glyph_side), 0)
        ImageDraw.Draw(glyph).text(
            (glyph_side / 2, glyph_side / 2), letter, font=face, fill=255, anchor="ms"
        )
        glyph = glyph.rotate(-np.degrees(angle), Image.Resampling.BICUBIC)
        x = centre[0] * side + radius_px * np.sin(angle)
        y = centre[1] * side - radius_px * np.cos(angle)
        patch = np.asarray(glyph, dtype=np.float32) / 255.0
        paste(frame, patch, round(x - glyph_side / 2), round(y - glyph_side / 2))
    return frame


def to_pixels(colour: RGB) -> FloatArray:
    return np.asarray(colour, dtype=np.float32)


def engrave(
    surface: FloatArray,
    cut: FloatArray,
    engraving: EngravingSpec,
    cap_px: float,
) -> FloatArray:
    """Cuts lettering into metal: dark groove floors, a shadowed wall towards the light and a
    bright one away from it. Depth scales the contrast, sharpness the edges' softness."""
    sigma = 0.5 + (1.0 - engraving.sharpness) * 0.22 * cap_px
    groove = blur(cut, sigma)
    floor = 1.0 - 0.6 * engraving.depth * groove
    walls = shade(-groove, 2.2 * engraving.depth * max(sigma, 1.0))
    lit = np.clip(walls - 1.0, 0.0, None) * 90.0
    return np.asarray(surface * (floor * walls)[..., None] + lit[..., None], dtype=np.float32)


def press(
    surface: FloatArray, stamp: FloatArray, finish: str, foil: RGB, depth_px: float
) -> FloatArray:
    """Heat-stamps lettering into leather: pressed in and darkened, or filled with hot foil.

    The press also flattens the grain under the letters, so their floor is smoother.
    """
    pressed = blur(stamp, 0.6)
    walls = shade(-pressed, 1.6 * depth_px)
    luma = surface.mean(axis=2, keepdims=True)
    smoothed = surface + (luma.mean() - luma) * 0.6 * pressed[..., None]
    if finish == "blind":
        floor = smoothed * (1.0 - 0.42 * pressed)[..., None]
    else:
        sheen = 0.85 + 0.3 * (luma / (luma.mean() + 1e-3) - 1.0)
        floor = smoothed * (1.0 - pressed)[..., None] + (
            to_pixels(foil) * sheen * pressed[..., None]
        )
    return np.asarray(floor * walls[..., None], dtype=np.float32)


def print_ink(surface: FloatArray, ink_mask: FloatArray, ink: RGB) -> FloatArray:
    """Pad-printed lettering: flat ink laid over the surface."""
    mask = blur(ink_mask, 0.35)[..., None]
    return np.asarray(surface * (1.0 - mask) + to_pixels(ink) * mask, dtype=np.float32)
