"""Real photographs for tests, from scikit-image's bundled samples, encoded as uploads."""

from __future__ import annotations

import io
from functools import cache

import numpy as np
from PIL import Image, ImageFilter

# Colour photographs that ship inside scikit-image (no download), at least 400 px a side.
_SOURCES = ("astronaut", "coffee", "rocket", "immunohistochemistry")


@cache
def _source(name: str) -> Image.Image:
    from skimage import data

    return Image.fromarray(np.asarray(getattr(data, name)())).convert("RGB")


def real_photo(index: int = 0) -> Image.Image:
    """A distinct, well-lit, sharp real photograph for each index."""
    image = _source(_SOURCES[index % len(_SOURCES)])
    if (index // len(_SOURCES)) % 2:
        image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return image.copy()


def encode(image: Image.Image, fmt: str = "JPEG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **({"quality": 92} | options if fmt == "JPEG" else options))
    return buffer.getvalue()


def good_jpeg(index: int = 0) -> bytes:
    return encode(real_photo(index))


def blurry_jpeg(index: int = 0) -> bytes:
    return encode(real_photo(index).filter(ImageFilter.GaussianBlur(4)))


def dark_jpeg(index: int = 0) -> bytes:
    return encode(real_photo(index).point(lambda v: int(v * 0.12)))
