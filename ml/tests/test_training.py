"""Training the pre-screen end to end on a small dataset the tests draw themselves.

The toy dataset follows the generator's contract (layout, manifest) but is trivial to learn: a
counterfeit carries a striped patch, whose stripe direction says which feature deviates, in a
random corner; authentic photos carry a plain patch there instead, so "any patch" is not
enough. A few date-code counterfeits deviate in ``serial_format`` only and look authentic.
``write_toy_dataset`` is shared with the inference tests.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from ml.artifact import REQUIRED_KEYS, load_artifact, save_artifact
from ml.calibration import binary_nll, expected_calibration_error, fit_temperature
from ml.data import load_dataset, read_manifest, split_train_validation
from ml.evaluation import auroc
from ml.features import SCREENED_SLOTS, SLOT_FEATURES, VISUAL_FEATURES
from ml.training import TrainConfig, TrainResult, predict, train

TOY_IMAGE_SIZE = 64
TOY_CONFIG = TrainConfig(
    epochs=8,
    image_size=48,
    batch_size=32,
    seed=3,
    patience=8,
    max_minutes=1.0,
    # One thread: on a busy two-core machine a second thread mostly waits for its partner.
    threads=1,
    learning_rate=4e-3,
)
_SLOT_COLOURS = {
    "brand_stamp": (150, 60, 40),
    "stitching": (90, 70, 50),
    "hardware_engraving": (180, 160, 90),
    "date_code": (120, 80, 60),
    "dial": (30, 40, 60),
    "caseback": (170, 170, 175),
}
# Every fourth date-code counterfeit has only a serial-number rule violation.
_SERIAL_ONLY_EVERY = 4


def toy_photo(
    slot: str, feature: str | None, corner: int, rng: np.random.Generator, size: int
) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """A toy photo of ``slot`` with a patch in ``corner`` (0-3, reading order); a striped
    patch when ``feature`` deviates, a plain one otherwise. Returns the patch's box."""
    base = np.array(_SLOT_COLOURS[slot], dtype=float)
    pixels = base + rng.normal(0.0, 12.0, size=(size, size, 3))
    patch = size * 3 // 8
    margin = size // 16
    x0 = margin if corner % 2 == 0 else size - margin - patch
    y0 = margin if corner < 2 else size - margin - patch
    yy, xx = np.mgrid[0:patch, 0:patch]
    if feature is None:
        pattern = np.full((patch, patch), 0.5)
    else:
        angle = math.pi * VISUAL_FEATURES.index(feature) / len(VISUAL_FEATURES)
        phase = (xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / 4.0
        pattern = 0.5 + 0.5 * np.sign(np.sin(phase))
    pixels[y0 : y0 + patch, x0 : x0 + patch] = 40.0 + 200.0 * pattern[..., None]
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    box = (x0 / size, y0 / size, (x0 + patch) / size, (y0 + patch) / size)
    return image, box


def write_toy_dataset(root: Path, *, per_class: int, seed: int, size: int = TOY_IMAGE_SIZE) -> Path:
    """Write a toy dataset in the generator's layout and return its folder."""
    rng = np.random.default_rng(seed)
    lines = []
    for slot in SCREENED_SLOTS:
        visual = [f for f in SLOT_FEATURES[slot] if f in VISUAL_FEATURES]
        for label in ("authentic", "counterfeit"):
            folder = root / slot / label
            folder.mkdir(parents=True)
            for index in range(per_class):
                number = index if label == "authentic" else per_class + index
                corner = int(rng.integers(4))
                serial_only = (
                    label == "counterfeit"
                    and slot == "date_code"
                    and index % _SERIAL_ONLY_EVERY == 0
                )
                feature = None
                if label == "counterfeit" and not serial_only:
                    feature = visual[int(rng.integers(len(visual)))]
                image, box = toy_photo(slot, feature, corner, rng, size)
                relative = f"{slot}/{label}/{slot}-{number:06d}.jpg"
                image.save(root / relative, quality=92)
                deviations = {feature: 0.8} if feature else {}
                if serial_only:
                    deviations = {"serial_format": 0.5}
                lines.append(
                    {
                        "path": relative,
                        "slot": slot,
                        "category": SCREENED_SLOTS[slot],
                        "brand": "Chanel" if SCREENED_SLOTS[slot] == "handbag" else "Omega",
                        "label": label,
                        "deviations": deviations,
                        "regions": {feature: list(box)} if feature else {},
                        "serial": None,
                        "serial_violation": "week_out_of_range" if serial_only else None,
                        # Pairs of images share a group, as renders of one item would.
                        "split_group": f"{slot}-{label}-{index // 2}",
                    }
                )
    manifest = "".join(json.dumps(line) + "\n" for line in lines)
    (root / "manifest.jsonl").write_text(manifest, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def toy_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_toy_dataset(tmp_path_factory.mktemp("toy"), per_class=40, seed=11)


@pytest.fixture(scope="module")
def held_out_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_toy_dataset(tmp_path_factory.mktemp("held_out"), per_class=20, seed=99)


@pytest.fixture(scope="module")
def trained(toy_dataset: Path) -> TrainResult:
    return train(data_dir=toy_dataset, config=TOY_CONFIG, progress=False)


def test_it_learns_a_visible_difference_that_holds_on_a_held_out_set(
    trained: TrainResult, held_out_dataset: Path
) -> None:
    held_out = load_dataset(held_out_dataset, TOY_CONFIG.image_size)
    logits, feature_logits = predict(trained.model, held_out)
    labels = held_out.counterfeit
    accuracy = float(((logits > 0).float() == labels).float().mean())
    overall = auroc(labels.numpy(), logits.numpy())
    assert overall is not None and overall > 0.85
    assert accuracy > 0.75
    # The feature heads learn too: stripe direction tells the deviating feature apart.
    column = VISUAL_FEATURES.index("stitch_pitch")
    stitching = held_out.slot_index == held_out.slots.index("stitching")
    pitch_auroc = auroc(
        held_out.feature_targets[stitching, column].numpy(),
        feature_logits[stitching, column].numpy(),
    )
    assert pitch_auroc is not None and pitch_auroc > 0.7


def test_it_reports_the_metrics_the_artifact_promises(trained: TrainResult) -> None:
    metrics = trained.metrics
    for phase in ("uncalibrated", "calibrated"):
        assert set(metrics["validation"][phase]) == {"accuracy", "auroc", "ece", "nll"}
    assert set(metrics["per_slot_accuracy"]) == set(SCREENED_SLOTS)
    assert metrics["epochs_run"] == len(trained.history) >= 1
    assert metrics["stop_reason"] in {"epochs", "patience", "time_budget"}
    assert isinstance(metrics["training_seconds"], float)


def test_it_writes_an_artifact_with_every_required_key(
    trained: TrainResult, tmp_path: Path
) -> None:
    path = save_artifact(
        tmp_path / "model.pt",
        model=trained.model,
        temperature=trained.temperature,
        data_hash=trained.data_hash,
        config=trained.config.as_dict(),
        metrics=trained.metrics,
    )
    content = torch.load(path, weights_only=True)
    assert REQUIRED_KEYS <= set(content)
    assert content["data_hash"] == trained.data_hash and len(trained.data_hash) == 64
    assert content["config"]["seed"] == TOY_CONFIG.seed
    assert load_artifact(path).slots == tuple(SCREENED_SLOTS)


def test_it_fits_a_positive_temperature_that_does_not_worsen_validation_nll(
    trained: TrainResult,
) -> None:
    validation = trained.metrics["validation"]
    assert trained.temperature > 0
    assert validation["calibrated"]["nll"] <= validation["uncalibrated"]["nll"] + 1e-9
    # Temperature keeps the ranking and the decision.
    assert validation["calibrated"]["auroc"] == validation["uncalibrated"]["auroc"]


def test_it_stops_early_when_the_validation_loss_does_not_improve(toy_dataset: Path) -> None:
    frozen = replace(TOY_CONFIG, learning_rate=0.0, epochs=6, patience=2, max_minutes=10.0)
    result = train(data_dir=toy_dataset, config=frozen, progress=False)
    assert result.metrics["stopped_early"] is True
    assert result.metrics["stop_reason"] == "patience"
    # Stopped right after `patience` epochs without improvement, before running out of epochs.
    assert result.metrics["epochs_run"] == result.metrics["best_epoch"] + frozen.patience
    assert result.metrics["epochs_run"] < frozen.epochs


def test_it_repeats_a_run_exactly_from_the_same_seed(toy_dataset: Path) -> None:
    # A budget that cannot bind: when it does, the schedule follows the clock, not the seed.
    short = replace(TOY_CONFIG, epochs=2, max_minutes=10.0)
    first = train(data_dir=toy_dataset, config=short, progress=False)
    second = train(data_dir=toy_dataset, config=short, progress=False)
    strip = ("elapsed_s",)
    assert [{k: v for k, v in vars(s).items() if k not in strip} for s in first.history] == [
        {k: v for k, v in vars(s).items() if k not in strip} for s in second.history
    ]
    assert first.temperature == second.temperature
    for name, tensor in first.model.state_dict().items():
        assert torch.equal(tensor, second.model.state_dict()[name]), name


def test_it_treats_a_serial_only_counterfeit_as_visually_authentic(toy_dataset: Path) -> None:
    data = load_dataset(toy_dataset, 32)
    serial_only = [
        row for row, e in enumerate(data.entries) if set(e.deviations) == {"serial_format"}
    ]
    assert serial_only
    assert all(data.entries[row].label == "counterfeit" for row in serial_only)
    assert all(float(data.counterfeit[row]) == 0.0 for row in serial_only)
    assert float(data.feature_targets[serial_only].sum()) == 0.0


def test_it_splits_whole_groups_and_keeps_both_classes_of_every_slot_on_both_sides(
    toy_dataset: Path,
) -> None:
    entries = read_manifest(toy_dataset)
    train_rows, validation_rows = split_train_validation(entries, validation_fraction=0.25, seed=5)
    assert sorted(train_rows + validation_rows) == list(range(len(entries)))
    train_groups = {entries[r].split_group for r in train_rows}
    assert not train_groups & {entries[r].split_group for r in validation_rows}
    validation_strata = Counter((entries[r].slot, entries[r].label) for r in validation_rows)
    assert len(validation_strata) == 2 * len(SCREENED_SLOTS)
    # 20 groups per stratum, a quarter of them held out.
    assert set(validation_strata.values()) == {10}
    other = split_train_validation(entries, validation_fraction=0.25, seed=6)
    assert other[1] != validation_rows


def test_it_hashes_the_dataset_content(toy_dataset: Path, tmp_path: Path) -> None:
    first = load_dataset(toy_dataset, 32).data_hash
    assert load_dataset(toy_dataset, 32).data_hash == first
    copy = write_toy_dataset(tmp_path / "copy", per_class=40, seed=11)
    assert load_dataset(copy, 32).data_hash == first
    image = next((copy / "dial" / "authentic").iterdir())
    Image.open(image).rotate(90).save(image, quality=92)
    assert load_dataset(copy, 32).data_hash != first


def test_it_fits_the_temperature_that_undoes_known_overconfidence() -> None:
    rng = random.Random(0)
    true_logits = [rng.gauss(0.0, 2.0) for _ in range(4000)]
    labels = [1.0 if rng.random() < 1 / (1 + math.exp(-z)) else 0.0 for z in true_logits]
    overconfident = [3.0 * z for z in true_logits]
    temperature = fit_temperature(overconfident, labels)
    assert 2.5 < temperature < 3.5
    assert binary_nll(overconfident, labels, temperature) < binary_nll(overconfident, labels)
    before = expected_calibration_error([1 / (1 + math.exp(-z)) for z in overconfident], labels)
    after = expected_calibration_error(
        [1 / (1 + math.exp(-z / temperature)) for z in overconfident], labels
    )
    assert after < before / 2


def test_it_measures_calibration_error_per_bin() -> None:
    # Half the images at 0.9, half of them counterfeit (gap 0.4); half at 0.1, none (gap 0.1).
    probabilities = [0.9] * 4 + [0.1] * 4
    labels = [1, 1, 0, 0, 0, 0, 0, 0]
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.25)
    assert expected_calibration_error([1.0, 0.0], [1, 0]) == 0.0
