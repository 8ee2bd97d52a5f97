"""The trained pre-screen as one versioned file, and loading it back safely.

The file is ``torch.save`` of a dict holding only plain Python values and tensors, so it loads
with ``torch.load(..., weights_only=True)``: unpickling a model file can then never run code,
which matters because model files travel between machines. Everything needed to rebuild and
run the network is inside (architecture, input size, slot and feature order, temperature), plus
where it came from (data hash, training config, metrics, library versions). A JSON sidecar
``<file>.json`` repeats all of it except the weights, for people and for the admin.

``load_artifact`` turns every way a file can be wrong into an ``ArtifactError`` whose message
says what is wrong with which file, so a worker's log tells the operator what to fix.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import torch
import torchvision

from ml.features import LABELS
from ml.model import PreScreenNet

# Bump when the dict's keys or meaning change (including the pixel normalisation in
# ml/model.py); older files are then refused with a clear message instead of misbehaving.
FORMAT_VERSION = 1

REQUIRED_KEYS: frozenset[str] = frozenset(
    {
        "format_version",
        "arch",
        "image_size",
        "state_dict",
        "slots",
        "features",
        "labels",
        "slot_features",
        "temperature",
        "data_hash",
        "config",
        "metrics",
        "created_at",
        "torch_version",
        "torchvision_version",
    }
)


class ArtifactError(Exception):
    """A model file that cannot be used, with the reason in the message."""


@dataclass(frozen=True)
class LoadedArtifact:
    """A model file, loaded: the network in eval mode and what is known about it."""

    path: Path
    sha256: str
    model: PreScreenNet
    temperature: float
    labels: tuple[str, ...]
    data_hash: str
    config: dict[str, object]
    metrics: dict[str, object]
    created_at: str
    torch_version: str
    torchvision_version: str

    @property
    def slots(self) -> tuple[str, ...]:
        return self.model.slots

    @property
    def features(self) -> tuple[str, ...]:
        return self.model.features

    @property
    def image_size(self) -> int:
        return self.model.image_size


def sidecar_path(path: Path) -> Path:
    """Where the human-readable JSON description of a model file lives."""
    return path.with_name(path.name + ".json")


def save_artifact(
    path: Path,
    *,
    model: PreScreenNet,
    temperature: float,
    data_hash: str,
    config: Mapping[str, object],
    metrics: Mapping[str, object],
) -> Path:
    """Write the model file and its sidecar; returns the model file's path.

    Both are written to a temporary name and renamed into place, so a worker that loads the
    file while training finishes sees the old version or the new one, never half of one.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, not {temperature!r}")
    description: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "arch": model.arch,
        "image_size": model.image_size,
        "slots": list(model.slots),
        "features": list(model.features),
        "labels": list(LABELS),
        "slot_features": {slot: list(fs) for slot, fs in model.slot_features.items()},
        "temperature": float(temperature),
        "data_hash": data_hash,
        "config": _plain(config),
        "metrics": _plain(metrics),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "torch_version": str(torch.__version__),
        "torchvision_version": str(torchvision.__version__),
    }
    state_dict = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    torch.save({**description, "state_dict": state_dict}, partial)
    os.replace(partial, path)
    sidecar = sidecar_path(path)
    partial_sidecar = sidecar.with_name(sidecar.name + ".partial")
    description["sha256"] = artifact_sha256(path)
    partial_sidecar.write_text(json.dumps(description, indent=2) + "\n", encoding="utf-8")
    os.replace(partial_sidecar, sidecar)
    return path


def _plain(value: object) -> object:
    """A copy made of dicts, lists, str, int, float, bool and None only (JSON and weights_only
    both accept exactly these)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in a model file: {value!r}")


def _shortened(message: str, limit: int = 400) -> str:
    """torch's state_dict errors span many lines and name every tensor; one line is enough."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def artifact_sha256(path: Path) -> str:
    """SHA-256 of the model file's bytes: the version a decision was made with."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_artifact(path: Path) -> LoadedArtifact:
    """Load a model file written by ``save_artifact``; ``ArtifactError`` if it is unusable."""
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"model file not found: {path}")
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    # torch.load reports a damaged file through many exception types (zip, pickle, EOF,
    # runtime); each means the same thing here.
    except Exception as exc:
        raise ArtifactError(f"model file is corrupt or truncated: {path} ({exc})") from exc
    if not isinstance(content, dict) or "format_version" not in content:
        raise ArtifactError(f"not a pre-screen model file: {path}")
    version = content["format_version"]
    if version != FORMAT_VERSION:
        raise ArtifactError(
            f"model file {path} has format version {version!r}, but this code reads version "
            f"{FORMAT_VERSION}; retrain the model or deploy the code that wrote it"
        )
    missing = sorted(REQUIRED_KEYS - content.keys())
    if missing:
        raise ArtifactError(f"model file {path} lacks required keys: {', '.join(missing)}")
    temperature = content["temperature"]
    if not isinstance(temperature, float | int) or not temperature > 0:
        raise ArtifactError(f"model file {path} has an invalid temperature: {temperature!r}")
    try:
        model = PreScreenNet(
            arch=content["arch"],
            image_size=int(content["image_size"]),
            slots=content["slots"],
            features=content["features"],
            slot_features=content["slot_features"],
        )
        model.load_state_dict(content["state_dict"])
    except (ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise ArtifactError(
            f"model file {path}: the weights do not fit architecture {content['arch']!r}: "
            f"{_shortened(str(exc))}"
        ) from exc
    model.eval()
    return LoadedArtifact(
        path=path,
        sha256=artifact_sha256(path),
        model=model,
        temperature=float(temperature),
        labels=tuple(content["labels"]),
        data_hash=str(content["data_hash"]),
        config=dict(content["config"]),
        metrics=dict(content["metrics"]),
        created_at=str(content["created_at"]),
        torch_version=str(content["torch_version"]),
        torchvision_version=str(content["torchvision_version"]),
    )
