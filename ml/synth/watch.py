"""Watch slots: the printed dial and the engraved caseback.

As for the handbag slots, each renderer draws one item to the (possibly counterfeit)
specification it is given and consumes ``rng`` the same way whatever the specification.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from ml.synth.brands import WatchSpec
from ml.synth.lettering import (
    engrave,
    font_for_cap,
    paste,
    print_ink,
    ring_text,
    text_line,
    union_box,
    wordmark,
)
from ml.synth.nuisance import (
    FloatArray,
    brushed_metal_surface,
    polar_grid,
    radial_grain,
    shade,
)
from ml.synth.scene import Scene, blur, blurred_mask, offset, soft_band, to_image, varied

Point = tuple[float, float]

_ROMAN = ("XII", "I", "II", "III", "IIII", "V", "VI", "VII", "VIII", "IX", "X", "XI")
# Hands keep clear of twelve o'clock, where the wordmark is printed: a buyer photographs the
# dial so that the name can be read, and a hand across it would hide what is being checked.
_HANDS_CLEAR_OF_TWELVE_DEG = 50.0
# Dial texture strength per finish.
_FINISH_GRAIN = {"sunburst": 0.09, "opaline": 0.015, "matte": 0.008}
# Below this mean grey level a dial counts as dark and is printed in light ink.
_DARK_DIAL = 110.0


def _canvas(side: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (side, side), 0)
    return image, ImageDraw.Draw(image)


def _on_ray(centre: Point, angle: float, distance: float) -> Point:
    """The point ``distance`` px from centre towards ``angle`` (clockwise from twelve)."""
    return centre[0] + distance * math.sin(angle), centre[1] - distance * math.cos(angle)


def _radial_bar(
    centre: Point, angle: float, inner: float, outer: float, inner_width: float, outer_width: float
) -> list[Point]:
    """A quadrilateral along the ray at ``angle`` from radius ``inner`` to ``outer``, in px."""
    across = (math.cos(angle), math.sin(angle))
    corners = []
    for distance, width, side_sign in (
        (inner, inner_width, 1.0),
        (outer, outer_width, 1.0),
        (outer, outer_width, -1.0),
        (inner, inner_width, -1.0),
    ):
        x, y = _on_ray(centre, angle, distance)
        corners.append(
            (x + side_sign * across[0] * width / 2, y + side_sign * across[1] * width / 2)
        )
    return corners


def _disc(draw: ImageDraw.ImageDraw, centre: Point, radius: float, **style: int) -> None:
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), **style)


def _hand_angle(rng: np.random.Generator) -> float:
    clear = _HANDS_CLEAR_OF_TWELVE_DEG
    return math.radians(float(rng.uniform(clear, 360.0 - clear)))


def _roman_numerals(side: int, centre: Point, radius: float) -> FloatArray:
    """Printed Roman numerals standing on the chapter ring, their feet towards the centre."""
    face = font_for_cap("LiberationSerif-Regular", 0.075 * side)
    glyph_side = int(face.size * 3)
    numerals = np.zeros((side, side), dtype=np.float32)
    for hour, numeral in enumerate(_ROMAN):
        angle = hour * math.pi / 6.0
        glyph = Image.new("L", (glyph_side, glyph_side), 0)
        ImageDraw.Draw(glyph).text(
            (glyph_side / 2, glyph_side / 2), numeral, font=face, fill=255, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle), Image.Resampling.BICUBIC)
        x, y = _on_ray(centre, angle, radius * 0.83)
        patch = np.asarray(glyph, dtype=np.float32) / 255.0
        paste(numerals, patch, round(x - glyph_side / 2), round(y - glyph_side / 2))
    return numerals


def _applied_indices(spec: WatchSpec, side: int, centre: Point, radius: float) -> FloatArray:
    """Polished hour markers set into the dial: batons, or dots; none for Roman numerals."""
    image, draw = _canvas(side)
    if spec.indices != "roman":
        for hour in range(12):
            angle = hour * math.pi / 6.0
            if spec.indices == "dot":
                _disc(draw, _on_ray(centre, angle, radius * 0.86), 0.028 * side, fill=255)
            else:
                width = (0.05 if hour == 0 else 0.032) * side
                bar = _radial_bar(centre, angle, radius * 0.72, radius * 0.91, width, width)
                draw.polygon(bar, fill=255)
    return blurred_mask(image, 0.6)


def _minute_track(side: int, centre: Point, radius: float) -> FloatArray:
    image, draw = _canvas(side)
    for tick in range(60):
        width = (0.009 if tick % 5 == 0 else 0.006) * side
        bar = _radial_bar(
            centre, tick * math.pi / 30.0, radius * 0.94, radius * 0.985, width, width
        )
        draw.polygon(bar, fill=255)
    return blurred_mask(image, 0.4)


def _hands(
    side: int, centre: Point, radius: float, angles: tuple[float, float, float]
) -> FloatArray:
    """Hour, minute and seconds hands, each with a short tail past the pinion."""
    image, draw = _canvas(side)
    hour, minute, second = angles
    # (angle, tail, length as fractions of the dial radius; widths as fractions of the frame)
    for angle, tail, length, base, tip in (
        (hour, 0.1, 0.5, 0.055, 0.02),
        (minute, 0.12, 0.86, 0.04, 0.012),
        (second, 0.2, 0.95, 0.008, 0.006),
    ):
        bar = _radial_bar(centre, angle, -tail * radius, length * radius, base * side, tip * side)
        draw.polygon(bar, fill=255)
    _disc(draw, centre, 0.03 * side, fill=255)
    return blurred_mask(image, 0.6)


def _applied_metal(
    pixels: FloatArray, mask: FloatArray, colour: FloatArray, side: int, lift: float = 0.0
) -> FloatArray:
    """Polished metal parts laid on the dial (indices, hands): bevelled, casting a shadow."""
    if lift > 0.0:
        shadow = offset(blur(mask, lift / 2.0), round(lift), round(lift))
        pixels = pixels * (1.0 - 0.45 * shadow)[..., None]
    bevel = shade(blur(mask, side / 250.0), side / 50.0)
    metal = colour * bevel[..., None]
    return np.asarray(pixels * (1.0 - mask[..., None]) + metal * mask[..., None], dtype=np.float32)


def dial(spec: WatchSpec, rng: np.random.Generator, side: int) -> Scene:
    """A close-up of the upper dial: wordmark under twelve, indices, minute track and hands."""
    dial_colour = varied(spec.dials[int(rng.integers(len(spec.dials)))], rng, 0.03)
    metal = varied(spec.case_metal, rng, 0.02)
    hands_colour = varied(spec.hands, rng, 0.01)
    centre = (0.5 + float(rng.normal(0.0, 0.015)), 0.76 + float(rng.normal(0.0, 0.015)))
    angles = (_hand_angle(rng), _hand_angle(rng), _hand_angle(rng))
    glare_at = float(rng.uniform(-0.2, 1.2))
    glare = float(rng.uniform(0.0, 0.12))
    kerning = rng.standard_normal(len(spec.dial_wordmark.text))
    brushing = brushed_metal_surface(rng, side, 0.04)
    radius_grid, angle_grid = polar_grid(side, centre)
    sunburst = spec.dial_finish == "sunburst"
    grain = radial_grain(rng, radius_grid, angle_grid, concentric=not sunburst)

    radius = 0.8
    on_dial = np.clip((radius - radius_grid) * side + 0.5, 0.0, 1.0)[..., None]
    surface = dial_colour * (1.0 + _FINISH_GRAIN[spec.dial_finish] * grain)[..., None]
    # The flange: a rehaut ring sloping up from the dial to the case.
    flange = np.clip((radius_grid - radius) / 0.06, 0.0, 1.0)
    bezel = metal * (brushing * (0.55 + 0.6 * flange))[..., None]
    pixels = surface * on_dial + bezel * (1.0 - on_dial)

    centre_px = (centre[0] * side, centre[1] * side)
    radius_px = radius * side
    printed = _minute_track(side, centre_px, radius_px)
    if spec.indices == "roman":
        np.maximum(printed, _roman_numerals(side, centre_px, radius_px), out=printed)

    word = spec.dial_wordmark
    word_y = centre[1] - radius * 0.53
    lettering, word_box = wordmark(word, side, (centre[0], word_y), kerning)
    line_cap = max(0.026, word.cap_height * 0.42)
    line_y = word_y + word.cap_height / 2.0 + line_cap * 1.9
    for line in spec.dial_lines:
        line_mask, _ = text_line(line, word.typeface, line_cap, 0.2, side, (centre[0], line_y))
        np.maximum(lettering, line_mask, out=lettering)
        line_y += line_cap * 2.0
    np.maximum(printed, lettering, out=printed)
    ink = spec.ink_on_dark if float(dial_colour.mean()) < _DARK_DIAL else spec.ink_on_light
    pixels = print_ink(pixels, printed, ink)

    indices = _applied_indices(spec, side, centre_px, radius_px)
    pixels = _applied_metal(pixels, indices, hands_colour, side)
    hands = _hands(side, centre_px, radius_px, angles)
    pixels = _applied_metal(pixels, hands, hands_colour, side, lift=side / 60.0)

    # The crystal reflects a window: a soft bright band across the frame.
    across = (np.arange(side, dtype=np.float32) + 0.5) / side
    diagonal = (across[None, :] + across[:, None]) / 2.0
    pixels += 255.0 * glare * soft_band(diagonal, glare_at, 0.12)[..., None]
    return Scene(
        to_image(pixels),
        {"wordmark_spacing": word_box, "wordmark_weight": word_box, "letter_shape": word_box},
    )


def caseback(spec: WatchSpec, serial: str, rng: np.random.Generator, side: int) -> Scene:
    """The screwed-down caseback: ring text around the rim, a medallion with the brand's name
    and the serial engraved under it."""
    metal = varied(spec.case_metal, rng, 0.02)
    backdrop = varied((52, 48, 46), rng, 0.15)
    shift = (float(rng.normal(0.0, 0.012)), float(rng.normal(0.0, 0.012)))
    turn = float(rng.uniform(0.0, 360.0))
    reflection_at = float(rng.uniform(0.15, 0.85))
    cloth = rng.standard_normal((side, side)).astype(np.float32)
    centre = (0.5 + shift[0], 0.5 + shift[1])
    radius_grid, angle_grid = polar_grid(side, centre)
    grain = radial_grain(rng, radius_grid, angle_grid, concentric=True)

    radius = 0.47
    on_case = np.clip((radius - radius_grid) * side + 0.5, 0.0, 1.0)[..., None]
    # A domed rim and a stepped inner ring around the flat, turned centre.
    rim = np.clip((radius_grid - radius * 0.9) / (radius * 0.1), 0.0, 1.0)
    step = np.exp(-(((radius_grid - radius * 0.64) / 0.004) ** 2))
    relief = shade(blur(-(rim**2) * 0.03 * side - step * 0.004 * side, 1.0), 1.0)
    rows = (np.arange(side, dtype=np.float32) + 0.5) / side
    reflection = 0.75 + 0.45 * soft_band(rows, reflection_at, 0.25)[:, None]
    surface = metal * (relief * reflection * (1.0 + 0.045 * grain))[..., None]

    # The ring text is laid out once per brand about the frame's centre, then turned and moved.
    ring = ring_text(spec.ring_text, spec.ring_typeface, side, (0.5, 0.5), radius * 0.75, 0.042)
    ring_image = Image.fromarray((ring * 255.0).astype(np.uint8), "L").rotate(
        turn, Image.Resampling.BILINEAR, translate=(round(shift[0] * side), round(shift[1] * side))
    )
    cut = np.asarray(ring_image, dtype=np.float32) / 255.0
    reach = radius * 0.86
    ring_box = (centre[0] - reach, centre[1] - reach, centre[0] + reach, centre[1] + reach)

    medallion_image, medallion = _canvas(side)
    medallion_centre = (centre[0], centre[1] - radius * 0.1)
    _disc(
        medallion,
        (medallion_centre[0] * side, medallion_centre[1] * side),
        radius * 0.34 * side,
        outline=255,
        width=max(1, round(side / 160)),
    )
    np.maximum(cut, blurred_mask(medallion_image, 0.3), out=cut)
    name = spec.dial_wordmark.text
    # The name fits inside the medallion whatever its length.
    name_cap = min(0.065, 0.4 / len(name))
    mark, mark_box = text_line(name, spec.ring_typeface, name_cap, 0.12, side, medallion_centre)
    np.maximum(cut, mark, out=cut)
    serial_centre = (centre[0], centre[1] + radius * 0.42)
    serial_cut, serial_box = text_line(serial, spec.ring_typeface, 0.038, 0.12, side, serial_centre)
    np.maximum(cut, serial_cut, out=cut)
    surface = engrave(surface, cut, spec.caseback_engraving, 0.045 * side)

    case_image, case = _canvas(side)
    _disc(case, (centre[0] * side, centre[1] * side), radius * side, fill=255)
    drop = blurred_mask(case_image, side / 50.0)[..., None]
    ground = backdrop * (1.0 + 0.05 * cloth)[..., None] * (1.0 - 0.5 * drop)
    pixels = ground * (1.0 - on_case) + surface * on_case
    engraved = union_box(ring_box, mark_box, serial_box)
    return Scene(
        to_image(pixels),
        {
            "engraving_depth": engraved,
            "engraving_sharpness": engraved,
            "serial_format": serial_box,
        },
    )
