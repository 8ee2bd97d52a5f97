"""Behaviour of the per-photo quality check, on real photographs.

The photographs are scikit-image's bundled samples that load offline from the installed package
(no pooch download): the six colour photos astronaut, coffee, chelsea, rocket and both
stereo_motorcycle views, plus camera, a grayscale one. Each test damages them the way a buyer's
phone would (blur, shake, darkness, glare, distance, a thumbnail) and checks that exactly the
right hint comes back. Samples left out: hubble_deep_field (a night sky, rightly too dark),
retina and immunohistochemistry (medical imagery, not something a buyer photographs) and clock,
which is used below as a real shaken photo.

Run with ``-s`` to see the metric table that the thresholds were tuned from.
"""

import json
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageFilter
from skimage import data

from ml.quality import (
    BLURRY_MESSAGE,
    OVEREXPOSED_MESSAGE,
    SUBJECT_TOO_SMALL_MESSAGE,
    TOO_DARK_MESSAGE,
    QualityReport,
    QualityThresholds,
    assess_photo,
    low_resolution_message,
)

REAL_PHOTOS: dict[str, Callable[[], np.ndarray]] = {
    "astronaut": data.astronaut,
    "coffee": data.coffee,
    "chelsea": data.chelsea,
    "rocket": data.rocket,
    "motorcycle_left": lambda: data.stereo_motorcycle()[0],
    "motorcycle_right": lambda: data.stereo_motorcycle()[1],
    "camera": data.camera,
}
DEFAULTS = QualityThresholds()


@cache
def real_photo(name: str) -> Image.Image:
    return Image.fromarray(REAL_PHOTOS[name]()).convert("RGB")


def blurred(image: Image.Image, radius: float) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def shaken(image: Image.Image, length: int, direction: tuple[int, int]) -> Image.Image:
    """Average `length` copies shifted along `direction` (dy, dx): a straight camera shake."""
    pixels = np.asarray(image, dtype=np.float32)
    total = np.zeros_like(pixels)
    for step in range(-(length // 2), length - length // 2):
        total += np.roll(pixels, (step * direction[0], step * direction[1]), axis=(0, 1))
    return Image.fromarray(np.clip(total / length, 0, 255).astype(np.uint8))


def darkened(image: Image.Image) -> Image.Image:
    return ImageEnhance.Brightness(image).enhance(0.15)


def blown_out(image: Image.Image) -> Image.Image:
    """Raise exposure until half the frame clips to pure white, as flash or sun does.

    A fixed gain won't do: rocket is a dusk scene that a 3x gain merely exposes properly.
    """
    darkest_channel = np.asarray(image).min(axis=2)
    gain = 255.0 / max(float(np.median(darkest_channel)), 1.0)
    return ImageEnhance.Brightness(image).enhance(gain)


def thumbnail(image: Image.Image) -> Image.Image:
    return image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)


def on_plain_canvas(image: Image.Image, scale: float, noise: float = 3.0) -> Image.Image:
    """The photo pasted in the middle of a beige canvas `scale` times its size, with grain."""
    width, height = round(image.width * scale), round(image.height * scale)
    rng = np.random.default_rng(7)
    grain = rng.normal(0.0, noise, (height, width, 1))
    canvas = np.clip(np.array([205.0, 198.0, 188.0]) + grain, 0, 255).astype(np.uint8)
    result = Image.fromarray(canvas)
    result.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    return result


photo_names = pytest.mark.parametrize("name", list(REAL_PHOTOS))


@photo_names
def test_it_accepts_well_lit_sharp_photos(name: str) -> None:
    report = assess_photo(real_photo(name))

    assert report.accepted, report.issues
    assert report.issues == ()


@photo_names
@pytest.mark.parametrize("radius", [3.0, 4.0])
def test_it_rejects_a_blurry_photo(name: str, radius: float) -> None:
    report = assess_photo(blurred(real_photo(name), radius))

    assert not report.accepted
    assert report.codes == ("blurry",)


@photo_names
def test_a_mild_blur_still_passes(name: str) -> None:
    assert assess_photo(blurred(real_photo(name), 0.7)).accepted


@photo_names
@pytest.mark.parametrize(
    "direction", [(0, 1), (1, 0), (1, 1), (1, -1)], ids=["across", "down", "diagonal", "anti"]
)
def test_it_rejects_a_shaken_photo_whatever_the_direction(
    name: str, direction: tuple[int, int]
) -> None:
    report = assess_photo(shaken(real_photo(name), 15, direction))

    assert report.codes == ("blurry",)


def test_it_rejects_a_real_shaken_photo() -> None:
    # skimage's clock was taken while moving the camera sideways; it is also small in frame.
    report = assess_photo(Image.fromarray(data.clock()).convert("RGB"))

    assert "blurry" in report.codes


@photo_names
def test_it_rejects_a_dark_photo(name: str) -> None:
    report = assess_photo(darkened(real_photo(name)))

    # Only the darkness: the dim photo is still sharp, and two hints for one problem confuse.
    assert report.codes == ("too_dark",)


@photo_names
def test_it_rejects_an_overexposed_photo(name: str) -> None:
    report = assess_photo(blown_out(real_photo(name)))

    assert report.codes == ("overexposed",)


@photo_names
def test_it_rejects_a_low_resolution_photo(name: str) -> None:
    report = assess_photo(thumbnail(real_photo(name)))

    assert report.codes == ("low_resolution",)


@photo_names
def test_it_rejects_a_subject_far_away(name: str) -> None:
    report = assess_photo(on_plain_canvas(real_photo(name), scale=3.0))

    # The subject itself is sharp, so distance is the only complaint.
    assert report.codes == ("subject_too_small",)


def test_it_rejects_a_subject_far_away_on_a_perfectly_flat_background() -> None:
    report = assess_photo(on_plain_canvas(real_photo("coffee"), scale=3.0, noise=0.0))

    assert report.codes == ("subject_too_small",)


@photo_names
def test_a_close_subject_on_a_plain_background_passes(name: str) -> None:
    report = assess_photo(on_plain_canvas(real_photo(name), scale=1.25))

    assert report.accepted, report.issues


@pytest.mark.parametrize(
    ("damage", "code", "message"),
    [
        (lambda image: blurred(image, 4.0), "blurry", BLURRY_MESSAGE),
        (darkened, "too_dark", TOO_DARK_MESSAGE),
        (blown_out, "overexposed", OVEREXPOSED_MESSAGE),
        (thumbnail, "low_resolution", low_resolution_message(DEFAULTS.min_short_side)),
        (
            lambda image: on_plain_canvas(image, scale=3.0),
            "subject_too_small",
            SUBJECT_TOO_SMALL_MESSAGE,
        ),
    ],
    ids=["blurry", "too_dark", "overexposed", "low_resolution", "subject_too_small"],
)
def test_each_issue_carries_its_concrete_hint(
    damage: Callable[[Image.Image], Image.Image], code: str, message: str
) -> None:
    (issue,) = assess_photo(damage(real_photo("astronaut"))).issues

    assert (issue.code, issue.message) == (code, message)
    assert issue.measured != issue.threshold


def test_the_hints_tell_the_buyer_what_to_do() -> None:
    assert BLURRY_MESSAGE == (
        "Blurry: hold the phone still, tap the screen to focus, and shoot again."
    )
    assert TOO_DARK_MESSAGE == (
        "Too dark: move to daylight or turn on a lamp, and avoid shadows across the item."
    )
    assert OVEREXPOSED_MESSAGE == "Blown out: move out of direct sunlight or turn off the flash."
    assert SUBJECT_TOO_SMALL_MESSAGE == (
        "Too far away: move closer so the item fills most of the frame."
    )
    assert low_resolution_message(1200) == (
        "Too small: the photo must be at least 1200 pixels on its short side; "
        "use the main camera, not a screenshot."
    )


def test_a_raised_production_minimum_is_reported_with_its_own_number() -> None:
    strict = replace(DEFAULTS, min_short_side=1200)

    (issue,) = assess_photo(real_photo("astronaut"), strict).issues

    assert issue.code == "low_resolution"
    assert "at least 1200 pixels" in issue.message
    assert (issue.measured, issue.threshold) == (512.0, 1200.0)


def test_the_measure_is_taken_at_a_fixed_working_size() -> None:
    photo = real_photo("coffee")
    at_working_size = photo.resize((1024, 683), Image.Resampling.LANCZOS)
    # Every pixel tripled: the same picture as a 3-megapixel upload.
    tripled = at_working_size.resize((3072, 2049), Image.Resampling.NEAREST)

    small, large = assess_photo(at_working_size), assess_photo(tripled)

    for metric in ("sharpness", "brightness", "dark_fraction", "bright_fraction", "subject_fill"):
        assert large.metrics[metric] == pytest.approx(small.metrics[metric], rel=0.01, abs=1e-3)


def test_a_blank_frame_is_rejected_without_crashing() -> None:
    report = assess_photo(Image.new("RGB", (800, 600), (128, 128, 128)))

    assert set(report.codes) == {"blurry", "subject_too_small"}


def test_the_report_is_json_serialisable_with_every_metric() -> None:
    report = assess_photo(darkened(real_photo("chelsea")))

    stored = json.loads(json.dumps(report.to_dict()))

    assert stored["accepted"] is False
    assert stored["issues"] == [
        {
            "code": "too_dark",
            "message": TOO_DARK_MESSAGE,
            "measured": report.issues[0].measured,
            "threshold": DEFAULTS.min_brightness,
        }
    ]
    assert set(stored["metrics"]) >= {
        "sharpness",
        "brightness",
        "dark_fraction",
        "bright_fraction",
        "short_side",
        "subject_fill",
    }
    assert 0 <= stored["metrics"]["brightness"] <= 255


def _metric_ranges() -> dict[str, dict[str, tuple[float, float]]]:
    damages: dict[str, Callable[[Image.Image], Image.Image]] = {
        "real": lambda image: image,
        "blur 0.7": lambda image: blurred(image, 0.7),
        "blur 1.0": lambda image: blurred(image, 1.0),
        "blur 3": lambda image: blurred(image, 3.0),
        "blur 4": lambda image: blurred(image, 4.0),
        "shake 15": lambda image: shaken(image, 15, (1, 1)),
        "dark 15%": darkened,
        "blown out": blown_out,
        "far 1/9": lambda image: on_plain_canvas(image, 3.0),
        "close 2/3": lambda image: on_plain_canvas(image, 1.25),
    }
    reports: dict[str, list[QualityReport]] = {
        label: [assess_photo(damage(real_photo(name))) for name in REAL_PHOTOS]
        for label, damage in damages.items()
    }
    reports["clock (real shake)"] = [assess_photo(Image.fromarray(data.clock()).convert("RGB"))]
    metrics = ("sharpness", "brightness", "dark_fraction", "bright_fraction", "subject_fill")
    return {
        label: {
            metric: (
                min(report.metrics[metric] for report in group),
                max(report.metrics[metric] for report in group),
            )
            for metric in metrics
        }
        for label, group in reports.items()
    }


def test_thresholds_sit_well_between_the_observed_ranges() -> None:
    """The tuning record: prints what the real and damaged photos measure, then checks margins.

    Each limit must sit at least 1.5x (1.3x for brightness) away from the photos it must
    accept and from those it must reject, so a small change in the measure can't silently
    flip a verdict.
    """
    ranges = _metric_ranges()
    print()
    for label, by_metric in ranges.items():
        cells = "  ".join(f"{m}={lo:.3g}..{hi:.3g}" for m, (lo, hi) in by_metric.items())
        print(f"{label:>18}: {cells}")

    t = DEFAULTS
    assert ranges["real"]["sharpness"][0] >= 1.5 * t.min_sharpness
    assert ranges["blur 0.7"]["sharpness"][0] >= 1.5 * t.min_sharpness
    assert ranges["blur 3"]["sharpness"][1] * 1.5 <= t.min_sharpness
    assert ranges["shake 15"]["sharpness"][1] * 1.5 <= t.min_sharpness
    assert ranges["clock (real shake)"]["sharpness"][1] * 1.5 <= t.min_sharpness
    assert ranges["real"]["brightness"][0] >= 1.3 * t.min_brightness
    assert ranges["dark 15%"]["brightness"][1] * 1.3 <= t.min_brightness
    assert ranges["real"]["brightness"][1] * 1.3 <= t.max_brightness
    assert ranges["real"]["dark_fraction"][1] * 1.5 <= t.max_dark_fraction
    assert ranges["real"]["bright_fraction"][1] * 1.5 <= t.max_bright_fraction
    assert ranges["blown out"]["bright_fraction"][0] >= 1.5 * t.max_bright_fraction
    assert ranges["real"]["subject_fill"][0] >= 1.5 * t.min_subject_fill
    assert ranges["close 2/3"]["subject_fill"][0] >= 1.5 * t.min_subject_fill
    assert ranges["far 1/9"]["subject_fill"][1] * 1.5 <= t.min_subject_fill
