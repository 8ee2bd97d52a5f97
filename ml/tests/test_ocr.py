"""Behaviour of the serial OCR on generated tag photos, and of the tag renderer it reads.

Every brand gets a few tags with random valid serials, rendered at a phone close-up's size and
then damaged the way a phone damages them (a slight turn, soft focus, sensor noise, uneven
light, JPEG). The OCR must read most of them exactly. Run with ``-s`` to see the measured rate
per brand. The photos are kept in ``test-artifacts/ocr/`` (``contact-sheet.png`` shows them all
with what was read) so a person can check that they look like real stamped and engraved tags.
"""

from __future__ import annotations

import io
import math
import random
from functools import cache
from pathlib import Path

import numpy as np
import pytesseract
import pytest
from PIL import Image, ImageDraw, ImageFilter

from ml.ocr import EMPTY_READING, OcrReading, OcrUnavailable, serial_read
from ml.serials import SERIAL_VIOLATIONS, serial_check, serial_compare, serial_generate
from ml.synth.tags import render_serial_tag

ARTIFACT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "ocr"
BRANDS = tuple(SERIAL_VIOLATIONS)
TAGS_PER_BRAND = 5
# The OCR must read at least this share of all tags, and of each brand's, exactly.
MIN_READ_RATE = 0.8
MIN_BRAND_READ_RATE = 0.6


def _photographed(tag: Image.Image, rng: random.Random) -> Image.Image:
    """The tag as a phone takes it: a little turned and soft, noisy, unevenly lit, a JPEG."""
    pixels = np.asarray(tag, dtype=np.float32)
    average = tuple(int(v) for v in pixels.reshape(-1, 3).mean(axis=0))
    turned = tag.rotate(
        rng.uniform(-3.0, 3.0), resample=Image.Resampling.BICUBIC, fillcolor=average
    )
    soft = turned.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))
    pixels = np.asarray(soft, dtype=np.float32)
    height, width = pixels.shape[:2]
    ys, xs = np.mgrid[0:height, 0:width] / max(height, width) - 0.5
    direction = rng.uniform(0.0, 2 * math.pi)
    ramp = 1.0 + 2 * rng.uniform(0.15, 0.3) * (xs * math.cos(direction) + ys * math.sin(direction))
    noise = np.random.default_rng(rng.getrandbits(32)).normal(
        0.0, rng.uniform(2.0, 5.0), pixels.shape
    )
    damaged = np.clip(pixels * ramp[..., None] + noise, 0, 255).astype(np.uint8)
    stored = io.BytesIO()
    Image.fromarray(damaged).save(stored, "JPEG", quality=80)
    stored.seek(0)
    return Image.open(stored).convert("RGB")


@cache
def _tag_photo(brand: str, index: int) -> tuple[str, Image.Image]:
    rng = random.Random(f"ocr-{brand}-{index}")
    serial = serial_generate(brand=brand, rng=rng)
    tag, _ = render_serial_tag(brand=brand, serial=serial, rng=rng, size=rng.randint(480, 640))
    return serial, _photographed(tag, rng)


@pytest.fixture(scope="module")
def readings() -> dict[str, list[tuple[str, Image.Image, OcrReading]]]:
    """Every brand's tag photos with what was read on them, kept as artifacts too."""
    read = {
        brand: [
            (serial, photo, serial_read(photo, brand=brand))
            for serial, photo in (_tag_photo(brand, i) for i in range(TAGS_PER_BRAND))
        ]
        for brand in BRANDS
    }
    _keep_artifacts(read)
    return read


def _keep_artifacts(read: dict[str, list[tuple[str, Image.Image, OcrReading]]]) -> None:
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    tile = 240
    sheet = Image.new("RGB", (tile * TAGS_PER_BRAND, (tile + 20) * len(read)), "white")
    draw = ImageDraw.Draw(sheet)
    for row, (brand, samples) in enumerate(read.items()):
        slug = brand.lower().replace(" ", "-").replace("è", "e")
        for column, (serial, photo, reading) in enumerate(samples):
            if column < 2:
                photo.save(ARTIFACT_DIR / f"{slug}-{column}.png")
            top = row * (tile + 20)
            sheet.paste(photo.resize((tile, tile)), (column * tile, top))
            verdict = "ok" if reading.normalized == serial else f"read {reading.normalized!r}"
            draw.text((column * tile + 4, top + tile + 4), f"{serial}: {verdict}", fill="black")
    sheet.save(ARTIFACT_DIR / "contact-sheet.png")


def test_it_reads_the_code_on_most_tag_photos_of_every_brand(
    readings: dict[str, list[tuple[str, Image.Image, OcrReading]]],
) -> None:
    rates = {
        brand: sum(reading.normalized == serial for serial, _, reading in samples) / len(samples)
        for brand, samples in readings.items()
    }
    overall = sum(rates.values()) / len(rates)
    print("\nOCR read rate per brand:")
    for brand, rate in rates.items():
        print(f"  {brand:<15} {rate:.0%}")
    print(f"  {'all':<15} {overall:.0%}")
    assert overall >= MIN_READ_RATE
    assert min(rates.values()) >= MIN_BRAND_READ_RATE, rates


def test_it_reads_confidently_when_it_reads_right(
    readings: dict[str, list[tuple[str, Image.Image, OcrReading]]],
) -> None:
    right = [r for samples in readings.values() for s, _, r in samples if r.normalized == s]
    assert all(0.0 <= reading.confidence <= 1.0 for reading in right)
    assert np.median([reading.confidence for reading in right]) >= 0.6


def test_it_reads_codes_without_being_told_the_brand() -> None:
    matches = 0
    for brand in BRANDS:
        serial, photo = _tag_photo(brand, 0)
        reading = serial_read(photo)
        matches += serial_compare(typed=serial, read=reading.normalized) == "match"
    assert matches >= 0.75 * len(BRANDS)


@pytest.mark.parametrize(
    ("brand", "violation"),
    [
        ("Louis Vuitton", "unknown_factory"),
        ("Chanel", "unknown_series"),
        ("Rolex", "unused_letter"),
        ("Omega", "leading_zero"),
    ],
)
def test_it_reads_a_counterfeits_broken_serial_as_stamped(brand: str, violation: str) -> None:
    rng = random.Random(f"ocr-counterfeit-{brand}")
    serial = serial_generate(brand=brand, rng=rng, violation=violation)
    tag, _ = render_serial_tag(brand=brand, serial=serial, rng=rng, size=560)
    reading = serial_read(_photographed(tag, rng), brand=brand)
    assert reading.normalized == serial
    codes = [f.code for f in serial_check(brand=brand, serial=reading.normalized).findings]
    assert codes == [violation]


def _blank_photos() -> dict[str, Image.Image]:
    noise = np.random.default_rng(11)
    blotches = Image.fromarray(noise.normal(0.0, 1.0, (40, 40)).astype(np.float32))
    blotches = blotches.resize((500, 500), Image.Resampling.BICUBIC)
    blotchy = np.clip(128 + 40 * np.asarray(blotches), 0, 255).astype(np.uint8)
    gradient = np.tile(np.linspace(30, 220, 600, dtype=np.float32), (400, 1))
    grainy = np.clip(gradient + noise.normal(0.0, 6.0, gradient.shape), 0, 255)
    return {
        "plain leather": Image.new("RGB", (500, 500), (150, 104, 70)),
        "lit and grainy": Image.fromarray(grainy.astype(np.uint8)).convert("RGB"),
        "blotchy": Image.fromarray(blotchy).convert("RGB"),
    }


@pytest.mark.parametrize("name", ["plain leather", "lit and grainy", "blotchy"])
@pytest.mark.parametrize("brand", [None, "Rolex", "Chanel"])
def test_it_returns_an_empty_reading_for_a_photo_without_a_code(
    name: str, brand: str | None
) -> None:
    assert serial_read(_blank_photos()[name], brand=brand) == EMPTY_READING


def test_it_raises_ocr_unavailable_when_tesseract_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/bin/tesseract")
    _, photo = _tag_photo("Louis Vuitton", 0)
    with pytest.raises(OcrUnavailable, match="tesseract"):
        serial_read(photo, brand="Louis Vuitton")


@pytest.mark.parametrize("brand", ["Hermès", "Omega"])
def test_it_renders_a_square_close_up_with_the_box_around_the_code(brand: str) -> None:
    image, (x0, y0, x1, y1) = render_serial_tag(
        brand=brand,
        serial=serial_generate(brand=brand, rng=random.Random(2)),
        rng=random.Random(2),
        size=200,
    )
    assert image.mode == "RGB"
    assert image.size == (200, 200)
    assert 0.0 < x0 < x1 < 1.0
    assert 0.0 < y0 < y1 < 1.0
    # The stamped code is where the detail is: its box is busier than the frame around it.
    edges = np.abs(np.diff(np.asarray(image.convert("L"), dtype=np.float32), axis=1))
    inside = edges[round(y0 * 200) : round(y1 * 200), round(x0 * 200) : round(x1 * 200)]
    assert inside.mean() > 1.5 * edges.mean()


def test_it_renders_the_same_tag_from_the_same_seed() -> None:
    def tag(seed: int) -> bytes:
        image, _ = render_serial_tag(
            brand="Gucci", serial="443497 2091", rng=random.Random(seed), size=160
        )
        return image.tobytes()

    assert tag(5) == tag(5)
    assert tag(5) != tag(6)


@pytest.mark.parametrize("brand", ["Louis Vuitton", "Rolex"])
def test_it_changes_only_the_code_of_a_counterfeit_tag(brand: str) -> None:
    serial = serial_generate(brand=brand, rng=random.Random(9))

    def tag(deviation: float) -> tuple[np.ndarray, tuple[float, float, float, float]]:
        image, box = render_serial_tag(
            brand=brand,
            serial=serial,
            rng=random.Random(9),
            size=240,
            code_font_deviation=deviation,
        )
        return np.asarray(image, dtype=np.float32), box

    reference, reference_box = tag(0.0)
    counterfeit, counterfeit_box = tag(0.9)
    assert reference_box != counterfeit_box
    # Everything but the code (and the pixels its relief blurs into) is the same scene.
    x0 = round((min(reference_box[0], counterfeit_box[0]) - 0.03) * 240)
    y0 = round((min(reference_box[1], counterfeit_box[1]) - 0.03) * 240)
    x1 = round((max(reference_box[2], counterfeit_box[2]) + 0.03) * 240)
    y1 = round((max(reference_box[3], counterfeit_box[3]) + 0.03) * 240)
    difference = np.abs(reference - counterfeit).max(axis=2)
    inside = difference[y0:y1, x0:x1].copy()
    difference[y0:y1, x0:x1] = 0
    assert difference.max() <= 1.0
    assert inside.mean() > 3.0


@pytest.mark.parametrize(
    ("brand", "deviation"), [("Goyard", 0.0), ("Chanel", -0.1), ("Chanel", 1.5)]
)
def test_it_refuses_unknown_brands_and_deviations_outside_0_to_1(
    brand: str, deviation: float
) -> None:
    with pytest.raises(ValueError):
        render_serial_tag(
            brand=brand,
            serial="1234567",
            rng=random.Random(1),
            size=160,
            code_font_deviation=deviation,
        )
