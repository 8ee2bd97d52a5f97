"""Scoring photos with a trained model file: one batch, calibrated scores, heatmaps, caching.

A tiny model is trained once for the module on the toy dataset of ``test_training`` (striped
patch in a random corner = counterfeit), so heatmaps can be checked against a known place.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ml.artifact import ArtifactError, artifact_sha256, save_artifact
from ml.data import photo_pixels, visual_slot_features
from ml.features import SCREENED_SLOTS, VISUAL_FEATURES
from ml.inference import OVERLAY_MAX_SIDE, Screener, heatmap_overlay, screener_get
from ml.tests.test_training import TOY_CONFIG, toy_photo, write_toy_dataset
from ml.training import train

SLOTS = tuple(SCREENED_SLOTS)
# At 96 px the backbone's last block is a 3x3 grid, enough to tell the four corners apart.
PHOTO_SIZE = 96
CONFIG = replace(TOY_CONFIG, image_size=PHOTO_SIZE)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inference")
    data = write_toy_dataset(root / "data", per_class=40, seed=21, size=PHOTO_SIZE)
    result = train(data_dir=data, config=CONFIG, progress=False)
    return save_artifact(
        root / "prescreen.pt",
        model=result.model,
        temperature=result.temperature,
        data_hash=result.data_hash,
        config=CONFIG.as_dict(),
        metrics=result.metrics,
    )


@pytest.fixture(scope="module")
def screener(model_file: Path) -> Screener:
    return Screener.load(model_file, threads=1)


def _photo(slot: str, counterfeit: bool, corner: int, seed: int) -> Image.Image:
    feature = visual_slot_features([slot])[slot][0] if counterfeit else None
    image, _ = toy_photo(slot, feature, corner, np.random.default_rng(seed), PHOTO_SIZE)
    return image


def _quadrant_mass(heatmap: np.ndarray) -> list[float]:
    """Heat in the top-left, top-right, bottom-left and bottom-right quadrants."""
    half = heatmap.shape[0] // 2
    return [
        float(heatmap[:half, :half].sum()),
        float(heatmap[:half, half:].sum()),
        float(heatmap[half:, :half].sum()),
        float(heatmap[half:, half:].sum()),
    ]


def test_it_scores_a_batch_of_mixed_slots_in_one_call(screener: Screener) -> None:
    slots = [*SLOTS, *SLOTS]
    images = [
        _photo(s, counterfeit=i >= len(SLOTS), corner=i % 4, seed=i) for i, s in enumerate(slots)
    ]
    scores = screener.score(images, slots)
    assert [score.slot for score in scores] == slots
    for score in scores:
        assert 0.0 <= score.probability <= 1.0
        assert set(score.feature_scores) == set(visual_slot_features([score.slot])[score.slot])
        assert all(0.0 <= value <= 1.0 for value in score.feature_scores.values())
        assert score.heatmap.shape == (PHOTO_SIZE, PHOTO_SIZE)
        assert score.heatmap.dtype == np.float32
        assert score.heatmap.min() >= 0.0 and score.heatmap.max() <= 1.0
    authentic, counterfeit = scores[: len(SLOTS)], scores[len(SLOTS) :]
    assert max(s.probability for s in authentic) < min(s.probability for s in counterfeit)
    for score in counterfeit:
        assert score.heatmap.max() == pytest.approx(1.0)
        assert score.heatmap.min() == pytest.approx(0.0)
        assert score.heatmap.std() > 0.05
    # date_code shows serial_format too, but that is the OCR rules' business.
    assert "serial_format" not in scores[SLOTS.index("date_code")].feature_scores


def test_it_calibrates_the_probability_with_the_temperature(screener: Screener) -> None:
    [score] = screener.score([_photo("dial", True, 0, seed=5)], ["dial"])
    expected = 1.0 / (1.0 + np.exp(-score.logit / screener.temperature))
    assert score.probability == pytest.approx(expected, rel=1e-5)


def test_it_matches_the_bare_forward_pass(screener: Screener) -> None:
    images = [_photo("stitching", True, 1, seed=7), _photo("caseback", False, 2, seed=8)]
    slots = ["stitching", "caseback"]
    batch, slot_index = screener.preprocess(images, slots)
    assert batch.shape == (2, 3, PHOTO_SIZE, PHOTO_SIZE)
    logits, feature_logits = screener.forward_logits(batch, slot_index)
    assert feature_logits.shape == (2, len(VISUAL_FEATURES))
    scores = screener.score(images, slots)
    assert [s.logit for s in scores] == pytest.approx(logits.tolist(), abs=1e-5)


def test_it_gives_the_bare_forward_pass_scores_for_every_slot(screener: Screener) -> None:
    slots = [*SLOTS, *SLOTS]
    images = [_photo(s, i % 2 == 0, i % 4, seed=60 + i) for i, s in enumerate(slots)]
    logits, feature_logits = screener.forward_logits(*screener.preprocess(images, slots))
    probabilities = torch.sigmoid(logits / screener.temperature)
    feature_probabilities = torch.sigmoid(feature_logits)
    features = screener.model.features
    for row, score in enumerate(screener.score(images, slots)):
        assert score.logit == pytest.approx(float(logits[row]), abs=1e-5)
        assert score.probability == pytest.approx(float(probabilities[row]), abs=1e-6)
        for feature, value in score.feature_scores.items():
            expected = float(feature_probabilities[row, features.index(feature)])
            assert value == pytest.approx(expected, abs=1e-6)


def test_its_closed_form_gradient_is_the_autograd_gradient(screener: Screener) -> None:
    slots = [*SLOTS, *SLOTS]
    images = [_photo(s, i % 2 == 1, i % 4, seed=80 + i) for i, s in enumerate(slots)]
    batch, slot_index = screener.preprocess(images, slots)
    model = screener.model
    with torch.inference_mode():
        feature_map = model.feature_map(batch)
        counterfeit, feature_logits, gradient = model.head_with_gradient(feature_map, slot_index)
    pooled = feature_map.clone().mean(dim=(2, 3)).requires_grad_(True)
    with torch.enable_grad():
        # The head from the pooled features on, as ``PreScreenNet.head`` runs it.
        scale, shift = model.film(model.slot_embedding(slot_index)).chunk(2, dim=1)
        hidden = model.hidden(pooled * (1.0 + scale) + shift)
        expected_counterfeit = model.counterfeit_head(hidden).squeeze(1)
        (expected,) = torch.autograd.grad(expected_counterfeit.sum(), pooled)
    assert torch.allclose(gradient, expected, rtol=1e-4, atol=1e-6)
    plain_counterfeit, plain_features = screener.forward_logits(batch, slot_index)
    assert torch.equal(counterfeit, plain_counterfeit)
    assert torch.equal(feature_logits, plain_features)


def test_it_refuses_the_closed_form_gradient_in_training_mode(screener: Screener) -> None:
    batch, slot_index = screener.preprocess([_photo("dial", True, 0, seed=2)], ["dial"])
    with torch.inference_mode():
        feature_map = screener.model.feature_map(batch)
    screener.model.train()
    try:
        with pytest.raises(RuntimeError, match="needs eval mode"):
            screener.model.head_with_gradient(feature_map, slot_index)
    finally:
        screener.model.eval()


@pytest.mark.parametrize("corner", [0, 1, 2, 3])
def test_it_puts_the_heat_where_the_deviation_is(screener: Screener, corner: int) -> None:
    images = [_photo(slot, True, corner, seed=100 + i) for i, slot in enumerate(SLOTS)]
    scores = screener.score(images, list(SLOTS))
    mean_heatmap = np.mean([score.heatmap for score in scores], axis=0)
    mass = _quadrant_mass(mean_heatmap)
    others = [m for quadrant, m in enumerate(mass) if quadrant != corner]
    assert mass[corner] > max(others)


def test_it_scores_the_same_photos_the_same_way_every_time(screener: Screener) -> None:
    images = [_photo(slot, i % 2 == 1, i % 4, seed=40 + i) for i, slot in enumerate(SLOTS)]
    first = screener.score(images, list(SLOTS))
    second = screener.score(images, list(SLOTS))
    for a, b in zip(first, second, strict=True):
        assert a.probability == b.probability
        assert a.feature_scores == b.feature_scores
        assert np.array_equal(a.heatmap, b.heatmap)
    # A photo's score does not depend on the others in its batch.
    [alone] = screener.score(images[2:3], [SLOTS[2]])
    assert alone.probability == pytest.approx(first[2].probability, abs=1e-5)


def test_it_refuses_a_slot_it_does_not_know(screener: Screener) -> None:
    with pytest.raises(ValueError, match="does not screen slot 'zipper_pull'"):
        screener.score([_photo("dial", False, 0, seed=1)], ["zipper_pull"])
    with pytest.raises(ValueError, match="1 images but 2 slots"):
        screener.score([_photo("dial", False, 0, seed=1)], ["dial", "dial"])
    assert screener.score([], []) == []


def test_it_resizes_as_pil_bilinear_does(screener: Screener) -> None:
    # Larger photos are shrunk by torch's antialiased bilinear, in place of PIL's: the same
    # filter, so the model sees the pixels it was always given, up to rounding.
    photo = _photo("dial", True, 1, seed=4).resize((3 * PHOTO_SIZE, 3 * PHOTO_SIZE))
    pil = np.asarray(photo.resize((PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.BILINEAR))
    pixels = photo_pixels(photo, PHOTO_SIZE).permute(1, 2, 0).numpy()
    difference = np.abs(pixels.astype(int) - pil.astype(int))
    assert difference.max() <= 1
    assert (difference > 0).mean() < 0.01


def test_it_centre_crops_a_non_square_photo(screener: Screener) -> None:
    square = _photo("dial", True, 0, seed=3)
    wide = Image.new("RGB", (PHOTO_SIZE + 32, PHOTO_SIZE), (255, 0, 255))
    wide.paste(square, (16, 0))
    square_batch, _ = screener.preprocess([square], ["dial"])
    wide_batch, _ = screener.preprocess([wide], ["dial"])
    assert torch.equal(square_batch, wide_batch)


def test_it_overlays_the_heatmap_at_the_photo_size(screener: Screener) -> None:
    photo = _photo("brand_stamp", True, 3, seed=9)
    [score] = screener.score([photo], ["brand_stamp"])
    overlay = heatmap_overlay(photo, score.heatmap)
    assert overlay.size == photo.size and overlay.mode == "RGB"
    changed = np.abs(np.asarray(overlay, float) - np.asarray(photo, float)).sum(axis=2)
    # Heat colours the photo; where the heatmap is zero the photo shows through untouched.
    assert changed[score.heatmap > 0.8].mean() > 20
    assert changed[score.heatmap == 0.0].max() == 0


def test_it_shrinks_a_large_photo_for_the_overlay() -> None:
    photo = Image.new("RGB", (2000, 1500), (120, 110, 100))
    heatmap = np.zeros((64, 64), dtype=np.float32)
    heatmap[:8, :8] = 1.0
    overlay = heatmap_overlay(photo, heatmap)
    assert overlay.size == (OVERLAY_MAX_SIDE, 600)
    pixels = np.asarray(overlay)
    # The heat lands in the top-left of the centred square; the side bands stay untouched.
    assert tuple(pixels[10, 110]) != (120, 110, 100)
    assert tuple(pixels[10, 20]) == (120, 110, 100)
    assert tuple(pixels[500, 500]) == (120, 110, 100)


def test_it_loads_each_model_version_once_per_process(model_file: Path, tmp_path: Path) -> None:
    sha = artifact_sha256(model_file)
    first = screener_get(model_file, sha, threads=1)
    assert screener_get(model_file, sha, threads=1) is first
    assert first.sha256 == sha
    copy = tmp_path / "copy.pt"
    copy.write_bytes(model_file.read_bytes())
    assert screener_get(copy, sha, threads=1) is not first
    with pytest.raises(ArtifactError, match="expected 0000"):
        screener_get(model_file, "0" * 64, threads=1)
