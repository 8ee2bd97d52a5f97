"""Tests for the schematic slot example illustrations (pure Pillow/numpy, no Django).

Run with ``python -m pytest -p no:django appraisals/tests/test_slot_examples.py -q``.  Every
render is also written to ``test-artifacts/slot-examples/`` so a person can eyeball the set.
"""

from __future__ import annotations

import io
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from appraisals import slot_examples
from appraisals.slot_examples import SLOT_CODES, render_slot_example, slot_label

ARTIFACT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "slot-examples"
ALL_SLOTS: list[tuple[str, str]] = [
    (category, slot) for category, slots in SLOT_CODES.items() for slot in slots
]
# Mean absolute difference (0-255 scale) that two different slots must at least reach.  The
# most similar pair (bag front vs back share a silhouette) sits around 6; identical renders
# would be 0.
MIN_PAIRWISE_DIFFERENCE = 3.0
RENDER_BUDGET_S = 0.5


@pytest.fixture(scope="module")
def renders() -> dict[tuple[str, str], Image.Image]:
    """Render every slot once at the default size and keep a PNG of each for humans."""
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    out: dict[tuple[str, str], Image.Image] = {}
    for category, slot in ALL_SLOTS:
        image = render_slot_example(category=category, slot=slot)
        image.save(ARTIFACT_DIR / f"{category}-{slot}.png")
        out[(category, slot)] = image
    return out


def _png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_slot_codes_shape() -> None:
    assert set(SLOT_CODES) == {"handbag", "watch"}
    assert len(SLOT_CODES["handbag"]) == 7
    assert len(SLOT_CODES["watch"]) == 6
    assert slot_label("brand_stamp") == "Brand stamp"
    assert slot_label("dial") == "Dial"


@pytest.mark.parametrize(("category", "slot"), ALL_SLOTS)
def test_default_render_is_rgb_800x600(
    renders: dict[tuple[str, str], Image.Image], category: str, slot: str
) -> None:
    image = renders[(category, slot)]
    assert image.mode == "RGB"
    assert image.size == (800, 600)


@pytest.mark.parametrize(("category", "slot"), ALL_SLOTS)
@pytest.mark.parametrize("size", [(400, 300), (640, 640), (1200, 500), (97, 61)])
def test_renders_at_requested_size(category: str, slot: str, size: tuple[int, int]) -> None:
    image = render_slot_example(category=category, slot=slot, size=size)
    assert image.mode == "RGB"
    assert image.size == size


@pytest.mark.parametrize(("category", "slot"), ALL_SLOTS)
def test_render_is_deterministic(
    renders: dict[tuple[str, str], Image.Image], category: str, slot: str
) -> None:
    again = render_slot_example(category=category, slot=slot)
    assert again.tobytes() == renders[(category, slot)].tobytes()
    assert _png_bytes(again) == _png_bytes(renders[(category, slot)])


def test_every_slot_looks_different(renders: dict[tuple[str, str], Image.Image]) -> None:
    arrays = {key: np.asarray(img, dtype=np.int16) for key, img in renders.items()}
    too_similar = []
    for a, b in itertools.combinations(ALL_SLOTS, 2):
        diff = float(np.abs(arrays[a] - arrays[b]).mean())
        if diff <= MIN_PAIRWISE_DIFFERENCE:
            too_similar.append((a, b, round(diff, 2)))
    assert not too_similar, f"renders too similar: {too_similar}"


@pytest.mark.parametrize(("category", "slot"), ALL_SLOTS)
def test_area_of_interest_is_not_blank(
    renders: dict[tuple[str, str], Image.Image], category: str, slot: str
) -> None:
    pixels = np.asarray(renders[(category, slot)], dtype=np.int16)
    # The top-left corner is always plain ivory ground; compare the central region to it.
    background = pixels[4, 4]
    h, w, _ = pixels.shape
    centre = pixels[h // 5 : h * 4 // 5, w // 5 : w * 4 // 5]
    drawn = np.abs(centre - background).sum(axis=-1) > 30
    assert drawn.mean() > 0.3, f"only {drawn.mean():.0%} of the centre is drawn"
    # ...and it is not a flat fill either: real linework and shading have tonal range.
    assert centre.std() > 12


@pytest.mark.parametrize(("category", "slot"), ALL_SLOTS)
def test_caption_band_sits_bottom_left(
    renders: dict[tuple[str, str], Image.Image], category: str, slot: str
) -> None:
    pixels = np.asarray(renders[(category, slot)].convert("L"), dtype=np.int16)
    band = pixels[548:586, 20:140]
    mirrored = pixels[548:586, 660:780]
    # Dark caption text lives in the bottom-left corner and not in the bottom-right one.
    assert (band < 110).sum() > 40
    assert (mirrored < 110).sum() < (band < 110).sum() / 4


@pytest.mark.parametrize(("category", "slot"), ALL_SLOTS)
def test_render_is_fast(category: str, slot: str) -> None:
    render_slot_example(category=category, slot=slot)  # warm font and numpy caches
    start = time.perf_counter()
    render_slot_example(category=category, slot=slot)
    assert time.perf_counter() - start < RENDER_BUDGET_S


def test_unknown_slot_raises_with_valid_options() -> None:
    with pytest.raises(ValueError, match="valid slots: .*brand_stamp") as info:
        render_slot_example(category="handbag", slot="dial")
    assert "'dial'" in str(info.value)


def test_unknown_category_raises_with_valid_options() -> None:
    with pytest.raises(ValueError, match="valid categories: handbag, watch"):
        render_slot_example(category="shoes", slot="front")


@pytest.mark.parametrize("size", [(0, 600), (800, -1), (800.0, 600), (800,)])
def test_bad_size_raises(size: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="size"):
        render_slot_example(category="watch", slot="dial", size=size)


@pytest.fixture
def without_dejavu(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(slot_examples, "_FONT_DIR", Path("/nonexistent-font-dir"))
    slot_examples._font.cache_clear()
    yield
    slot_examples._font.cache_clear()


@pytest.mark.usefixtures("without_dejavu")
def test_falls_back_to_pillow_default_font() -> None:
    image = render_slot_example(category="handbag", slot="brand_stamp", size=(400, 300))
    assert image.size == (400, 300)
    assert np.asarray(image).std() > 10
