"""Handbag slots on leather: the heat-stamped brand stamp, the stitched seam and the engraved
hardware plate.

Each renderer draws one item to the (possibly counterfeit) specification it is given; the
item's own variation (leather colour, placement, texture) comes from ``rng``, which every
renderer consumes the same way whatever the specification, so an item rendered to two
specifications differs only where the specifications do.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from ml.synth.brands import HandbagSpec, StitchSpec
from ml.synth.lettering import engrave, press, text_line, union_box, wordmark
from ml.synth.nuisance import (
    FloatArray,
    brushed_metal_surface,
    leather_surface,
    shade,
)
from ml.synth.scene import Scene, blur, blurred_mask, offset, soft_band, to_image, varied

_FOILS = {"gold": (214, 176, 96), "silver": (206, 209, 214)}
# More hole positions are drawn than ever fit in the frame, so their count does not depend
# on the pitch.
_STITCH_NOISE = 64


def _leather_colour(spec: HandbagSpec, rng: np.random.Generator) -> FloatArray:
    return varied(spec.leathers[int(rng.integers(len(spec.leathers)))], rng, 0.04)


def _leather(
    spec: HandbagSpec, colour: FloatArray, rng: np.random.Generator, side: int
) -> FloatArray:
    surface = leather_surface(rng, side, spec.grain, spec.grain_scale)
    return surface[..., None] * colour


def brand_stamp(spec: HandbagSpec, rng: np.random.Generator, side: int) -> Scene:
    """The wordmark heat-stamped into the lining leather, with smaller lines under it."""
    surface = _leather(spec, _leather_colour(spec, rng), rng, side)
    kerning = rng.standard_normal(len(spec.stamp.text))
    stamp = spec.stamp
    line_cap = max(0.032, stamp.cap_height * 0.42)
    block = stamp.cap_height + len(spec.stamp_lines) * line_cap * 2.1
    x = 0.5 + float(rng.normal(0.0, 0.02))
    y = 0.5 - block / 2.0 + stamp.cap_height / 2.0 + float(rng.normal(0.0, 0.02))
    mask, box = wordmark(stamp, side, (x, y), kerning)
    line_y = y + stamp.cap_height / 2.0 + line_cap * 1.6
    for line in spec.stamp_lines:
        line_mask, _ = text_line(line, stamp.typeface, line_cap, 0.18, side, (x, line_y))
        np.maximum(mask, line_mask, out=mask)
        line_y += line_cap * 2.1
    foil = _FOILS.get(spec.stamp_finish, _FOILS["gold"])
    pixels = press(surface, mask, spec.stamp_finish, foil, depth_px=side / 320.0)
    return Scene(
        to_image(pixels),
        {"wordmark_spacing": box, "wordmark_weight": box, "letter_shape": box},
    )


def _stitch_row(
    stitch: StitchSpec, side: int, row_y: float, start: float, noise: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One row of slanted saddle stitches: thread coverage, thread brightness and the
    coverage of the prick holes the thread runs through.

    The holes are pricked at the pitch (off by the jitter); each stitch runs from one hole to
    the next, so uneven holes give uneven stitches and gaps, as on a badly pricked seam.
    """
    coverage = np.zeros((side, side), dtype=np.float32)
    brightness = np.ones((side, side), dtype=np.float32)
    holes = np.zeros((side, side), dtype=np.float32)
    pitch = stitch.pitch * side
    radius = stitch.thread_width * side / 2.0
    slant = math.radians(stitch.slant_deg)
    along = np.array([math.cos(slant), -math.sin(slant)])
    across = np.array([math.sin(slant), math.cos(slant)])
    positions = (start + np.arange(_STITCH_NOISE) * stitch.pitch) * side
    positions = np.sort(positions + noise * stitch.pitch_jitter * pitch)
    cy = row_y * side
    for left, right in zip(positions[:-1], positions[1:], strict=True):
        if left > side + pitch:
            break
        cx = (left + right) / 2.0
        # A stitch spans most of the way between its holes, leaving a short gap of leather.
        half_length = max(0.36 * (right - left) / max(math.cos(slant), 0.3), radius)
        hole_offset = half_length + 0.6 * radius
        reach_x = int(abs(along[0]) * hole_offset + radius) + 3
        reach_y = int(abs(along[1]) * hole_offset + radius) + 3
        x0, x1 = max(int(cx) - reach_x, 0), min(int(cx) + reach_x + 1, side)
        y0, y1 = max(int(cy) - reach_y, 0), min(int(cy) + reach_y + 1, side)
        if x0 >= x1 or y0 >= y1:
            continue
        gy, gx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = gx + 0.5 - cx, gy + 0.5 - cy
        s = dx * along[0] + dy * along[1]
        t = dx * across[0] + dy * across[1]
        clamped = np.clip(s, -half_length, half_length)
        thread = np.clip(radius - np.hypot(s - clamped, t) + 0.5, 0.0, 1.0)
        hole = np.clip(0.8 * radius - np.hypot(np.abs(s) - hole_offset, t) + 0.5, 0.0, 1.0)
        # A round, twisted thread: bright along its crown, plies crossing it at an angle,
        # and darker where it dives into the holes.
        crown = np.sqrt(np.clip(1.0 - (t / (radius + 0.5)) ** 2, 0.0, 1.0))
        plies = 0.88 + 0.12 * np.cos((s + 0.8 * t) * (math.pi / max(radius, 1.0)))
        ends = np.clip((half_length + radius - np.abs(s)) / (radius * 1.5 + 1.0), 0.0, 1.0)
        light = (0.45 + 0.6 * crown) * plies * (0.55 + 0.45 * ends)
        patch_coverage = coverage[y0:y1, x0:x1]
        stronger = thread > patch_coverage
        brightness[y0:y1, x0:x1][stronger] = light[stronger]
        np.maximum(patch_coverage, thread, out=patch_coverage)
        np.maximum(holes[y0:y1, x0:x1], hole, out=holes[y0:y1, x0:x1])
    return coverage, brightness, holes


def stitching(spec: HandbagSpec, rng: np.random.Generator, side: int) -> Scene:
    """A seam: the upper panel's painted edge lying over the lower panel, stitched along it."""
    colour = _leather_colour(spec, rng)
    surface = _leather(spec, colour, rng, side)
    lower = _leather(spec, colour, rng, side) * 0.9
    stitch = spec.stitch
    seam_y = 0.64 + float(rng.normal(0.0, 0.03))
    row_y = seam_y - 0.15 + float(rng.normal(0.0, 0.01))
    start = -float(rng.uniform(1.0, 2.0)) * stitch.pitch
    noise = rng.standard_normal(_STITCH_NOISE).astype(np.float32)
    thread_colour = np.asarray(stitch.thread, dtype=np.float32)

    rows = (np.arange(side, dtype=np.float32) + 0.5) / side
    upper = np.clip((seam_y - rows) * side + 0.5, 0.0, 1.0)[:, None, None]
    # The painted edge: a smooth, glossy, darker band rounded over the upper panel's border.
    edge_width = 0.04
    into_edge = np.clip((rows - (seam_y - edge_width)) / edge_width, 0.0, 1.0)[:, None, None]
    gloss = 0.75 + 0.7 * np.sin(np.pi * into_edge) ** 6 - 0.35 * into_edge**3
    edge = (into_edge > 0.0).astype(np.float32)
    top = surface * (1.0 - edge) + colour * 0.38 * gloss * edge
    # The upper panel throws a short shadow onto the lower one.
    shadow = np.exp(-np.clip(rows - seam_y, 0.0, None) / 0.03)[:, None, None]
    bottom = lower * (1.0 - 0.6 * shadow)
    pixels = top * upper + bottom * (1.0 - upper)

    coverage, brightness, holes = _stitch_row(stitch, side, row_y, start, noise)
    shadow_offset = round(side / 200)
    thread_shadow = offset(blur(coverage, side / 200), shadow_offset, shadow_offset)
    pixels *= (1.0 - 0.35 * thread_shadow - 0.5 * holes)[..., None]
    thread = thread_colour * brightness[..., None]
    pixels = pixels * (1.0 - coverage[..., None]) + thread * coverage[..., None]

    extent = math.sin(math.radians(stitch.slant_deg)) * stitch.pitch * 0.5 + stitch.thread_width
    box = (0.0, max(row_y - extent, 0.0), 1.0, min(row_y + extent, 1.0))
    return Scene(to_image(pixels), {"stitch_pitch": box, "stitch_slant": box})


def hardware_engraving(spec: HandbagSpec, rng: np.random.Generator, side: int) -> Scene:
    """A metal plate riveted onto the leather, the wordmark and a line engraved in it."""
    leather = _leather(spec, _leather_colour(spec, rng), rng, side)
    metal = varied(spec.hardware_metal, rng, 0.02)
    brushing = brushed_metal_surface(rng, side, 0.05)
    kerning = rng.standard_normal(len(spec.plate_wordmark.text))
    x = 0.5 + float(rng.normal(0.0, 0.02))
    y = 0.5 + float(rng.normal(0.0, 0.02))
    reflection_y = float(rng.uniform(0.2, 0.8))

    word = spec.plate_wordmark
    line_cap = max(0.03, word.cap_height * 0.36)
    block = word.cap_height + len(spec.plate_lines) * line_cap * 2.0
    word_y = y - block / 2.0 + word.cap_height / 2.0
    cut, word_box = wordmark(word, side, (x, word_y), kerning)
    boxes = [word_box]
    line_y = word_y + word.cap_height / 2.0 + line_cap * 1.9
    for line in spec.plate_lines:
        line_cut, line_box = text_line(line, word.typeface, line_cap, 0.3, side, (x, line_y))
        np.maximum(cut, line_cut, out=cut)
        boxes.append(line_box)
        line_y += line_cap * 2.0
    engraved = union_box(*boxes)

    # The plate is cut to fit its lettering with a margin, as a designer would size it.
    plate_width = min(max(engraved[2] - engraved[0] + 0.2, 0.6), 0.88)
    plate_height = engraved[3] - engraved[1] + 0.2
    plate_image = Image.new("L", (side, side), 0)
    ImageDraw.Draw(plate_image).rounded_rectangle(
        (
            (x - plate_width / 2) * side,
            ((engraved[1] + engraved[3]) / 2 - plate_height / 2) * side,
            (x + plate_width / 2) * side,
            ((engraved[1] + engraved[3]) / 2 + plate_height / 2) * side,
        ),
        radius=0.06 * side,
        fill=255,
    )
    plate = blurred_mask(plate_image, 0.7)
    # A bevelled edge: the plate rises over its rim, so its upper-left rim catches the light.
    bevel = shade(ndimage.gaussian_filter(plate, side / 110.0), side / 40.0)
    rows = (np.arange(side, dtype=np.float32) + 0.5) / side
    glow = 0.78 + 0.4 * soft_band(rows, reflection_y, 0.2)[:, None]
    surface = metal * (brushing * glow * bevel)[..., None]
    surface = engrave(surface, cut, spec.plate_engraving, word.cap_height * side)

    drop = offset(blurred_mask(plate_image, side / 60.0), round(side / 70), round(side / 70))
    ground = leather * (1.0 - 0.6 * drop)[..., None]
    pixels = ground * (1.0 - plate[..., None]) + surface * plate[..., None]
    return Scene(
        to_image(pixels),
        {
            "engraving_depth": engraved,
            "engraving_sharpness": engraved,
            "wordmark_spacing": word_box,
        },
    )
