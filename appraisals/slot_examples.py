"""Schematic example images shown next to each photo slot's instructions.

A buyer photographing a handbag or a watch for authentication sees, beside every slot, a small
illustration of what a good photo of that slot looks like.  These are deliberately *diagrams*,
not photographs: a warm ivory ground, espresso linework and a single muted gold accent that
points at the area of interest, so the set reads as one calm, trustworthy family.

Everything is drawn with Pillow + numpy at 2-3x the requested size and downsampled with
LANCZOS, which gives clean antialiased edges without any vector dependency.  Scenes are laid
out in a fixed 800x600 design space and scaled uniformly into the requested size, so other
aspect ratios simply get extra ivory margin.  Rendering is fully deterministic: textures use
fixed seeds and nothing depends on time, locale or installed fonts beyond the documented
DejaVu -> Pillow-default fallback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

__all__ = ["SLOT_CODES", "render_slot_example", "slot_label"]

SLOT_CODES: dict[str, tuple[str, ...]] = {
    "handbag": (
        "front",
        "back",
        "brand_stamp",
        "stitching",
        "hardware_engraving",
        "date_code",
        "interior_label",
    ),
    "watch": ("dial", "caseback", "crown", "clasp", "serial_engraving", "side_profile"),
}

# --------------------------------------------------------------------------------------------
# Types and palette
# --------------------------------------------------------------------------------------------

Point = tuple[float, float]
RGB = tuple[int, int, int]
Stops = Sequence[tuple[float, RGB]]
Shader = Callable[[np.ndarray, np.ndarray], np.ndarray]
Shape = Image.Image | Sequence[Point]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
FontKind = Literal["sans", "serif"]

IVORY: RGB = (248, 243, 233)
IVORY_EDGE: RGB = (238, 229, 213)
ESPRESSO: RGB = (58, 43, 35)
CHARCOAL: RGB = (50, 47, 45)
STITCH_DARK: RGB = (112, 86, 66)
GOLD: RGB = (178, 145, 88)
GOLD_DARK: RGB = (124, 94, 50)
GOLD_LIGHT: RGB = (232, 211, 160)
# The same gold, deepened just enough to stay legible as thread on light leather.
GOLD_STITCH: RGB = (160, 124, 64)
SHADOW: RGB = (64, 46, 30)
CREAM_THREAD: RGB = (232, 218, 192)

LEATHER: Stops = ((0.0, (228, 209, 179)), (0.55, (215, 192, 158)), (1.0, (196, 170, 134)))
LEATHER_DEEP: Stops = ((0.0, (208, 182, 146)), (1.0, (182, 154, 117)))
CARAMEL: Stops = ((0.0, (160, 112, 72)), (0.5, (146, 100, 62)), (1.0, (124, 84, 52)))
STRAP: Stops = ((0.0, (70, 51, 41)), (0.45, (98, 73, 58)), (1.0, (58, 42, 34)))
GOLD_METAL: Stops = (
    (0.0, (240, 222, 174)),
    (0.28, (209, 177, 118)),
    (0.52, (162, 126, 72)),
    (0.7, (204, 172, 114)),
    (0.86, (236, 214, 162)),
    (1.0, (168, 132, 78)),
)
STEEL: Stops = (
    (0.0, (246, 244, 239)),
    (0.3, (212, 207, 199)),
    (0.52, (172, 166, 158)),
    (0.72, (222, 218, 211)),
    (1.0, (150, 144, 136)),
)
STEEL_SATIN: Stops = ((0.0, (214, 209, 201)), (0.5, (196, 190, 182)), (1.0, (168, 162, 154)))
STUDIO: Stops = ((0.0, (242, 237, 228)), (1.0, (224, 216, 203)))

# Engraving / embossing colour triples: (face, light rim, dark rim).
DEBOSS_LEATHER: tuple[RGB, RGB, RGB] = ((186, 158, 121), (242, 229, 207), (118, 92, 64))
ENGRAVE_GOLD: tuple[RGB, RGB, RGB] = ((118, 88, 46), (246, 230, 188), (84, 60, 28))
ENGRAVE_STEEL: tuple[RGB, RGB, RGB] = ((96, 90, 83), (252, 250, 246), (62, 57, 52))

_DESIGN_W = 800
_DESIGN_H = 600
# Close-ups are framed in a rounded "viewport" so the caption always sits on plain ivory.
_VIEWPORT = (40.0, 34.0, 760.0, 524.0)
# Past ~3.2 MP (2.5x of 800x600) extra supersampling is invisible after LANCZOS but costs time
# against the 0.5 s budget.
_MAX_SUPERSAMPLED_PIXELS = 3_200_000

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_FONT_FILES: dict[FontKind, str] = {"sans": "DejaVuSans.ttf", "serif": "DejaVuSerif.ttf"}


@lru_cache(maxsize=128)
def _font(kind: FontKind, px: int) -> Font:
    """Return a TrueType font, falling back to Pillow's bundled scalable default."""
    try:
        return ImageFont.truetype(str(_FONT_DIR / _FONT_FILES[kind]), max(1, px))
    except OSError:
        # Slim containers often lack DejaVu; Pillow >= 10.1 ships a scalable default font.
        return ImageFont.load_default(size=max(1, px))


def slot_label(slot: str) -> str:
    """Human name of a slot code, e.g. ``"brand_stamp"`` -> ``"Brand stamp"``."""
    return slot.replace("_", " ").capitalize()


# --------------------------------------------------------------------------------------------
# Geometry helpers (all in the 800x600 design space)
# --------------------------------------------------------------------------------------------


def _ellipse(
    cx: float, cy: float, rx: float, ry: float, start: float = 0.0, end: float = 360.0
) -> list[Point]:
    """Points along an ellipse arc; angles in degrees, clockwise on screen from +x."""
    full = abs(end - start) >= 360.0
    n = max(24, int(abs(end - start) / 1.5))
    count = n if full else n + 1
    return [
        (
            cx + rx * math.cos(math.radians(start + (end - start) * i / n)),
            cy + ry * math.sin(math.radians(start + (end - start) * i / n)),
        )
        for i in range(count)
    ]


def _circle(cx: float, cy: float, r: float) -> list[Point]:
    return _ellipse(cx, cy, r, r)


def _rounded_poly(points: Sequence[Point], radius: float | Sequence[float]) -> list[Point]:
    """Replace each corner of a simple polygon by a circular fillet of the given radius."""
    radii = [radius] * len(points) if isinstance(radius, int | float) else list(radius)
    out: list[Point] = []
    n = len(points)
    for i, (px, py) in enumerate(points):
        r = radii[i]
        ax, ay = points[i - 1]
        bx, by = points[(i + 1) % n]
        la, lb = math.hypot(ax - px, ay - py), math.hypot(bx - px, by - py)
        if r <= 0 or la == 0 or lb == 0:
            out.append((px, py))
            continue
        u1 = ((ax - px) / la, (ay - py) / la)
        u2 = ((bx - px) / lb, (by - py) / lb)
        cos_t = max(-1.0, min(1.0, u1[0] * u2[0] + u1[1] * u2[1]))
        theta = math.acos(cos_t)
        if theta < 1e-3 or theta > math.pi - 1e-3:
            out.append((px, py))
            continue
        # Clamp so neighbouring fillets never overlap on short edges.
        t = min(r / math.tan(theta / 2), 0.5 * min(la, lb))
        r_eff = t * math.tan(theta / 2)
        bis = (u1[0] + u2[0], u1[1] + u2[1])
        lbis = math.hypot(*bis)
        d = r_eff / math.sin(theta / 2)
        cx, cy = px + bis[0] / lbis * d, py + bis[1] / lbis * d
        a0 = math.atan2(py + u1[1] * t - cy, px + u1[0] * t - cx)
        a1 = math.atan2(py + u2[1] * t - cy, px + u2[0] * t - cx)
        delta = (a1 - a0 + math.pi) % (2 * math.pi) - math.pi
        steps = max(3, int(abs(math.degrees(delta)) / 5))
        for k in range(steps + 1):
            a = a0 + delta * k / steps
            out.append((cx + r_eff * math.cos(a), cy + r_eff * math.sin(a)))
    return out


def _rrect(x0: float, y0: float, x1: float, y1: float, r: float | Sequence[float]) -> list[Point]:
    return _rounded_poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], r)


def _inset(points: Sequence[Point], d: float) -> list[Point]:
    """Offset a convex polygon inwards by ``d`` (used for stitch lines that follow an edge)."""
    n = len(points)
    area = sum(
        points[i][0] * points[(i + 1) % n][1] - points[(i + 1) % n][0] * points[i][1]
        for i in range(n)
    )
    sign = 1.0 if area > 0 else -1.0
    lines: list[tuple[Point, Point]] = []
    for i in range(n):
        (x0, y0), (x1, y1) = points[i], points[(i + 1) % n]
        length = math.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length * sign, (x1 - x0) / length * sign
        lines.append(((x0 + nx * d, y0 + ny * d), (x1 + nx * d, y1 + ny * d)))
    out: list[Point] = []
    for i in range(n):
        (p1, p2), (p3, p4) = lines[i - 1], lines[i]
        den = (p1[0] - p2[0]) * (p3[1] - p4[1]) - (p1[1] - p2[1]) * (p3[0] - p4[0])
        if abs(den) < 1e-9:
            out.append(p3)
            continue
        a = p1[0] * p2[1] - p1[1] * p2[0]
        b = p3[0] * p4[1] - p3[1] * p4[0]
        out.append(
            (
                (a * (p3[0] - p4[0]) - (p1[0] - p2[0]) * b) / den,
                (a * (p3[1] - p4[1]) - (p1[1] - p2[1]) * b) / den,
            )
        )
    return out


def _polar(cx: float, cy: float, r: float, deg_from_12: float) -> Point:
    """Point on a dial: angle measured clockwise from 12 o'clock."""
    a = math.radians(deg_from_12)
    return (cx + r * math.sin(a), cy - r * math.cos(a))


def _bar(p0: Point, p1: Point, width: float) -> list[Point]:
    """Rectangle of ``width`` whose centre line runs from p0 to p1."""
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length * width / 2, dx / length * width / 2
    return [(p0[0] + nx, p0[1] + ny), (p1[0] + nx, p1[1] + ny), (p1[0] - nx, p1[1] - ny),
            (p0[0] - nx, p0[1] - ny)]  # fmt: skip


def _mirror_x(points: Sequence[Point], axis: float = _DESIGN_W / 2) -> list[Point]:
    return [(2 * axis - x, y) for x, y in reversed(points)]


def _ramp(t: np.ndarray, stops: Stops) -> np.ndarray:
    pos = [s[0] for s in stops]
    return np.stack([np.interp(t, pos, [s[1][ch] for s in stops]) for ch in range(3)], axis=-1)


def _linear(p0: Point, p1: Point, stops: Stops) -> Shader:
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    norm = dx * dx + dy * dy

    def shade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return _ramp(((x - p0[0]) * dx + (y - p0[1]) * dy) / norm, stops)

    return shade


def _radial(centre: Point, radius: float, stops: Stops) -> Shader:
    def shade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return _ramp(np.hypot(x - centre[0], y - centre[1]) / radius, stops)

    return shade


# --------------------------------------------------------------------------------------------
# Canvas: a supersampled drawing surface addressed in design-space coordinates
# --------------------------------------------------------------------------------------------


def _background(w: int, h: int) -> Image.Image:
    """Ivory ground with a barely-there vignette, computed small and upscaled (it is smooth)."""
    sw, sh = max(2, w // 16), max(2, h // 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    d2 = ((xx / (sw - 1)) * 2 - 1) ** 2 + ((yy / (sh - 1)) * 2 - 1) ** 2
    t = np.clip(d2 / 2.0, 0, 1) ** 1.5
    rgb = np.array(IVORY, np.float32) + t[..., None] * (
        np.array(IVORY_EDGE, np.float32) - np.array(IVORY, np.float32)
    )
    small = Image.fromarray(np.round(rgb).astype(np.uint8))
    return small.resize((w, h), Image.Resampling.BILINEAR)


class _Canvas:
    def __init__(self, size: tuple[int, int]) -> None:
        width, height = size
        self.size = size
        # Quarter steps let mid-sized images keep ~2.5x instead of dropping straight to 2x.
        ideal = math.sqrt(_MAX_SUPERSAMPLED_PIXELS / (width * height))
        self.ss = max(1.0, min(3.0, math.floor(ideal * 4) / 4))
        self.w, self.h = round(width * self.ss), round(height * self.ss)
        self.k = min(width / _DESIGN_W, height / _DESIGN_H) * self.ss
        self.ox = (self.w - _DESIGN_W * self.k) / 2
        self.oy = (self.h - _DESIGN_H * self.k) / 2
        self.bg = _background(self.w, self.h)
        self.img = self.bg.copy()
        self.draw = ImageDraw.Draw(self.img)

    # -- coordinate mapping ------------------------------------------------------------------
    def pt(self, p: Point) -> tuple[float, float]:
        return (self.ox + p[0] * self.k, self.oy + p[1] * self.k)

    def pts(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [self.pt(p) for p in points]

    def px(self, length: float) -> int:
        return max(1, round(length * self.k))

    # -- masks ---------------------------------------------------------------------------------
    def mask(self, points: Sequence[Point], holes: Sequence[Sequence[Point]] = ()) -> Image.Image:
        m = Image.new("L", (self.w, self.h), 0)
        d = ImageDraw.Draw(m)
        d.polygon(self.pts(points), fill=255)
        for hole in holes:
            d.polygon(self.pts(hole), fill=0)
        return m

    def as_mask(self, shape: Shape) -> Image.Image:
        return shape if isinstance(shape, Image.Image) else self.mask(shape)

    def shifted(self, mask: Image.Image, dx: float, dy: float) -> Image.Image:
        return ImageChops.offset(mask, round(dx * self.k), round(dy * self.k))

    def text_mask(
        self,
        text: str,
        centre: Point,
        size: float,
        kind: FontKind = "sans",
        tracking: float = 0.0,
    ) -> Image.Image:
        """Letter-spaced single line, optically centred on the cap height."""
        m = Image.new("L", (self.w, self.h), 0)
        d = ImageDraw.Draw(m)
        font = _font(kind, self.px(size))
        track = tracking * self.k
        advances = [font.getlength(ch) for ch in text]
        total = sum(advances) + track * (len(text) - 1)
        _, top, _, bottom = font.getbbox("H")
        cx, cy = self.pt(centre)
        x, y = cx - total / 2, cy - (top + bottom) / 2
        for ch, adv in zip(text, advances, strict=True):
            d.text((x, y), ch, fill=255, font=font)
            x += adv + track
        return m

    def arc_text_mask(
        self,
        text: str,
        centre: Point,
        radius: float,
        size: float,
        *,
        bottom: bool,
        kind: FontKind = "sans",
        tracking: float = 0.0,
    ) -> Image.Image:
        """Text set along a circle: over the top reading clockwise, or along the bottom upright."""
        m = Image.new("L", (self.w, self.h), 0)
        font = _font(kind, self.px(size))
        track = tracking * self.k
        r_px = radius * self.k
        advances = [font.getlength(ch) for ch in text]
        total = sum(advances) + track * (len(text) - 1)
        _, top, _, bot = font.getbbox("H")
        cap = bot - top
        cx, cy = self.pt(centre)
        mid = math.pi / 2 if bottom else -math.pi / 2
        direction = -1.0 if bottom else 1.0
        run = 0.0
        for ch, adv in zip(text, advances, strict=True):
            theta = mid + direction * ((run + adv / 2) - total / 2) / r_px
            run += adv + track
            if ch == " ":
                continue
            tile_w, tile_h = int(adv + cap) + 4, int(cap * 3) + 4
            glyph = Image.new("L", (tile_w, tile_h), 0)
            ImageDraw.Draw(glyph).text(
                ((tile_w - adv) / 2, tile_h / 2 - (top + bot) / 2), ch, fill=255, font=font
            )
            deg = math.degrees(theta)
            rot = -(deg - 90) if bottom else -(deg + 90)
            glyph = glyph.rotate(rot, resample=Image.Resampling.BICUBIC, expand=True)
            gx = cx + r_px * math.cos(theta) - glyph.width / 2
            gy = cy + r_px * math.sin(theta) - glyph.height / 2
            m.paste(255, (round(gx), round(gy), round(gx) + glyph.width, round(gy) + glyph.height),
                    glyph)  # fmt: skip
        return m

    # -- painting --------------------------------------------------------------------------------
    def paint(
        self,
        shape: Shape,
        shader: Shader,
        target: Image.Image | None = None,
        step: int = 4,
    ) -> None:
        """Fill a shape with a per-pixel colour function evaluated only inside its bbox.

        Smooth shaders are sampled every ``step`` supersampled pixels and bilinearly upscaled:
        gradients lose nothing and the numpy work drops ~16x, which keeps renders well under
        the time budget.  Fine textures pass ``step=1``.
        """
        mask = self.as_mask(shape)
        bbox = mask.getbbox()
        if bbox is None:
            return
        x0, y0, x1, y1 = bbox
        bw, bh = x1 - x0, y1 - y0
        cw, ch = max(1, math.ceil(bw / step)), max(1, math.ceil(bh / step))
        xs = (x0 + (np.arange(cw, dtype=np.float32) + 0.5) * (bw / cw) - self.ox) / self.k
        ys = (y0 + (np.arange(ch, dtype=np.float32) + 0.5) * (bh / ch) - self.oy) / self.k
        gx, gy = np.meshgrid(xs, ys)
        tile = Image.fromarray(np.clip(shader(gx, gy), 0, 255).astype(np.uint8))
        if (cw, ch) != (bw, bh):
            tile = tile.resize((bw, bh), Image.Resampling.BILINEAR)
        (target or self.img).paste(tile, (x0, y0), mask.crop(bbox))

    def solid(self, shape: Shape, colour: RGB, opacity: float = 1.0) -> None:
        mask = self.as_mask(shape)
        bbox = mask.getbbox()
        if bbox is None:
            return
        region = mask.crop(bbox)
        if opacity < 1.0:
            region = region.point(lambda v: round(v * opacity))
        self.img.paste(colour, bbox, region)

    def fill(self, points: Sequence[Point], colour: RGB) -> None:
        self.draw.polygon(self.pts(points), fill=colour)

    def stroke(
        self,
        points: Sequence[Point],
        colour: RGB = ESPRESSO,
        width: float = 2.2,
        closed: bool = True,
    ) -> None:
        seq = list(points) + (list(points[:2]) if closed else [])
        self.draw.line(self.pts(seq), fill=colour, width=self.px(width), joint="curve")

    def shape(
        self,
        points: Sequence[Point],
        shader: Shader,
        outline: RGB | None = ESPRESSO,
        width: float = 2.2,
    ) -> None:
        self.paint(points, shader)
        if outline is not None:
            self.stroke(points, outline, width)

    def dashes(
        self,
        points: Sequence[Point],
        colour: RGB,
        width: float = 1.4,
        dash: float = 7.0,
        gap: float = 5.0,
        closed: bool = True,
    ) -> None:
        """Stitch-like dashed line following a path, with dashes that turn corners cleanly."""
        seq = list(points) + ([points[0]] if closed else [])
        period, pos = dash + gap, 0.0
        current: list[Point] = []
        for (x0, y0), (x1, y1) in zip(seq, seq[1:], strict=False):
            seg = math.hypot(x1 - x0, y1 - y0)
            walked = 0.0
            while walked < seg:
                phase = pos % period
                limit = (dash - phase) if phase < dash else (period - phase)
                step = min(limit, seg - walked)
                t0, t1 = walked / seg, (walked + step) / seg
                if phase < dash:
                    if not current:
                        current.append((x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0))
                    current.append((x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1))
                    if phase + step >= dash - 1e-9:
                        self.draw.line(self.pts(current), fill=colour, width=self.px(width),
                                       joint="curve")  # fmt: skip
                        current = []
                walked += step
                pos += step
        if len(current) > 1:
            self.draw.line(self.pts(current), fill=colour, width=self.px(width))

    def shadow(
        self,
        shape: Shape,
        offset: Point = (0.0, 6.0),
        blur: float = 8.0,
        opacity: float = 0.25,
        target: Image.Image | None = None,
    ) -> None:
        """Soft drop shadow; blurred only within the shape's padded bbox to stay fast."""
        mask = self.as_mask(shape)
        bbox = mask.getbbox()
        if bbox is None:
            return
        pad = int(blur * self.k * 2.5) + 2
        dx, dy = round(offset[0] * self.k), round(offset[1] * self.k)
        x0, y0 = max(0, bbox[0] + dx - pad), max(0, bbox[1] + dy - pad)
        x1, y1 = min(self.w, bbox[2] + dx + pad), min(self.h, bbox[3] + dy + pad)
        if x0 >= x1 or y0 >= y1:
            return
        region = Image.new("L", (x1 - x0, y1 - y0), 0)
        region.paste(mask.crop(bbox), (bbox[0] + dx - x0, bbox[1] + dy - y0))
        # Blur a reduced copy: shadows are soft anyway, and large ones dominate the cost.
        f = max(1, min(4, int(blur * self.k / 6)))
        small = region.resize((max(1, region.width // f), max(1, region.height // f)))
        small = small.filter(ImageFilter.GaussianBlur(blur * self.k / f))
        region = small.resize(region.size, Image.Resampling.BILINEAR)
        region = region.point(lambda v: round(v * opacity))
        (target or self.img).paste(SHADOW, (x0, y0, x1, y1), region)

    def grain(
        self,
        shape: Shape,
        amount: float,
        cell: tuple[float, float] = (3.0, 3.0),
        seed: int = 7,
        octave: float = 0.0,
    ) -> None:
        """Add smooth value noise (leather pebble, brushed metal) inside a shape.

        ``octave`` mixes in a 3x coarser layer of that relative strength, for leather's
        irregular pebbling.  The noise is biased around 128 and applied with one saturating
        add, so the per-pixel work stays in C.
        """
        mask = self.as_mask(shape)
        bbox = mask.getbbox()
        if bbox is None:
            return
        bw, bh = bbox[2] - bbox[0], bbox[3] - bbox[1]
        gw = max(2, int(bw / max(1.0, cell[0] * self.k)) + 2)
        gh = max(2, int(bh / max(1.0, cell[1] * self.k)) + 2)
        rng = np.random.default_rng(seed)
        noise = rng.standard_normal((gh, gw))
        if octave:
            coarse = rng.standard_normal((gh // 3 + 2, gw // 3 + 2)).astype(np.float32)
            noise += octave * np.asarray(
                Image.fromarray(coarse).resize((gw, gh), Image.Resampling.BICUBIC)
            )
        biased = Image.fromarray(np.clip(128 + noise * amount, 0, 255).astype(np.uint8))
        biased = biased.resize((bw, bh), Image.Resampling.BICUBIC)
        # Outside the shape the layer is exactly 128, i.e. no change after the offset.
        layer = Image.composite(biased, Image.new("L", (bw, bh), 128), mask.crop(bbox))
        region = ImageChops.add(self.img.crop(bbox), Image.merge("RGB", (layer,) * 3), 1.0, -128)
        self.img.paste(region, bbox[:2])

    def fade_to_background(self, box: tuple[float, float, float, float], y_bg: float,
                           y_solid: float) -> None:  # fmt: skip
        """Dissolve a region back into the ivory ground (used for straps cut by the frame)."""
        x0, y0 = self.pt((box[0], box[1]))
        x1, y1 = self.pt((box[2], box[3]))
        bbox = (
            max(0, int(x0)),
            max(0, int(y0)),
            min(self.w, int(x1) + 1),
            min(self.h, int(y1) + 1),
        )
        if bbox[0] >= bbox[2] or bbox[1] >= bbox[3]:
            return
        ys = (np.arange(bbox[1], bbox[3], dtype=np.float32)[:, None] + 0.5 - self.oy) / self.k
        ys = np.broadcast_to(ys, (bbox[3] - bbox[1], bbox[2] - bbox[0]))
        alpha = np.clip((ys - y_solid) / (y_bg - y_solid), 0, 1) ** 1.3
        mask = Image.fromarray(np.round(alpha * 255).astype(np.uint8))
        self.img.paste(self.bg.crop(bbox), bbox[:2], mask)

    def relief(
        self,
        mask: Image.Image,
        colours: tuple[RGB, RGB, RGB],
        depth: float = 1.2,
        raised: bool = False,
    ) -> None:
        """Blind emboss / engraving lit from the top-left.

        Sunken marks get a light lip below-right and a dark inner rim top-left; raised marks the
        reverse.  Two offset copies of the mask are enough to read as depth at this size.
        """
        face, light, dark = colours
        if raised:
            self.solid(self.shifted(mask, depth, depth), dark, 0.55)
            self.solid(mask, face)
            self.solid(ImageChops.subtract(mask, self.shifted(mask, -depth, -depth)), light, 0.8)
        else:
            self.solid(self.shifted(mask, depth * 0.8, depth * 0.8), light, 0.9)
            self.solid(mask, face)
            self.solid(ImageChops.subtract(mask, self.shifted(mask, depth, depth)), dark, 0.75)

    def corners(
        self, x0: float, y0: float, x1: float, y1: float, arm: float = 30.0, width: float = 2.6
    ) -> None:
        """Gold viewfinder brackets: 'fill the frame with this area'."""
        for cx, cy, sx, sy in ((x0, y0, 1, 1), (x1, y0, -1, 1), (x1, y1, -1, -1), (x0, y1, 1, -1)):
            self.stroke([(cx, cy + sy * arm), (cx, cy), (cx + sx * arm, cy)], GOLD, width,
                        closed=False)  # fmt: skip

    # -- framing and output ----------------------------------------------------------------------
    def viewport(self, backdrop: Shader, step: int = 4) -> Image.Image:
        """Start a close-up: paint the full canvas with ``backdrop``; returns the saved ground."""
        ground = self.img.copy()
        # Only the card is ever shown, so only its bounding box needs painting.
        self.paint(_rrect(*_VIEWPORT, 0), backdrop, step=step)
        return ground

    def close_viewport(self, ground: Image.Image) -> None:
        """Clip the close-up to a rounded card with a soft shadow on the ivory ground."""
        card = _rrect(*_VIEWPORT, 18)
        mask = self.mask(card)
        self.shadow(mask, (0, 5), 10, 0.18, target=ground)
        self.img = Image.composite(self.img, ground, mask)
        self.draw = ImageDraw.Draw(self.img)
        self.stroke(card, (206, 193, 172), 1.2)

    def finish(self, caption: str) -> Image.Image:
        self._caption(caption)
        return self.img.resize(self.size, Image.Resampling.LANCZOS)

    def _caption(self, text: str) -> None:
        """Small pill in the bottom-left corner of the *image* (not the design box)."""
        # Thumbnails would shrink the label below legibility, so it stops scaling at ~60%.
        k = max(self.k, 0.62 * self.ss)
        font = _font("sans", max(1, round(14.5 * k)))
        text_w = font.getlength(text)
        x0, y1 = 20 * k, self.h - 16 * k
        height = 30 * k
        y0 = y1 - height
        x1 = x0 + 28 * k + text_w + 14 * k
        self.draw.rounded_rectangle(
            (x0, y0, x1, y1), radius=height / 2, fill=(240, 233, 220),
            outline=(222, 209, 187), width=max(1, round(k)),
        )  # fmt: skip
        dot = 3.6 * k
        dcx, dcy = x0 + 17 * k, (y0 + y1) / 2
        self.draw.ellipse((dcx - dot, dcy - dot, dcx + dot, dcy + dot), fill=GOLD)
        _, cap_top, _, cap_bottom = font.getbbox("H")
        self.draw.text(
            (x0 + 28 * k, dcy - (cap_top + cap_bottom) / 2), text, fill=CHARCOAL, font=font
        )


# --------------------------------------------------------------------------------------------
# Handbag scenes
# --------------------------------------------------------------------------------------------

_BAG_BODY: list[Point] = [(205, 182), (595, 182), (672, 508), (128, 508)]


def _bag_common(c: _Canvas) -> list[Point]:
    """Ground shadow, handle, feet and body shared by the front and back views."""
    c.shadow(_ellipse(400, 516, 292, 12), (0, 0), 9, 0.3)
    for fx in (166, 634):
        c.shape(_ellipse(fx, 511, 12, 7), _linear((0, 505), (0, 518), GOLD_METAL), GOLD_DARK, 1.2)

    outer = _ellipse(400, 190, 104, 134, 180, 360)
    inner = _ellipse(400, 190, 80, 110, 180, 360)
    handle = outer + inner[::-1]
    c.shadow(handle, (0, 4), 5, 0.18)
    c.shape(handle, _linear((296, 0), (504, 0), LEATHER))
    c.dashes(_ellipse(400, 190, 92, 122, 186, 354), STITCH_DARK, 1.1, 6, 4, closed=False)

    body = _rounded_poly(_BAG_BODY, [16, 16, 24, 24])
    # A faint vertical shade sells the structured, slightly domed front panel.
    c.paint(body, _vertical_shade(182, 508, 0.06))
    c.grain(body, 2.2, (2.6, 2.6), seed=11)
    c.stroke(body, ESPRESSO, 2.4)
    c.dashes(_rounded_poly(_inset(_BAG_BODY, 11), [8, 8, 15, 15]), STITCH_DARK, 1.2)
    return body


def _vertical_shade(y0: float, y1: float, strength: float) -> Shader:
    """Multiplicative darkening towards the bottom, expressed as a shader over existing tones."""

    def shade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        t = np.clip((y - y0) / (y1 - y0), 0, 1)
        base = _linear((128, 0), (672, 0), LEATHER)(x, y)
        return base * (1.0 - strength * t**2)[..., None]

    return shade


def _handle_tabs(c: _Canvas) -> None:
    for tx in (310, 490):
        tab = _rrect(tx - 15, 168, tx + 15, 214, 7)
        c.shadow(tab, (0, 2), 2.5, 0.2)
        c.shape(tab, _linear((tx - 15, 0), (tx + 15, 0), LEATHER_DEEP), ESPRESSO, 1.8)
        c.shape(_circle(tx, 200, 5.5), _linear((tx - 5, 194), (tx + 5, 206), GOLD_METAL),
                GOLD_DARK, 1.1)  # fmt: skip


def _scene_handbag_front(c: _Canvas) -> None:
    _bag_common(c)
    flap_base: list[Point] = [(203, 178), (597, 178), (636, 346), (164, 346)]
    flap = _rounded_poly(flap_base, [16, 16, 28, 28])
    c.shadow(flap, (0, 7), 8, 0.3)
    c.paint(flap, _linear((164, 170), (636, 350), LEATHER))
    c.grain(flap, 2.0, (2.6, 2.6), seed=12)
    c.stroke(flap, ESPRESSO, 2.4)
    c.dashes(_rounded_poly(_inset(flap_base, 10), [8, 8, 18, 18]), STITCH_DARK, 1.2)
    _handle_tabs(c)

    # Turn-lock clasp straddling the flap edge: the one gold focal point of the front view.
    plate = _rrect(356, 316, 444, 386, 14)
    c.shadow(plate, (0, 4), 4, 0.3)
    c.shape(plate, _linear((356, 316), (444, 386), GOLD_METAL), GOLD_DARK, 1.6)
    c.stroke(_rrect(362, 322, 438, 380, 10), GOLD_LIGHT, 1.0)
    knob = _rrect(388, 330, 412, 372, 10)
    c.shape(knob, _linear((388, 372), (412, 330), GOLD_METAL), GOLD_DARK, 1.4)
    for sx, sy in ((368, 328), (432, 328), (368, 374), (432, 374)):
        c.shape(_circle(sx, sy, 2.6), _linear((sx - 2, sy - 2), (sx + 2, sy + 2), GOLD_METAL),
                GOLD_DARK, 0.8)  # fmt: skip


def _scene_handbag_back(c: _Canvas) -> None:
    _bag_common(c)
    _handle_tabs(c)

    pocket_base: list[Point] = [
        (230, 240), (372, 240), (400, 258), (428, 240), (570, 240), (598, 452), (202, 452),
    ]  # fmt: skip
    pocket = _rounded_poly(pocket_base, [6, 10, 14, 10, 6, 18, 18])
    c.shadow(pocket, (0, 3), 3.5, 0.22)
    c.paint(pocket, _linear((202, 240), (598, 452), LEATHER_DEEP))
    c.grain(pocket, 2.0, (2.6, 2.6), seed=13)
    c.stroke(pocket, ESPRESSO, 2.2)
    # Gold stitches trace the slip pocket: that is what the back photo must show clearly.
    stitch = _rounded_poly(_inset([(230, 240), (570, 240), (598, 452), (202, 452)], 10),
                           [0, 0, 12, 12])  # fmt: skip
    # Open the loop at its top edge: the mouth of the pocket gets its own notched run.
    run = stitch[1:] + stitch[:1]
    top_run: list[Point] = [(240, 251), (372, 251), (400, 269), (428, 251), (560, 251)]
    for path in (run, top_run):
        c.dashes(path, GOLD_STITCH, 2.0, 8, 5, closed=False)


def _leather_card(c: _Canvas, seed: int) -> None:
    """Pebble grain over the full-bleed leather backdrop of a close-up."""
    c.grain(_rrect(*_VIEWPORT, 0), 2.6, (2.4, 2.4), seed=seed, octave=0.6)


def _twill(base: RGB, amp: float = 5.0, period: float = 6.0) -> Shader:
    """Diagonal twill weave for interior linings."""

    def shade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        weave = np.sin((x + y) * (2 * math.pi / period)) + 0.35 * np.sin(
            (x - y) * (2 * math.pi / (period * 0.7))
        )
        light = 1.0 - 0.05 * np.clip(np.hypot(x - 330, y - 230) / 480, 0, 1)
        rgb = np.array(base, np.float32)[None, None, :] * light[..., None]
        return rgb + (amp * weave)[..., None]

    return shade


def _scene_brand_stamp(c: _Canvas) -> None:
    # Raking light from the left across the panel, as a real photo should use.
    raking: Stops = ((0.0, (236, 219, 190)), (0.5, (214, 190, 155)), (1.0, (182, 154, 118)))
    ground = c.viewport(_linear((40, 0), (760, 0), raking))
    _leather_card(c, seed=31)
    # A stitched panel edge near the top gives the close-up a sense of place and scale.
    c.shadow(_rrect(-20, -20, 820, 96, 0), (0, 5), 5, 0.28)
    c.paint(_rrect(-20, -20, 820, 96, 0), _linear((40, 0), (760, 0), LEATHER_DEEP))
    c.stroke([(-20, 96), (820, 96)], ESPRESSO, 2.0, closed=False)
    c.dashes([(-20, 80), (820, 80)], STITCH_DARK, 1.4, 8, 6, closed=False)

    word = c.text_mask("MAISON", (400, 286), 88, "serif", tracking=16)
    c.relief(word, DEBOSS_LEATHER, depth=2.2)
    sub = c.text_mask("PARIS", (400, 366), 22, "serif", tracking=14)
    c.relief(sub, DEBOSS_LEATHER, depth=1.2)
    c.corners(150, 192, 650, 410)
    c.close_viewport(ground)


def _scene_stitching(c: _Canvas) -> None:
    ground = c.viewport(_linear((40, 0), (760, 0), LEATHER_DEEP))
    _leather_card(c, seed=41)
    edge_y = 318
    upper = _rrect(-20, -20, 820, edge_y, 0)
    c.shadow(upper, (0, 7), 6, 0.35)
    c.paint(upper, _linear((40, 60), (760, 300), LEATHER))
    c.grain(upper, 2.4, (2.4, 2.4), seed=42)
    # Painted edge of the top panel: a thin dark band with a highlight along its top.
    c.fill(_rrect(-20, edge_y - 9, 820, edge_y, 0), (96, 64, 44))
    c.stroke([(-20, edge_y - 9), (820, edge_y - 9)], (150, 112, 82), 1.2, closed=False)
    c.stroke([(-20, edge_y), (820, edge_y)], ESPRESSO, 1.6, closed=False)
    # Decorative crease above the stitch line.
    c.stroke([(-20, 190), (820, 190)], (186, 158, 122), 1.6, closed=False)
    c.stroke([(-20, 192), (820, 192)], (240, 226, 204), 1.0, closed=False)

    row_y, pitch, length, angle = 258.0, 40.0, 30.0, math.radians(-32)
    ux, uy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
    for i in range(-1, 21):
        x = 20 + i * pitch
        a, b = (x - ux, row_y - uy), (x + ux, row_y + uy)
        for hx, hy in (a, b):
            c.fill(_ellipse(hx, hy, 3.2, 3.2), (104, 78, 54))
        thread = _rounded_poly(_bar(a, b, 8.5), 4.2)
        c.shape(thread, _linear((x, row_y - 6), (x, row_y + 6), GOLD_METAL), GOLD_DARK, 1.1)
        c.stroke([(a[0] + 2.5, a[1] - 2.4), (b[0] - 1.5, b[1] - 0.4)], GOLD_LIGHT, 1.0, False)

    # Pitch ticks over three stitches: the buyer should capture an even, straight run.
    y = 214
    c.stroke([(300, y), (420, y)], CHARCOAL, 1.1, closed=False)
    for k in range(4):
        x = 300 + k * pitch
        c.stroke([(x, y - 7), (x, y + 7)], CHARCOAL, 1.1, closed=False)
    c.close_viewport(ground)


def _scene_hardware_engraving(c: _Canvas) -> None:
    ground = c.viewport(_linear((40, 0), (760, 0), LEATHER))
    _leather_card(c, seed=51)
    # Zip tape and teeth running down the left of the close-up.
    tape = _rrect(134, -20, 206, 620, 0)
    c.paint(tape, _linear((134, 0), (206, 0), STRAP))
    c.grain(tape, 3.0, (1.0, 6.0), seed=52)
    for i in range(40):
        y = -10 + i * 16
        side = -1 if i % 2 else 1
        tooth = _rrect(170 + side * 14 - 8, y, 170 + side * 14 + 8, y + 10, 3)
        c.shape(tooth, _linear((0, y), (0, y + 10), GOLD_METAL), GOLD_DARK, 0.8)

    slider: list[Point] = _rounded_poly([(140, 252), (200, 252), (196, 348), (144, 348)], 12)
    c.shadow(slider, (3, 5), 5, 0.35)
    c.shape(slider, _linear((140, 252), (200, 348), GOLD_METAL), GOLD_DARK, 1.6)

    ring = _ellipse(226, 300, 36, 16)
    c.stroke(ring, GOLD_DARK, 7.0)
    c.stroke(ring, (214, 184, 126), 4.0)

    tab_base: list[Point] = [(238, 262), (688, 234), (688, 366), (238, 338)]
    tab = _rounded_poly(tab_base, [20, 42, 42, 20])
    c.shadow(tab, (4, 8), 8, 0.35)
    c.shape(tab, _linear((0, 234), (0, 366), GOLD_METAL), GOLD_DARK, 1.8)
    c.stroke(_rounded_poly(_inset(tab_base, 7), [14, 36, 36, 14]), GOLD_LIGHT, 1.2)
    hole = _rrect(254, 286, 290, 314, 12)
    c.paint(hole, _linear((0, 286), (0, 314), LEATHER_DEEP))
    c.stroke(hole, GOLD_DARK, 1.4)
    # The link ring passes through the tab's hole: redraw just the part seen inside it.
    through = _ellipse(226, 300, 36, 16, -36, 36)
    c.stroke(through, GOLD_DARK, 7.0, closed=False)
    c.stroke(through, (214, 184, 126), 4.0, closed=False)

    word = c.text_mask("MAISON", (486, 292), 46, "serif", tracking=11)
    c.relief(word, ENGRAVE_GOLD, depth=1.1)
    sub = c.text_mask("PARIS", (486, 336), 14, "sans", tracking=8)
    c.relief(sub, ENGRAVE_GOLD, depth=0.7)
    c.corners(212, 196, 720, 404)
    c.close_viewport(ground)


def _scene_date_code(c: _Canvas) -> None:
    ground = c.viewport(_twill((218, 206, 184)), step=2)
    tab = _rrect(220, 100, 580, 432, [0, 0, 30, 30])
    c.shadow(tab, (3, 7), 7, 0.32)
    c.paint(tab, _linear((220, 120), (580, 430), LEATHER))
    c.grain(tab, 2.2, (2.2, 2.2), seed=61)
    c.stroke(tab, ESPRESSO, 2.2)
    c.dashes([(236, 406), (236, 160)], STITCH_DARK, 1.3, 7, 5, closed=False)
    c.dashes([(564, 160), (564, 406)], STITCH_DARK, 1.3, 7, 5, closed=False)
    # The binding along the top seam the tab is sewn into.
    band = _rrect(-20, 76, 820, 140, 0)
    c.shadow(band, (0, 5), 5, 0.3)
    c.paint(band, _linear((0, 76), (0, 140), LEATHER_DEEP))
    c.grain(band, 2.0, (2.2, 2.2), seed=62)
    c.stroke([(-20, 140), (820, 140)], ESPRESSO, 2.0, closed=False)
    c.stroke([(-20, 76), (820, 76)], ESPRESSO, 2.0, closed=False)
    c.dashes([(-20, 124), (820, 124)], STITCH_DARK, 1.3, 7, 5, closed=False)

    code = c.text_mask("AR 1234", (400, 292), 50, "serif", tracking=7)
    c.relief(code, DEBOSS_LEATHER, depth=1.6)
    c.corners(246, 232, 554, 352)
    c.close_viewport(ground)


def _scene_interior_label(c: _Canvas) -> None:
    ground = c.viewport(_twill((212, 200, 178)), step=2)
    label_box = (184, 116, 616, 428)
    label = _rrect(*label_box, 12)
    c.shadow(label, (3, 7), 7, 0.35)
    c.paint(label, _linear((184, 116), (616, 428), CARAMEL))
    c.grain(label, 2.6, (2.2, 2.2), seed=71)
    c.stroke(label, ESPRESSO, 2.0)
    c.dashes(_rrect(198, 130, 602, 414, 6), CREAM_THREAD, 1.4, 8, 5)

    # Gold-foil heat stamp: a gold face with a dark lip so it reads as pressed in.
    foil = _linear((0, 190), (0, 350), GOLD_METAL)
    for mask in (
        c.text_mask("MAISON", (400, 236), 56, "serif", tracking=14),
        c.text_mask("FAIT MAIN \u00b7 EN FRANCE", (400, 334), 15, "sans", tracking=4.5),
        c.mask(_rrect(346, 286, 454, 288.6, 0)),
    ):
        c.solid(c.shifted(mask, 0.9, 0.9), (96, 64, 38), 0.8)
        c.paint(mask, foil)
    c.corners(152, 86, 648, 460)
    c.close_viewport(ground)


# --------------------------------------------------------------------------------------------
# Watch scenes
# --------------------------------------------------------------------------------------------


def _sunburst(cx: float, cy: float, radius: float) -> Shader:
    """Espresso sunburst dial: brightness follows the angle, darkening towards the rim."""

    def shade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        theta = np.arctan2(y - cy, x - cx)
        v = 0.5 + 0.5 * np.cos(2 * (theta + 0.75))
        r = np.clip(np.hypot(x - cx, y - cy) / radius, 0, 1)
        dark, light = np.array([38, 33, 30], np.float32), np.array([84, 72, 63], np.float32)
        rgb = dark + v[..., None] * (light - dark)
        return rgb * (1 - 0.22 * r**4)[..., None]

    return shade


def _circular_graining(cx: float, cy: float, stops: Stops) -> Shader:
    """Caseback finish: a diagonal sheen plus fine concentric rings."""

    def shade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        base = _linear((cx - 200, cy - 200), (cx + 200, cy + 200), stops)(x, y)
        r = np.hypot(x - cx, y - cy)
        return base + (2.5 * np.sin(r * 2 * math.pi / 4.0))[..., None]

    return shade


def _dial(c: _Canvas, cx: float, cy: float, r: float, hands: bool) -> None:
    c.paint(_circle(cx, cy, r), _sunburst(cx, cy, r))
    for i in range(60):
        major = i % 5 == 0
        p0, p1 = _polar(cx, cy, r - 16 if major else r - 12, i * 6), _polar(cx, cy, r - 5, i * 6)
        c.stroke([p0, p1], (204, 190, 166), 1.8 if major else 1.0, closed=False)
    for h in range(12):
        angle = h * 30
        offsets = (-6.5, 6.5) if h == 0 else (0.0,)
        for off in offsets:
            base = _polar(cx, cy, r - 62, angle)
            tip = _polar(cx, cy, r - 22, angle)
            nx, ny = math.cos(math.radians(angle)) * off, math.sin(math.radians(angle)) * off
            baton = _bar((base[0] + nx, base[1] + ny), (tip[0] + nx, tip[1] + ny), 8.5)
            c.shadow(baton, (1.5, 2), 1.5, 0.5)
            c.shape(baton, _linear(baton[0], baton[2], GOLD_METAL), GOLD_DARK, 0.8)
    if not hands:
        return
    c.solid(c.text_mask("MAISON", (cx, cy - r * 0.44), r * 0.12, "serif", 5.0), (236, 224, 200))
    c.solid(c.text_mask("AUTOMATIQUE", (cx, cy - r * 0.32), r * 0.05, "sans", 2.6),
            (186, 170, 146))  # fmt: skip

    def dauphine(angle: float, length: float, width: float) -> None:
        tip, tail = _polar(cx, cy, length, angle), _polar(cx, cy, -0.14 * length, angle)
        mid = _polar(cx, cy, 0.2 * length, angle)
        nx = math.cos(math.radians(angle)) * width / 2
        ny = math.sin(math.radians(angle)) * width / 2
        left, right = (mid[0] - nx, mid[1] - ny), (mid[0] + nx, mid[1] + ny)
        outline = [tail, left, tip, right]
        c.shadow(outline, (3.5, 5), 3, 0.45)
        # Two facets, one catching light, one in shade: the classic dauphine look.
        c.fill([tail, left, tip], (232, 208, 150))
        c.fill([tail, tip, right], (164, 128, 72))
        c.stroke(outline, GOLD_DARK, 0.9)

    dauphine(305, r * 0.56, r * 0.095)  # 10 o'clock + 10 minutes
    dauphine(60, r * 0.86, r * 0.078)
    sec_tip, sec_tail = _polar(cx, cy, r * 0.9, 210), _polar(cx, cy, -r * 0.2, 210)
    c.stroke([sec_tail, sec_tip], (228, 214, 188), 1.4, closed=False)
    c.fill(_circle(*_polar(cx, cy, -r * 0.15, 210), 4.5), (228, 214, 188))
    c.shape(_circle(cx, cy, 7.5), _linear((cx - 6, cy - 6), (cx + 6, cy + 6), GOLD_METAL),
            GOLD_DARK, 0.9)  # fmt: skip
    c.fill(_circle(cx, cy, 2.2), (70, 52, 30))
    # Crystal glare: a pale crescent, very low opacity, so the dial reads as under glass.
    glare = c.mask(_circle(cx, cy, r), holes=[_circle(cx + r * 0.18, cy + r * 0.26, r * 1.02)])
    c.solid(glare, (255, 255, 255), 0.09)


def _watch_head(c: _Canvas, *, back: bool) -> tuple[float, float, float]:
    """Strap stubs, lugs, case and crown of a watch seen straight on; returns the case circle."""
    cx, cy, rc = 400.0, 300.0, 208.0
    for top in (True, False):
        y0, y1 = (-20.0, 140.0) if top else (460.0, 620.0)
        strap = _rrect(336, y0, 464, y1, 0)
        c.paint(strap, _linear((336, 0), (464, 0), STRAP))
        c.grain(strap, 2.0, (2.0, 2.0), seed=81 if top else 82)
        c.stroke([(336, y0), (336, y1)], ESPRESSO, 1.6, closed=False)
        c.stroke([(464, y0), (464, y1)], ESPRESSO, 1.6, closed=False)
        for sx in (348, 452):
            c.dashes([(sx, y0), (sx, y1)], CREAM_THREAD, 1.2, 6, 4, closed=False)
        # Straps dissolve into the ground: the image is about the head, not the bracelet.
        if top:
            c.fade_to_background((320, -40, 480, 90), 10, 84)
        else:
            c.fade_to_background((320, 510, 480, 640), 590, 516)

    lug_left: list[Point] = [(296, 150), (299, 66), (306, 50), (330, 48), (338, 64), (344, 150)]
    for lug in (lug_left, _mirror_x(lug_left)):
        for flip in (False, True):
            pts = [(x, 2 * cy - y) for x, y in lug] if flip else lug
            shaped = _rounded_poly(pts, 5)
            c.shadow(shaped, (2, 4), 4, 0.25)
            x0 = min(x for x, _ in pts)
            c.shape(shaped, _linear((x0, 0), (x0 + 48, 0), STEEL), CHARCOAL, 1.6)

    crown_x = cx - rc - 30 if back else cx + rc - 2
    crown = _rrect(crown_x, cy - 26, crown_x + 32, cy + 26, 7)
    c.shadow(crown, (2, 4), 3, 0.3)
    c.shape(crown, _linear((0, cy - 26), (0, cy + 26), STEEL), CHARCOAL, 1.6)
    for k in range(1, 8):
        y = cy - 26 + k * 52 / 8
        c.stroke([(crown_x + 4, y), (crown_x + 28, y)], (132, 126, 118), 1.0, closed=False)

    case = _circle(cx, cy, rc)
    c.shadow(case, (4, 9), 12, 0.3)
    c.shape(case, _linear((cx - rc, cy - rc), (cx + rc, cy + rc), STEEL), CHARCOAL, 2.0)
    return cx, cy, rc


def _scene_dial(c: _Canvas) -> None:
    cx, cy, rc = _watch_head(c, back=False)
    bezel = _circle(cx, cy, rc - 14)
    c.shape(bezel, _linear((cx + rc, cy + rc), (cx - rc, cy - rc), STEEL), (120, 114, 106), 1.2)
    c.stroke(_circle(cx, cy, rc - 26), CHARCOAL, 1.6)
    _dial(c, cx, cy, rc - 27, hands=True)


def _scene_caseback(c: _Canvas) -> None:
    cx, cy, rc = _watch_head(c, back=True)
    rb = rc - 16
    back = _circle(cx, cy, rb)
    c.shape(back, _circular_graining(cx, cy, STEEL_SATIN), (120, 114, 106), 1.4)
    # Screw-down grip notches around the rim.
    for i in range(6):
        angle = 30 + i * 60
        notch = _rounded_poly(_bar(_polar(cx, cy, rb - 16, angle), _polar(cx, cy, rb + 1, angle),
                                   15), 3)  # fmt: skip
        c.shape(notch, _linear(notch[0], notch[len(notch) // 2], STEEL), (96, 90, 84), 1.0)
    ring_out, ring_in = rb - 24, rb - 66
    for rr in (ring_out, ring_in):
        c.stroke(_circle(cx, cy, rr), GOLD, 1.6)
    text_r = (ring_out + ring_in) / 2
    top = c.arc_text_mask("MAISON \u00b7 ACIER INOXYDABLE", (cx, cy), text_r, 15,
                          bottom=False, tracking=2.4)  # fmt: skip
    bot = c.arc_text_mask("\u00c9TANCHE 100 M \u00b7 SAPHIR", (cx, cy), text_r, 15,
                          bottom=True, tracking=2.4)  # fmt: skip
    c.relief(ImageChops.lighter(top, bot), ENGRAVE_STEEL, depth=0.8)
    # Domed centre medallion with an engraved rosette.
    medal = _circle(cx, cy, ring_in - 8)
    c.shape(medal, _radial((cx - 30, cy - 34), ring_in * 1.4,
                           ((0.0, (246, 243, 237)), (1.0, (170, 164, 156)))),
            (120, 114, 106), 1.2)  # fmt: skip
    star: list[Point] = [_polar(cx, cy, 44 if i % 2 == 0 else 13, i * 22.5) for i in range(16)]
    c.relief(c.mask(star, holes=[_circle(cx, cy, 7)]), ENGRAVE_STEEL, depth=0.9)


def _studio(c: _Canvas) -> Image.Image:
    return c.viewport(_radial((520, 240), 520, STUDIO))


def _scene_crown(c: _Canvas) -> None:
    ground = _studio(c)
    ccx, ccy, rc = 30.0, 290.0, 300.0
    case = _circle(ccx, ccy, rc)
    c.shadow(case, (6, 10), 14, 0.3)
    c.shape(case, _linear((ccx - rc, ccy - rc), (ccx + rc, ccy + rc), STEEL), CHARCOAL, 2.0)
    c.shape(_circle(ccx, ccy, rc - 22), _linear((ccx + rc, ccy + rc), (ccx - rc, ccy - rc), STEEL),
            (120, 114, 106), 1.2)  # fmt: skip
    c.stroke(_circle(ccx, ccy, rc - 40), CHARCOAL, 1.6)
    _dial(c, ccx, ccy, rc - 41, hands=False)

    tube = _rrect(322, ccy - 24, 376, ccy + 24, 4)
    c.shape(tube, _linear((0, ccy - 24), (0, ccy + 24), STEEL), CHARCOAL, 1.6)
    top, bot, x0, x1, rx = ccy - 92, ccy + 92, 372.0, 510.0, 62.0
    side = [(x0 + 8, top), (x1, top), (x1, bot), (x0 + 8, bot)]
    side_shape = _rounded_poly(side, [8, 0, 0, 8])
    c.shadow(side_shape + _ellipse(x1, ccy, rx, 92, -90, 90), (8, 12), 10, 0.35)
    cyl = ((0.0, (150, 114, 62)), (0.22, (238, 218, 168)), (0.5, (196, 162, 104)),
           (0.85, (146, 110, 60)), (1.0, (120, 90, 48)))  # fmt: skip
    c.paint(side_shape, _linear((0, top), (0, bot), cyl))
    # Flutes run along the axis; spacing follows cos() so they bunch at the cylinder's edges.
    for i in range(1, 20):
        y = ccy - 92 * math.cos(math.pi * i / 20)
        c.stroke([(x0 + 26, y), (x1, y)], (112, 84, 44), 1.3, closed=False)
        c.stroke([(x0 + 26, y + 2.2), (x1, y + 2.2)], (244, 226, 182), 0.9, closed=False)
    c.stroke([(x0 + 24, top + 2), (x0 + 24, bot - 2)], GOLD_DARK, 1.2, closed=False)
    c.stroke(side_shape, GOLD_DARK, 1.8)
    face = _ellipse(x1, ccy, rx, 92)
    c.shape(face, _radial((x1 - 20, ccy - 34), 130, GOLD_METAL), GOLD_DARK, 1.8)
    c.stroke(_ellipse(x1, ccy, rx - 9, 80), (150, 116, 64), 1.3)
    logo = [
        (x1 + (42 if i % 2 == 0 else 12) * math.sin(math.pi * i / 4) * rx / 92,
         ccy - (42 if i % 2 == 0 else 12) * math.cos(math.pi * i / 4))
        for i in range(8)
    ]  # fmt: skip
    c.relief(c.mask(logo), ((214, 184, 128), (250, 236, 196), (110, 80, 40)), 1.6, raised=True)
    c.corners(316, 172, 604, 408)
    c.close_viewport(ground)


def _scene_clasp(c: _Canvas) -> None:
    ground = _studio(c)
    strap = _rrect(-20, 228, 820, 372, 0)
    c.shadow(strap, (0, 9), 10, 0.32)
    c.paint(strap, _linear((0, 228), (0, 372), STRAP))
    c.grain(strap, 2.2, (2.2, 2.2), seed=91)
    for y in (228, 372):
        c.stroke([(-20, y), (820, y)], ESPRESSO, 1.8, closed=False)
    for y in (242, 358):
        c.dashes([(-20, y), (820, y)], CREAM_THREAD, 1.3, 7, 5, closed=False)

    for bx in (236, 536):
        barrel = _rrect(bx, 222, bx + 28, 378, 12)
        c.shape(barrel, _linear((bx, 0), (bx + 28, 0), STEEL), CHARCOAL, 1.5)
    for by in (198, 384):
        button = _rrect(376, by, 424, by + 18, 6)
        c.shape(button, _linear((376, by), (424, by + 18), STEEL), CHARCOAL, 1.4)
    plate = _rrect(256, 206, 544, 394, 26)
    c.shadow(plate, (4, 8), 8, 0.35)
    c.paint(plate, _linear((0, 206), (0, 394), STEEL))
    # Brushed finish: noise stretched along the clasp's length.
    c.grain(plate, 6.0, (60.0, 0.9), seed=92)
    c.stroke(plate, CHARCOAL, 2.0)
    c.stroke(_rrect(266, 216, 534, 384, 18), (250, 248, 244), 1.3)
    c.stroke(_rrect(269, 219, 531, 381, 16), (150, 144, 136), 0.9)

    word = c.text_mask("MAISON", (400, 290), 44, "serif", tracking=12)
    c.relief(word, ENGRAVE_STEEL, depth=1.1)
    sub = c.text_mask("ACIER \u00b7 STEEL", (400, 336), 12, "sans", tracking=5)
    c.relief(sub, ENGRAVE_STEEL, depth=0.6)
    c.corners(216, 168, 584, 432)
    c.close_viewport(ground)


def _scene_serial_engraving(c: _Canvas) -> None:
    ground = _studio(c)
    cx = 400.0
    top_c, flank_c, r = (cx, -170.0), (cx, -90.0), 450.0
    bar = _rrect(256, 428, 544, 444, 8)
    c.shadow(bar, (2, 5), 4, 0.3)
    c.shape(bar, _linear((0, 428), (0, 444), STEEL), CHARCOAL, 1.4)

    flank = _circle(*flank_c, r)
    c.shadow(flank, (0, 8), 10, 0.3)
    c.paint(flank, _linear((0, 250), (0, 362), STEEL_SATIN))
    c.grain(flank, 5.0, (50.0, 0.9), seed=101)
    c.stroke(flank, CHARCOAL, 2.0)

    lug_left: list[Point] = [(168, 200), (262, 200), (258, 470), (176, 470)]
    # Each lug's inner flank is a narrow darker face: it is what gives the lugs thickness.
    for lug, inner_x, step in ((lug_left, 262.0, -12.0), (_mirror_x(lug_left), 538.0, 12.0)):
        shaped = _rounded_poly(lug, [16, 16, 0, 0] if step > 0 else [0, 0, 16, 16])
        c.shadow(shaped, (3, 8), 8, 0.3)
        c.shape(shaped, _linear((inner_x - 100, 200), (inner_x + 100, 470), STEEL), CHARCOAL, 1.8)
        inner = _rounded_poly([(inner_x + step, 250), (inner_x, 250), (inner_x, 468),
                               (inner_x + step, 470)], 4)  # fmt: skip
        c.paint(inner, _linear((0, 250), (0, 470), STEEL_SATIN))
        c.stroke(inner, (110, 104, 98), 1.0)

    top = _circle(*top_c, r)
    c.shape(top, _linear((cx - r, 0), (cx + r, 280), STEEL), CHARCOAL, 2.0)
    c.shape(_circle(*top_c, r - 26), _linear((cx + r, 280), (cx - r, 0), STEEL),
            (120, 114, 106), 1.2)  # fmt: skip
    c.stroke(_circle(*top_c, r - 50), CHARCOAL, 1.6)
    _dial(c, *top_c, r - 51, hands=False)

    serial = c.arc_text_mask("N\u00b0 83 4172", (cx, -130), r + 8, 26, bottom=True, tracking=4)
    c.relief(serial, ENGRAVE_STEEL, depth=1.0)
    c.corners(276, 284, 524, 372, arm=24)
    c.close_viewport(ground)


def _scene_side_profile(c: _Canvas) -> None:
    c.shadow(_ellipse(400, 392, 300, 10), (0, 0), 8, 0.28)
    # Lugs as two concentric elliptical arcs: a smooth taper that curls down to the strap.
    lug = _ellipse(226, 358, 150, 126, 270, 180) + _ellipse(226, 358, 114, 80, 180, 270)
    for pts in (lug, _mirror_x(lug)):
        c.shadow(pts, (2, 6), 5, 0.25)
        c.shape(pts, _linear((0, 232), (0, 358), STEEL), CHARCOAL, 1.8)
    for hx in (95, 705):
        c.fill(_circle(hx, 334, 5.5), (84, 78, 72))

    back = _rounded_poly([(236, 336), (564, 336), (548, 372), (252, 372)], [0, 0, 10, 10])
    c.shape(back, _linear((0, 336), (0, 372), STEEL_SATIN), CHARCOAL, 1.8)
    dome = _ellipse(400, 372, 120, 12, 0, 180)
    c.shape(dome, _linear((0, 372), (0, 384), STEEL_SATIN), CHARCOAL, 1.6)

    mid = _rrect(206, 236, 594, 340, 16)
    c.shadow(mid, (0, 6), 6, 0.25)
    c.shape(mid, _linear((0, 236), (0, 340), STEEL), CHARCOAL, 2.0)
    c.stroke([(222, 250), (578, 250)], (250, 248, 244), 1.2, closed=False)
    bezel = _rounded_poly([(226, 208), (574, 208), (590, 238), (210, 238)], [10, 10, 4, 4])
    c.shape(bezel, _linear((0, 208), (0, 238), STEEL), CHARCOAL, 1.8)
    crystal = _ellipse(400, 209, 160, 30, 180, 360)
    c.shape(crystal, _linear((0, 180), (0, 209), ((0.0, (250, 249, 246)), (1.0, (220, 216, 208)))),
            CHARCOAL, 1.6)  # fmt: skip
    c.stroke(_ellipse(400, 210, 140, 22, 205, 250), (255, 255, 255), 2.2, closed=False)

    # Crown seen end-on: a knurled gold disc with a raised mark.
    crown = [
        (400 + (40 if i % 2 == 0 else 38.2) * math.cos(math.radians(i * 4.5)),
         288 + (40 if i % 2 == 0 else 38.2) * math.sin(math.radians(i * 4.5)))
        for i in range(80)
    ]  # fmt: skip
    c.shadow(crown, (2, 5), 4, 0.35)
    c.shape(crown, _radial((388, 274), 56, GOLD_METAL), GOLD_DARK, 1.4)
    c.stroke(_circle(400, 288, 28), (150, 116, 64), 1.2)
    mark = [_polar(400, 288, 15 if i % 2 == 0 else 5, i * 45) for i in range(8)]
    c.relief(c.mask(mark), ((214, 184, 128), (250, 236, 196), (110, 80, 40)), 1.2, raised=True)

    # Gold dimension line: case thickness is what this photo has to document.
    x = 668.0
    c.dashes([(600, 179), (x + 12, 179)], GOLD, 1.1, 4, 3, closed=False)
    c.dashes([(520, 384), (x + 12, 384)], GOLD, 1.1, 4, 3, closed=False)
    c.stroke([(x, 186), (x, 377)], GOLD, 1.8, closed=False)
    c.fill([(x, 180), (x - 6, 193), (x + 6, 193)], GOLD)
    c.fill([(x, 383), (x - 6, 370), (x + 6, 370)], GOLD)


_SCENES: dict[tuple[str, str], Callable[[_Canvas], None]] = {
    ("handbag", "front"): _scene_handbag_front,
    ("handbag", "back"): _scene_handbag_back,
    ("handbag", "brand_stamp"): _scene_brand_stamp,
    ("handbag", "stitching"): _scene_stitching,
    ("handbag", "hardware_engraving"): _scene_hardware_engraving,
    ("handbag", "date_code"): _scene_date_code,
    ("handbag", "interior_label"): _scene_interior_label,
    ("watch", "dial"): _scene_dial,
    ("watch", "caseback"): _scene_caseback,
    ("watch", "crown"): _scene_crown,
    ("watch", "clasp"): _scene_clasp,
    ("watch", "serial_engraving"): _scene_serial_engraving,
    ("watch", "side_profile"): _scene_side_profile,
}


def render_slot_example(
    *, category: str, slot: str, size: tuple[int, int] = (800, 600)
) -> Image.Image:
    """Render the example illustration for one photo slot as an RGB image of ``size``.

    Raises ``ValueError`` naming the valid options for an unknown category or slot, or for a
    size that is not two positive integers.
    """
    if category not in SLOT_CODES:
        raise ValueError(
            f"Unknown category {category!r}; valid categories: {', '.join(sorted(SLOT_CODES))}"
        )
    if slot not in SLOT_CODES[category]:
        raise ValueError(
            f"Unknown slot {slot!r} for category {category!r}; "
            f"valid slots: {', '.join(SLOT_CODES[category])}"
        )
    if (
        len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)
        or min(size) < 1
    ):
        raise ValueError(f"size must be two positive integers (width, height), got {size!r}")
    canvas = _Canvas((size[0], size[1]))
    _SCENES[(category, slot)](canvas)
    return canvas.finish(slot_label(slot))
