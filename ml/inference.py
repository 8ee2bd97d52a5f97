"""Scoring a submission's photos with the trained pre-screen, with a heatmap for each.

A worker loads a model file once (``screener_get`` caches it per path and SHA-256, so a new
version is picked up as soon as its hash is asked for) and then scores all photos of a
submission in one batched forward pass. Each photo gets the calibrated counterfeit probability,
a score per visual feature of its slot, and a Grad-CAM heatmap saying where in the photo the
counterfeit evidence is, for the expert's review screen (``heatmap_overlay``).

Everything runs under ``torch.inference_mode``, Grad-CAM included: the head pools the feature
map by its mean and then applies FiLM, a linear layer, Hardswish and the counterfeit head, so
the counterfeit logit's gradient by the feature map has a closed form
(``PreScreenNet.head_with_gradient``) that is the gradient autograd would compute, at the cost
of two small matrix products instead of a backward pass.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray
from PIL import Image
from torch import Tensor

from ml.artifact import ArtifactError, LoadedArtifact, load_artifact
from ml.data import photo_pixels, square_crop_box
from ml.model import normalise

# The overlay is for a review screen, not for measuring: larger photos are shrunk to this.
OVERLAY_MAX_SIDE = 800
# Opacity of the hottest heatmap colour; cold areas fade to fully transparent so the photo
# stays readable where the model saw nothing.
_OVERLAY_OPACITY = 0.6
# Heat -> colour stops (dark blue, cyan, yellow, red), a small perceptual-ish ramp.
_COLOUR_STOPS = np.array([0.0, 0.35, 0.65, 1.0])
_COLOURS = np.array([[20, 20, 140], [0, 170, 255], [255, 225, 0], [220, 20, 20]], dtype=float)


@dataclass(frozen=True)
class PhotoScore:
    """What the pre-screen says about one photo."""

    slot: str
    probability: float  # calibrated: sigmoid(logit / temperature)
    logit: float
    feature_scores: dict[str, float]  # the slot's visual features only, sigmoid of each head
    heatmap: NDArray[np.float32]  # image_size x image_size, in [0, 1]


class Screener:
    """A loaded model, ready to score photos; cheap to call, expensive to create."""

    def __init__(self, artifact: LoadedArtifact) -> None:
        self.artifact = artifact
        self.model = artifact.model.eval()
        # Inference never trains, and Grad-CAM's gradient is written out, not taken by autograd.
        for parameter in self.model.parameters():
            parameter.requires_grad_(False)
        # Each slot's own features and their columns in the feature logits, looked up once.
        self._feature_columns = {
            slot: [(feature, self.model.features.index(feature)) for feature in features]
            for slot, features in self.model.slot_features.items()
        }

    @classmethod
    def load(cls, path: Path, *, threads: int = 2) -> Screener:
        """Load a model file; ``threads`` fixes torch's CPU threads for this process."""
        torch.set_num_threads(threads)
        return cls(load_artifact(Path(path)))

    @property
    def slots(self) -> tuple[str, ...]:
        """The slots this model can judge; callers leave photos of other slots out."""
        return self.model.slots

    @property
    def sha256(self) -> str:
        return self.artifact.sha256

    @property
    def image_size(self) -> int:
        return self.model.image_size

    @property
    def temperature(self) -> float:
        return self.artifact.temperature

    def preprocess(
        self, images: Sequence[Image.Image], slots: Sequence[str]
    ) -> tuple[Tensor, Tensor]:
        """The model's input batch (N x 3 x S x S, normalised) and slot indices (N)."""
        if len(images) != len(slots):
            raise ValueError(f"{len(images)} images but {len(slots)} slots; give one per image")
        for slot in slots:
            if slot not in self.model.slots:
                known = ", ".join(self.model.slots)
                raise ValueError(f"this model does not screen slot {slot!r}; it knows: {known}")
        # Each photo goes straight into the batch, through numpy: a torch copy would wake
        # torch's thread pool for every photo, and stacking afterwards would copy them twice.
        pixels = np.empty((len(images), 3, self.image_size, self.image_size), dtype=np.uint8)
        for row, image in enumerate(images):
            pixels[row] = photo_pixels(image, self.image_size).numpy()
        slot_index = torch.tensor([self.model.slots.index(s) for s in slots], dtype=torch.int64)
        return normalise(torch.from_numpy(pixels)), slot_index

    def forward_logits(self, batch: Tensor, slot_index: Tensor) -> tuple[Tensor, Tensor]:
        """The bare forward pass: uncalibrated counterfeit logits (N), feature logits (N x F)."""
        with torch.inference_mode():
            counterfeit, features = self.model(batch, slot_index)
        return counterfeit, features

    def score(self, images: Sequence[Image.Image], slots: Sequence[str]) -> list[PhotoScore]:
        """Score every photo in one batch; ``slots[i]`` is the slot ``images[i]`` was taken for."""
        if not images and not slots:
            return []
        batch, slot_index = self.preprocess(images, slots)
        with torch.inference_mode():
            feature_map = self.model.feature_map(batch)
            counterfeit, feature_logits, gradient = self.model.head_with_gradient(
                feature_map, slot_index
            )
            heatmaps = _grad_cam(feature_map, gradient, self.image_size)
            probabilities = torch.sigmoid(counterfeit / self.temperature).tolist()
            feature_probabilities = torch.sigmoid(feature_logits).tolist()
            logits = counterfeit.tolist()
        return [
            PhotoScore(
                slot=slot,
                probability=probabilities[row],
                logit=logits[row],
                feature_scores={
                    feature: feature_probabilities[row][column]
                    for feature, column in self._feature_columns[slot]
                },
                heatmap=heatmaps[row],
            )
            for row, slot in enumerate(slots)
        ]


def _grad_cam(feature_map: Tensor, gradient: Tensor, size: int) -> NDArray[np.float32]:
    """Grad-CAM per photo, upsampled to ``size`` and stretched to [0, 1] per photo.

    ``gradient`` is the counterfeit logit's gradient by each pooled channel (N x C). The head
    pools by the mean, so the gradient by every position of a channel is that divided by the
    number of positions, and Grad-CAM's channel weight (the mean of those) is the same number.

    The stretch removes the evidence every position shares (with a pooled head that baseline
    is large) and keeps where it differs, which is what the expert needs to see. A photo with
    no positive evidence anywhere, or the same everywhere, gets an all-zero map rather than
    amplified noise.
    """
    _, _, height, width = feature_map.shape
    weights = gradient / (height * width)
    cam = F.relu(torch.einsum("nc,nchw->nhw", weights, feature_map))
    # Bilinear upsampling as two small matrix products: four times faster than F.interpolate
    # on a batch, for the same weights.
    cam = torch.matmul(_upsampling(height, size).T, torch.matmul(cam, _upsampling(width, size)))
    low = cam.amin(dim=(1, 2), keepdim=True)
    high = cam.amax(dim=(1, 2), keepdim=True)
    spread = high - low
    # Dividing by infinity zeroes a flat map in the same pass.
    spread[spread <= 1e-6 * high.clamp(min=1e-12)] = torch.inf
    # In place: the maps are the largest tensor here after the input batch.
    cam.sub_(low).div_(spread)
    return cam.numpy()


@functools.cache
def _upsampling(cells: int, size: int) -> Tensor:
    """cells x size: the weight of each cell in each pixel when bilinearly upsampling one axis.

    The same weights as ``F.interpolate(mode="bilinear", align_corners=False)``, which is what
    each row is: the upsampled unit vector of its cell.
    """
    identity = torch.eye(cells).view(cells, 1, cells)
    return F.interpolate(identity, size=size, mode="linear", align_corners=False).squeeze(1)


def heatmap_overlay(image: Image.Image, heatmap: NDArray[np.float32]) -> Image.Image:
    """The photo with the heatmap colour-mapped and blended over the part the model saw.

    The result has the photo's size, shrunk so its long side is at most ``OVERLAY_MAX_SIDE``.
    The heatmap covers the photo's centred square (what the model was given); the rest of a
    non-square photo is left as it is.
    """
    photo = image.convert("RGB")
    if max(photo.size) > OVERLAY_MAX_SIDE:
        photo.thumbnail((OVERLAY_MAX_SIDE, OVERLAY_MAX_SIDE), Image.Resampling.LANCZOS)
    box = square_crop_box(*photo.size)
    side = box[2] - box[0]
    heat_image = Image.fromarray(np.asarray(heatmap, dtype=np.float32))
    heat = np.clip(np.asarray(heat_image.resize((side, side), Image.Resampling.BILINEAR)), 0.0, 1.0)
    colours = np.stack(
        [np.interp(heat, _COLOUR_STOPS, _COLOURS[:, channel]) for channel in range(3)], axis=-1
    )
    alpha = (_OVERLAY_OPACITY * heat)[..., None]
    region = np.asarray(photo.crop(box), dtype=float)
    blended = region * (1.0 - alpha) + colours * alpha
    photo.paste(Image.fromarray(np.round(blended).astype(np.uint8)), box[:2])
    return photo


_SCREENERS: dict[tuple[str, str], Screener] = {}
_SCREENERS_LOCK = threading.Lock()


def screener_get(path: Path, sha256: str, *, threads: int = 2) -> Screener:
    """The process's Screener for this model file version, loading it on first use.

    The file's hash is checked on load, so a file replaced under the same name is never
    mistaken for the version a decision claims to have used. Older versions of the same path
    are dropped from the cache when a new one is loaded.
    """
    key = (str(Path(path).resolve()), sha256)
    with _SCREENERS_LOCK:
        cached = _SCREENERS.get(key)
        if cached is not None:
            return cached
        screener = Screener.load(Path(path), threads=threads)
        if screener.sha256 != sha256:
            raise ArtifactError(
                f"model file {path} has SHA-256 {screener.sha256}, expected {sha256}"
            )
        for stale in [k for k in _SCREENERS if k[0] == key[0]]:
            del _SCREENERS[stale]
        _SCREENERS[key] = screener
        return screener
