"""The model file: a round trip keeps everything, and every broken file is refused clearly.

No training is needed: an untrained network has the same state_dict layout as a trained one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from ml.artifact import (
    FORMAT_VERSION,
    ArtifactError,
    artifact_sha256,
    load_artifact,
    save_artifact,
    sidecar_path,
)
from ml.data import visual_slot_features
from ml.features import SCREENED_SLOTS, VISUAL_FEATURES
from ml.model import PreScreenNet

SLOTS = tuple(SCREENED_SLOTS)
METRICS = {
    "validation": {"calibrated": {"accuracy": 0.9, "auroc": 0.95, "ece": 0.02, "nll": 0.3}},
    "per_slot_accuracy": {"dial": 0.9},
    "epochs_run": 3,
    "training_seconds": 12.5,
    "stopped_early": False,
}


def _network(slots: tuple[str, ...] = SLOTS, image_size: int = 64) -> PreScreenNet:
    torch.manual_seed(0)
    return PreScreenNet(
        arch="mobilenet_v3_small",
        image_size=image_size,
        slots=slots,
        features=VISUAL_FEATURES,
        slot_features=visual_slot_features(slots),
    )


@pytest.fixture
def model_file(tmp_path: Path) -> Path:
    return save_artifact(
        tmp_path / "models" / "prescreen.pt",
        model=_network(),
        temperature=1.7,
        data_hash="ab" * 32,
        config={"seed": 3, "epochs": 4, "data": Path("/data/demo")},
        metrics=METRICS,
    )


def _rewrite(path: Path, **changes: object) -> None:
    content = torch.load(path, weights_only=True)
    content.update(changes)
    torch.save(content, path)


def test_it_round_trips_weights_and_description(model_file: Path) -> None:
    loaded = load_artifact(model_file)
    original = _network()
    for name, tensor in original.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[name], tensor), name
    assert loaded.slots == SLOTS
    assert loaded.features == VISUAL_FEATURES
    assert loaded.image_size == 64
    assert loaded.temperature == 1.7
    assert loaded.labels == ("authentic", "counterfeit")
    assert loaded.metrics == METRICS
    assert loaded.config["data"] == "/data/demo"
    assert loaded.sha256 == artifact_sha256(model_file)
    assert not loaded.model.training
    assert loaded.model.slot_features["date_code"] == ("code_font",)


def test_it_writes_a_readable_sidecar_without_weights(model_file: Path) -> None:
    sidecar = json.loads(sidecar_path(model_file).read_text(encoding="utf-8"))
    assert sidecar["format_version"] == FORMAT_VERSION
    assert sidecar["temperature"] == 1.7
    assert sidecar["sha256"] == artifact_sha256(model_file)
    assert "state_dict" not in sidecar
    assert sidecar["slot_features"]["stitching"] == ["stitch_pitch", "stitch_slant"]


def test_it_refuses_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.pt"
    with pytest.raises(ArtifactError, match=f"model file not found: {missing}"):
        load_artifact(missing)


def test_it_refuses_a_truncated_file(model_file: Path) -> None:
    content = model_file.read_bytes()
    model_file.write_bytes(content[: len(content) // 2])
    with pytest.raises(ArtifactError, match="corrupt or truncated"):
        load_artifact(model_file)


def test_it_refuses_a_file_that_is_not_a_model(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"GIF89a not a model at all" * 40)
    with pytest.raises(ArtifactError, match="corrupt or truncated"):
        load_artifact(garbage)


def test_it_refuses_a_pickle_that_would_run_code(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.pt"
    torch.save({"format_version": FORMAT_VERSION, "payload": Path("/etc")}, hostile)
    with pytest.raises(ArtifactError, match="corrupt or truncated"):
        load_artifact(hostile)


def test_it_refuses_another_format_version(model_file: Path) -> None:
    _rewrite(model_file, format_version=FORMAT_VERSION + 1)
    with pytest.raises(ArtifactError, match=f"format version {FORMAT_VERSION + 1}"):
        load_artifact(model_file)


def test_it_names_the_missing_keys(model_file: Path) -> None:
    content = torch.load(model_file, weights_only=True)
    del content["temperature"], content["slots"]
    torch.save(content, model_file)
    with pytest.raises(ArtifactError, match="lacks required keys: slots, temperature"):
        load_artifact(model_file)


def test_it_refuses_weights_that_do_not_fit_the_architecture(model_file: Path) -> None:
    # Weights of a network that knows two slots, described as one that knows six.
    two_slots = _network(slots=("dial", "caseback"))
    _rewrite(model_file, state_dict=two_slots.state_dict())
    with pytest.raises(ArtifactError, match="do not fit architecture.*slot_embedding"):
        load_artifact(model_file)


def test_it_refuses_an_unknown_architecture(model_file: Path) -> None:
    _rewrite(model_file, arch="resnet1000")
    with pytest.raises(ArtifactError, match="unknown architecture 'resnet1000'"):
        load_artifact(model_file)


def test_it_refuses_a_non_positive_temperature(model_file: Path) -> None:
    _rewrite(model_file, temperature=0.0)
    with pytest.raises(ArtifactError, match="invalid temperature"):
        load_artifact(model_file)


def test_it_replaces_a_model_file_whole(model_file: Path) -> None:
    before = artifact_sha256(model_file)
    save_artifact(
        model_file,
        model=_network(),
        temperature=2.0,
        data_hash="cd" * 32,
        config={},
        metrics={},
    )
    assert artifact_sha256(model_file) != before
    assert load_artifact(model_file).temperature == 2.0
    assert sorted(p.name for p in model_file.parent.iterdir()) == [
        "prescreen.pt",
        "prescreen.pt.json",
    ]
