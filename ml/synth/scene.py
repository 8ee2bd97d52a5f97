"""What a slot renderer hands back, and small helpers the renderers share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter
from scipy import ndimage

from ml.synth.brands import RGB
from ml.synth.nuisance import Box, FloatArray


@dataclass(frozen=True)
class Scene:
    """A clean render of one slot, before the camera.

    ``areas`` maps each feature of the slot to the box (fractions of the scene) where that
    feature is seen, whether or not this item deviates in it.
    """

    image: Image.Image
    areas: dict[str, Box]


def to_image(pixels: FloatArray) -> Image.Image:
    return Image.fromarray(np.clip(pixels + 0.5, 0.0, 255.0).astype(np.uint8), "RGB")


def varied(colour: RGB, rng: np.random.Generator, spread: float) -> FloatArray:
    """The colour one item actually came out in: dye lots and alloys vary a little, mostly in
    lightness and much less in hue."""
    factors = 1.0 + rng.normal(0.0, spread * 0.3, 3) + rng.normal(0.0, spread)
    return np.clip(np.asarray(colour, dtype=np.float32) * factors.astype(np.float32), 4.0, 250.0)


def soft_band(coordinate: NDArray[np.floating[Any]], centre: float, width: float) -> FloatArray:
    """A soft bright band, like a window reflected in a polished surface."""
    return np.asarray(np.exp(-(((coordinate - centre) / width) ** 2)), dtype=np.float32)


def blur(mask: FloatArray, sigma: float) -> FloatArray:
    """Gaussian blur of a mostly empty mask (lettering, stitches, hands): only the part with
    something in it is filtered, which is most of the time saved in a render."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return np.zeros_like(mask)
    columns = np.flatnonzero(mask.any(axis=0))
    margin = int(4.0 * sigma) + 2
    top, bottom = max(rows[0] - margin, 0), min(rows[-1] + margin + 1, mask.shape[0])
    left, right = max(columns[0] - margin, 0), min(columns[-1] + margin + 1, mask.shape[1])
    blurred = np.zeros_like(mask)
    blurred[top:bottom, left:right] = ndimage.gaussian_filter(
        mask[top:bottom, left:right], sigma, mode="constant"
    )
    return blurred


def blurred_mask(image: Image.Image, radius: float) -> FloatArray:
    """A drawn 8-bit mask, blurred (anti-aliased or softened) and as floats in [0, 1]."""
    if radius > 0.0:
        image = image.filter(ImageFilter.GaussianBlur(radius))
    return np.asarray(image, dtype=np.float32) / 255.0


def offset(array: FloatArray, down: int, right: int) -> FloatArray:
    """The array moved by whole pixels (a shadow's offset), empty where nothing moved in."""
    moved = np.zeros_like(array)
    height, width = array.shape[:2]
    moved[max(down, 0) : height + min(down, 0), max(right, 0) : width + min(right, 0)] = array[
        max(-down, 0) : height + min(-down, 0), max(-right, 0) : width + min(-right, 0)
    ]
    return moved
