"""What makes two photos of the same item differ: surface texture and the camera.

Surfaces: leather grain and brushed or circular-grained metal, which the renderers lay under
every item. Camera: perspective, rotation, framing, lighting, colour temperature, defocus and
sensor noise, laid over the clean render by ``photograph``, then JPEG compression when the
photo is stored (``encode_jpeg``).

Nuisance is drawn from its own random stream, the same way for authentic and counterfeit
items, so nothing about the photo's conditions says which one it is.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter
from scipy import ndimage

FloatArray = NDArray[np.float32]
Box = tuple[float, float, float, float]

# Texture banks are drawn once per process from this seed and then cropped at random offsets,
# which is far cheaper than synthesising a texture per image; a fixed seed keeps every worker's
# bank identical, so an image does not depend on which worker rendered it.
_BANK_SEED = 20_240_611
# Corners of the viewed area may reach this close to the edge of the rendered scene.
_VIEW_LIMIT = 0.985


@dataclass(frozen=True)
class Camera:
    """How one photo was taken. Angles in degrees; offsets as fractions of the half-frame."""

    rotation_deg: float
    zoom: float  # > 1 frames a smaller part of the scene
    shift: tuple[float, float]
    tilt: tuple[float, float]  # perspective: the frame's far side shrinks by this much per axis
    exposure: float
    light_angle_deg: float
    light_gradient: float  # brightness change from the frame's centre to its edge
    vignette: float
    warmth: float  # > 0 warmer (more red, less blue)
    tint: float  # > 0 greener
    defocus: float  # Gaussian blur radius, in output pixels
    noise: float  # sensor noise standard deviation, in grey levels
    jpeg_quality: int


def draw_camera(rng: np.random.Generator) -> Camera:
    """A phone close-up as buyers take them: hand-held, indoor light, mid JPEG quality."""
    return Camera(
        rotation_deg=float(rng.normal(0.0, 4.0)),
        zoom=float(rng.uniform(1.0, 1.2)),
        shift=(float(rng.uniform(-0.05, 0.05)), float(rng.uniform(-0.05, 0.05))),
        tilt=(float(rng.uniform(-0.09, 0.09)), float(rng.uniform(-0.09, 0.09))),
        exposure=float(rng.uniform(0.82, 1.12)),
        light_angle_deg=float(rng.uniform(0.0, 360.0)),
        light_gradient=float(rng.uniform(0.0, 0.22)),
        vignette=float(rng.uniform(0.0, 0.22)),
        warmth=float(rng.normal(0.0, 0.05)),
        tint=float(rng.normal(0.0, 0.02)),
        defocus=float(rng.uniform(0.0, 0.7)),
        noise=float(rng.uniform(1.0, 5.0)),
        jpeg_quality=int(rng.integers(55, 93)),
    )


def _view_homography(camera: Camera) -> NDArray[np.float64]:
    """Maps frame coordinates in [-1, 1] to scene coordinates in [-1, 1] (homogeneous)."""
    angle = math.radians(camera.rotation_deg)
    cos, sin = math.cos(angle), math.sin(angle)
    tilt = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [camera.tilt[0], camera.tilt[1], 1.0]])
    turn = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
    scale = np.diag([1.0 / camera.zoom, 1.0 / camera.zoom, 1.0])
    move = np.array([[1.0, 0.0, camera.shift[0]], [0.0, 1.0, camera.shift[1]], [0.0, 0.0, 1.0]])
    view = move @ turn @ scale @ tilt
    # Pull the view in until its corners stay inside the scene: outside it there is nothing.
    corners = np.array([[-1.0, -1.0, 1.0], [1.0, -1.0, 1.0], [-1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    mapped = corners @ view.T
    reach = float(np.abs(mapped[:, :2] / mapped[:, 2:]).max())
    if reach > _VIEW_LIMIT:
        view = np.diag([_VIEW_LIMIT / reach, _VIEW_LIMIT / reach, 1.0]) @ view
    return np.asarray(view, dtype=np.float64)


def _map_box(box: Box, scene_to_frame: NDArray[np.float64]) -> Box:
    x0, y0, x1, y1 = (2.0 * v - 1.0 for v in box)
    corners = np.array([[x0, y0, 1.0], [x1, y0, 1.0], [x0, y1, 1.0], [x1, y1, 1.0]])
    mapped = corners @ scene_to_frame.T
    points = (mapped[:, :2] / mapped[:, 2:] + 1.0) / 2.0
    low = np.clip(points.min(axis=0), 0.0, 1.0)
    high = np.clip(points.max(axis=0), 0.0, 1.0)
    return (float(low[0]), float(low[1]), float(high[0]), float(high[1]))


@cache
def _frame_grid(size: int) -> tuple[FloatArray, FloatArray]:
    axis = ((np.arange(size) + 0.5) / size * 2.0 - 1.0).astype(np.float32)
    return axis[None, :].repeat(size, axis=0), axis[:, None].repeat(size, axis=1)


def photograph(
    scene: Image.Image,
    boxes: Mapping[str, Box],
    camera: Camera,
    size: int,
    rng: np.random.Generator,
) -> tuple[Image.Image, dict[str, Box]]:
    """Photographs a clean square render: geometry, optics and sensor, but not yet JPEG.

    ``boxes`` are fractions of the scene; the returned boxes are fractions of the photo, the
    bounding boxes of the scene boxes' corners seen through the same perspective.
    """
    # Shrinking first (anti-aliased) and warping at the photo's size is much cheaper than
    # warping the full render, and the warp's slight softening is well below the defocus.
    if scene.width != size:
        scene = scene.resize((size, size), Image.Resampling.BOX)
    to_scene = _view_homography(camera)
    pixels_in = np.array([[2.0 / size, 0.0, -1.0], [0.0, 2.0 / size, -1.0], [0.0, 0.0, 1.0]])
    pixels_out = np.array([[size / 2.0, 0.0, size / 2.0], [0.0, size / 2.0, size / 2.0], [0, 0, 1]])
    matrix = pixels_out @ to_scene @ pixels_in
    matrix /= matrix[2, 2]
    coefficients = tuple(float(v) for v in matrix.flatten()[:8])
    photo = scene.transform(
        (size, size), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC
    )
    if camera.defocus > 0.05:
        photo = photo.filter(ImageFilter.GaussianBlur(camera.defocus))

    x, y = _frame_grid(size)
    angle = math.radians(camera.light_angle_deg)
    light = 1.0 + camera.light_gradient * (math.cos(angle) * x + math.sin(angle) * y)
    light *= camera.exposure * (1.0 - camera.vignette * 0.5 * (x * x + y * y))
    balance = np.array(
        [1.0 + camera.warmth, 1.0 + camera.tint, 1.0 - camera.warmth], dtype=np.float32
    )
    pixels = np.asarray(photo, dtype=np.float32) * light[..., None] * balance
    # Sensor noise is mostly luminance noise with a weaker colour component.
    luma_noise = rng.standard_normal((size, size, 1), dtype=np.float32)
    chroma_noise = rng.standard_normal((size, size, 3), dtype=np.float32)
    pixels += camera.noise * (luma_noise + 0.4 * chroma_noise)
    image = Image.fromarray(np.clip(pixels + 0.5, 0.0, 255.0).astype(np.uint8), "RGB")

    to_frame = np.linalg.inv(to_scene).astype(np.float64)
    return image, {name: _map_box(box, to_frame) for name, box in boxes.items()}


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    """The photo as the phone stores it; compression artefacts are part of the nuisance."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=False)
    return buffer.getvalue()


def _crop(bank: FloatArray, side: int, rng: np.random.Generator) -> FloatArray:
    top = int(rng.integers(0, bank.shape[0] - side + 1))
    left = int(rng.integers(0, bank.shape[1] - side + 1))
    return bank[top : top + side, left : left + side]


@cache
def _pebble_bank(side: int, cell_px: int) -> FloatArray:
    """Height of pebbled leather: cells bulging up between creases (a Voronoi distance map).

    One pebble per grid cell, jittered, keeps the pebbles evenly spread as on real leather.
    """
    rng = np.random.default_rng([_BANK_SEED, side, cell_px])
    bank_side = 2 * side
    cells = bank_side // cell_px + 1
    grid = np.arange(cells, dtype=np.float64)
    jitter = rng.uniform(0.1, 0.9, (cells, cells, 2))
    rows = ((grid[:, None] + jitter[..., 0]) * cell_px).astype(np.intp)
    columns = ((grid[None, :] + jitter[..., 1]) * cell_px).astype(np.intp)
    rows, columns = np.clip(rows, 0, bank_side - 1), np.clip(columns, 0, bank_side - 1)
    seeds = np.zeros((bank_side, bank_side), dtype=bool)
    seeds[rows, columns] = True
    distance = ndimage.distance_transform_edt(~seeds).astype(np.float32) / cell_px
    height = ndimage.gaussian_filter(-(distance**2), 0.4 + cell_px / 20.0)
    return np.asarray(height / (height.std() + 1e-6), dtype=np.float32)


@cache
def _brushed_bank(side: int) -> FloatArray:
    """Height of brushed metal: fine streaks along one direction."""
    rng = np.random.default_rng([_BANK_SEED, side, 1])
    noise = rng.standard_normal((2 * side, 2 * side)).astype(np.float32)
    streaks = ndimage.gaussian_filter(noise, (0.5, side / 10.0))
    return np.asarray(streaks / (streaks.std() + 1e-6), dtype=np.float32)


def shade(height: FloatArray, strength: float) -> FloatArray:
    """Brightness factor of a relief lit from the upper left (1 = flat surface).

    A slope rising towards the lower right faces the light and is brighter.
    """
    dy, dx = np.gradient(height)
    return np.asarray(1.0 + strength * (dx + dy), dtype=np.float32)


def leather_surface(
    rng: np.random.Generator, side: int, grain: float, grain_scale: float
) -> FloatArray:
    """Brightness factor of a leather patch: pebble grain, if any, over fine pores."""
    cell_px = max(3, round(grain_scale * side))
    height = _crop(_pebble_bank(side, cell_px), side, rng) * (grain * cell_px * 0.18)
    pores = rng.standard_normal((side, side), dtype=np.float32) * 0.035
    return shade(height, 0.22) + pores


def brushed_metal_surface(rng: np.random.Generator, side: int, strength: float) -> FloatArray:
    """Brightness factor of a brushed metal patch, streaked horizontally."""
    return (1.0 + strength * _crop(_brushed_bank(side), side, rng)).astype(np.float32)


@cache
def polar_grid(side: int, centre: tuple[float, float]) -> tuple[FloatArray, FloatArray]:
    """Radius (as a fraction of the frame) and angle (radians) of every pixel about centre."""
    axis = (np.arange(side, dtype=np.float32) + 0.5) / side
    dx = axis[None, :] - centre[0]
    dy = axis[:, None] - centre[1]
    return np.hypot(dx, dy).astype(np.float32), np.arctan2(dy, dx).astype(np.float32)


def radial_grain(
    rng: np.random.Generator, radius: FloatArray, angle: FloatArray, concentric: bool
) -> FloatArray:
    """Grain of a turned or sunburst finish, around a centre, with zero mean and unit spread.

    Concentric grain (a caseback turned on a lathe) changes with the radius; sunburst grain (a
    watch dial) changes with the angle.
    """
    samples = 4096
    line = ndimage.gaussian_filter1d(rng.standard_normal(samples).astype(np.float32), 1.2)
    line /= line.std() + 1e-6
    if concentric:
        index = np.clip(radius * samples * 2.0, 0, samples - 1).astype(np.intp)
    else:
        index = ((angle / (2.0 * np.pi) + 0.5) * (samples - 1)).astype(np.intp)
    return np.asarray(line[index], dtype=np.float32)
