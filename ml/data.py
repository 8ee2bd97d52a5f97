"""Reading a pre-screen dataset for training: manifest, pixels, targets, split, augmentation.

The dataset layout is the generator's contract: ``DIR/<slot>/<label>/<slot>-<index>.jpg`` and
one JSON line per image in ``DIR/manifest.jsonl`` with the ground truth (which features deviate,
where, by how much). Everything is decoded once into one uint8 tensor in memory: at 160 px a
demo dataset of 3,600 photos is 280 MB, and on two CPU cores JPEG decoding every epoch would
cost more than the forward pass of a small network.

Targets come from ``deviations``, not from the folder label: the counterfeit target is 1 when
any *visual* feature deviates. A counterfeit whose only deviation is ``serial_format`` looks
exactly like an authentic photo (the code is well printed, just impossible), so the network is
taught to call it visually authentic; the OCR rules catch it.

Photos of any shape are centre-cropped to a square before resizing (``photo_pixels``), here and
at inference, because squeezing a 4:3 phone photo into a square would itself change letter
spacing and stitch pitch, the very things the model judges.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import Tensor

from ml.features import SCREENED_SLOTS, SLOT_FEATURES, VISUAL_FEATURES
from ml.model import normalise

MANIFEST_NAME = "manifest.jsonl"
DATASET_INFO_NAME = "dataset.json"

# Everything is held in memory as uint8; above this the dataset needs a streaming loader.
_MAX_CACHE_BYTES = 6 * 1024**3

# Augmentation strengths. They stay mild because the features being judged are themselves
# small geometric and photometric changes: a crop that zooms by 30% or a strong blur would
# create or erase a deviation and make the label wrong.
_CROP_AREA = (0.8, 1.0)
_CROP_ASPECT = (0.95, 1.05)
_MAX_ROTATION_DEGREES = 7.0
_BRIGHTNESS = 0.2
_CONTRAST = 0.15
_SATURATION = 0.2
_BLUR_PROBABILITY = 0.3
_BLUR_SIGMA_PX_AT_160 = (0.3, 0.9)
# A blurred engraving is the engraving_sharpness deviation itself, so slots that can show it
# are never blurred. There are no flips at all: every slot carries text or a handed stitch
# slant, and a mirror image would show a deviation no real item has.
_BLUR_FORBIDDEN_FEATURES = frozenset({"engraving_sharpness"})


@dataclass(frozen=True)
class ManifestEntry:
    """One image of the dataset, as the generator described it."""

    path: str
    slot: str
    category: str
    brand: str
    label: str
    deviations: dict[str, float]
    regions: dict[str, tuple[float, float, float, float]]
    serial: str | None
    serial_violation: str | None
    split_group: int | str

    @property
    def visually_counterfeit(self) -> bool:
        """Whether the pixels show the fake: any deviating feature the classifier can see."""
        return any(feature in VISUAL_FEATURES for feature in self.deviations)


@dataclass(frozen=True)
class ScreeningData:
    """A whole dataset decoded in memory, row-aligned with ``entries``."""

    entries: tuple[ManifestEntry, ...]
    pixels: Tensor  # N x 3 x S x S, uint8
    slot_index: Tensor  # N, int64, index into ``slots``
    counterfeit: Tensor  # N, float32, 1 = visually counterfeit
    feature_targets: Tensor  # N x F, float32, 1 = that feature deviates
    slots: tuple[str, ...]
    features: tuple[str, ...]
    data_hash: str

    def __len__(self) -> int:
        return len(self.entries)


def read_manifest(data_dir: Path) -> list[ManifestEntry]:
    """The manifest's entries in file order; a missing file or unknown slot is an error."""
    manifest = data_dir / MANIFEST_NAME
    if not manifest.is_file():
        raise FileNotFoundError(f"dataset manifest not found: {manifest}")
    entries = []
    with manifest.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["slot"] not in SCREENED_SLOTS:
                raise ValueError(f"{manifest}:{number}: unknown slot {row['slot']!r}")
            entries.append(
                ManifestEntry(
                    path=row["path"],
                    slot=row["slot"],
                    category=row["category"],
                    brand=row["brand"],
                    label=row["label"],
                    deviations={k: float(v) for k, v in row["deviations"].items()},
                    regions={k: _box(v) for k, v in row.get("regions", {}).items()},
                    serial=row.get("serial"),
                    serial_violation=row.get("serial_violation"),
                    split_group=row["split_group"],
                )
            )
    if not entries:
        raise ValueError(f"dataset manifest is empty: {manifest}")
    return entries


def _box(values: Sequence[float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in values)
    return x0, y0, x1, y1


def load_dataset(data_dir: Path, image_size: int) -> ScreeningData:
    """Decode every image of the manifest at ``image_size`` and hash the dataset on the way.

    The data hash is the SHA-256 over the sorted (relative path, file SHA-256) pairs of every
    image plus the manifest (and ``dataset.json`` when present), so an artifact names exactly
    the bytes it was trained on.
    """
    entries = read_manifest(data_dir)
    cache_bytes = len(entries) * 3 * image_size * image_size
    if cache_bytes > _MAX_CACHE_BYTES:
        raise ValueError(
            f"{len(entries)} images at {image_size} px need {cache_bytes / 1024**3:.1f} GiB "
            "in memory; use a smaller dataset or image size"
        )
    slots = tuple(slot for slot in SCREENED_SLOTS if any(e.slot == slot for e in entries))
    pixels = torch.empty(len(entries), 3, image_size, image_size, dtype=torch.uint8)
    file_hashes: dict[str, str] = {}
    for row, entry in enumerate(entries):
        content = (data_dir / entry.path).read_bytes()
        file_hashes[entry.path] = hashlib.sha256(content).hexdigest()
        with Image.open(io.BytesIO(content)) as photo:
            pixels[row] = photo_pixels(photo, image_size)
    for extra in (MANIFEST_NAME, DATASET_INFO_NAME):
        if (data_dir / extra).is_file():
            file_hashes[extra] = hashlib.sha256((data_dir / extra).read_bytes()).hexdigest()
    feature_targets = torch.zeros(len(entries), len(VISUAL_FEATURES))
    for row, entry in enumerate(entries):
        for feature in entry.deviations:
            if feature in VISUAL_FEATURES:
                feature_targets[row, VISUAL_FEATURES.index(feature)] = 1.0
    return ScreeningData(
        entries=tuple(entries),
        pixels=pixels,
        slot_index=torch.tensor([slots.index(e.slot) for e in entries], dtype=torch.int64),
        counterfeit=torch.tensor([float(e.visually_counterfeit) for e in entries]),
        feature_targets=feature_targets,
        slots=slots,
        features=VISUAL_FEATURES,
        data_hash=_pairs_hash(file_hashes),
    )


def _pairs_hash(file_hashes: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    for relative_path in sorted(file_hashes):
        digest.update(f"{relative_path}\0{file_hashes[relative_path]}\n".encode())
    return digest.hexdigest()


def visual_slot_features(slots: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """For each slot, the features of it that the classifier scores from pixels."""
    return {slot: tuple(f for f in SLOT_FEATURES[slot] if f in VISUAL_FEATURES) for slot in slots}


def square_crop_box(width: int, height: int) -> tuple[int, int, int, int]:
    """The centred square of a photo that the model looks at, as a PIL crop box."""
    side = min(width, height)
    left = (width - side) // 2
    top = (height - side) // 2
    return left, top, left + side, top + side


def photo_pixels(photo: Image.Image, image_size: int) -> Tensor:
    """A photo as the model's input: centre square, resized, uint8 3 x S x S."""
    # For JPEGs, let the decoder downscale by a power of two first: decoding a 12-megapixel
    # phone photo in full only to shrink it to 160 px is most of the preprocessing time.
    photo.draft("RGB", (image_size, image_size))
    rgb = photo if photo.mode == "RGB" else photo.convert("RGB")
    box = square_crop_box(*rgb.size)
    square = rgb if box == (0, 0, *rgb.size) else rgb.crop(box)
    if square.size == (image_size, image_size):
        return torch.from_numpy(np.array(square)).permute(2, 0, 1).contiguous()
    # PIL keeps RGB as 4 bytes a pixel, so reading it out as RGBX is a plain copy, and torch's
    # vectorised uint8 resize works on 4 channels natively; the padding channel is dropped.
    side = square.width
    raw = np.frombuffer(square.tobytes("raw", "RGBX"), dtype=np.uint8).reshape(side, side, 4)
    with warnings.catch_warnings():
        # The bytes are read-only and torch warns about that; they are only read here.
        warnings.filterwarnings("ignore", "The given NumPy array is not writable")
        pixels = torch.from_numpy(raw).permute(2, 0, 1).unsqueeze(0)
    # Antialiased bilinear: PIL's BILINEAR filter (a triangle widened by the shrink factor) in
    # torch's vectorised uint8 kernel, about 5x faster than PIL's. Up to rounding (at most 1 in
    # a few pixels) the pixels are PIL's.
    resized = F.interpolate(
        pixels, size=(image_size, image_size), mode="bilinear", antialias=True, align_corners=False
    )
    return resized[0, :3]


def split_train_validation(
    entries: Sequence[ManifestEntry], *, validation_fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """Row indices of the training and validation split.

    Whole ``split_group``s go to one side (images rendered from the same item would otherwise
    leak the answer), and the groups are stratified by their most common slot x label, so each
    slot keeps both classes on both sides.
    """
    members: dict[int | str, list[int]] = defaultdict(list)
    for row, entry in enumerate(entries):
        members[entry.split_group].append(row)
    groups_by_stratum: dict[tuple[str, str], list[int | str]] = defaultdict(list)
    for group, rows in members.items():
        strata = Counter((entries[row].slot, entries[row].label) for row in rows)
        # Ties broken by name so the split does not depend on dict order.
        stratum = min(strata, key=lambda s: (-strata[s], s))
        groups_by_stratum[stratum].append(group)
    rng = random.Random(seed)
    validation_groups: set[int | str] = set()
    for stratum in sorted(groups_by_stratum):
        groups = sorted(groups_by_stratum[stratum], key=str)
        rng.shuffle(groups)
        take = round(len(groups) * validation_fraction)
        if len(groups) >= 2:
            take = min(max(take, 1), len(groups) - 1)
        validation_groups.update(groups[:take])
    train_rows = [r for r, e in enumerate(entries) if e.split_group not in validation_groups]
    validation_rows = [r for r, e in enumerate(entries) if e.split_group in validation_groups]
    return train_rows, validation_rows


def batches(rows: Tensor, batch_size: int, *, drop_last: bool) -> Iterator[Tensor]:
    """Consecutive slices of ``rows``; the short tail is dropped when asked."""
    stop = len(rows) - len(rows) % batch_size if drop_last else len(rows)
    for start in range(0, stop, batch_size):
        yield rows[start : start + batch_size]


def blur_allowed(slots: Sequence[str]) -> Tensor:
    """Per slot (in ``slots`` order): whether training may blur its photos."""
    return torch.tensor(
        [not (_BLUR_FORBIDDEN_FEATURES & set(SLOT_FEATURES[slot])) for slot in slots],
        dtype=torch.bool,
    )


def augment(
    pixels: Tensor, slot_blur_allowed: Tensor, slot_index: Tensor, generator: torch.Generator
) -> Tensor:
    """A randomly perturbed, normalised copy of a uint8 batch, done for the whole batch at once.

    Random resized crop and a small rotation (one affine resampling), brightness, contrast and
    saturation jitter, and a light Gaussian blur on slots where blur is not itself a deviation.
    All randomness comes from ``generator`` so a seeded run repeats exactly.
    """
    images = pixels.float() / 255.0
    n, _, height, width = images.shape

    def uniform(low: float, high: float) -> Tensor:
        return low + (high - low) * torch.rand(n, generator=generator)

    area = uniform(*_CROP_AREA)
    aspect = torch.exp(uniform(math.log(_CROP_ASPECT[0]), math.log(_CROP_ASPECT[1])))
    scale_x = torch.sqrt(area * aspect).clamp(max=1.0)
    scale_y = torch.sqrt(area / aspect).clamp(max=1.0)
    angle = torch.deg2rad(uniform(-_MAX_ROTATION_DEGREES, _MAX_ROTATION_DEGREES))
    shift_x = (1.0 - scale_x) * uniform(-1.0, 1.0)
    shift_y = (1.0 - scale_y) * uniform(-1.0, 1.0)
    cos, sin = torch.cos(angle), torch.sin(angle)
    theta = torch.stack(
        [
            torch.stack([scale_x * cos, -scale_y * sin, shift_x], dim=1),
            torch.stack([scale_x * sin, scale_y * cos, shift_y], dim=1),
        ],
        dim=1,
    )
    grid = F.affine_grid(theta, [n, 3, height, width], align_corners=False)
    images = F.grid_sample(images, grid, padding_mode="reflection", align_corners=False)

    gray = (images * torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)).sum(1, keepdim=True)
    saturation = uniform(1.0 - _SATURATION, 1.0 + _SATURATION).view(n, 1, 1, 1)
    images = gray + (images - gray) * saturation
    contrast = uniform(1.0 - _CONTRAST, 1.0 + _CONTRAST).view(n, 1, 1, 1)
    mean_gray = gray.mean(dim=(2, 3), keepdim=True)
    images = mean_gray + (images - mean_gray) * contrast
    images = images * uniform(1.0 - _BRIGHTNESS, 1.0 + _BRIGHTNESS).view(n, 1, 1, 1)

    blurred = (torch.rand(n, generator=generator) < _BLUR_PROBABILITY) & slot_blur_allowed[
        slot_index
    ]
    sigma = uniform(*_BLUR_SIGMA_PX_AT_160) * (width / 160.0)
    images = _gaussian_blur(images, torch.where(blurred, sigma, torch.zeros_like(sigma)))
    return normalise(images.clamp(0.0, 1.0) * 255.0)


def _gaussian_blur(images: Tensor, sigma: Tensor) -> Tensor:
    """Blur each image with its own sigma (0 = unchanged) in one grouped convolution."""
    n, channels, height, width = images.shape
    radius = max(1, math.ceil(3.0 * float(sigma.max())))
    offsets = torch.arange(-radius, radius + 1, dtype=torch.float32)
    safe_sigma = sigma.clamp(min=1e-3).view(n, 1)
    weights = torch.exp(-0.5 * (offsets.view(1, -1) / safe_sigma) ** 2)
    weights = weights / weights.sum(dim=1, keepdim=True)
    kernel_1d = weights.repeat_interleave(channels, dim=0)  # (n*c) x k
    flat = images.reshape(1, n * channels, height, width)
    flat = F.pad(flat, (radius, radius, radius, radius), mode="reflect")
    flat = F.conv2d(flat, kernel_1d.view(n * channels, 1, 1, -1), groups=n * channels)
    flat = F.conv2d(flat, kernel_1d.view(n * channels, 1, -1, 1), groups=n * channels)
    return flat.view(n, channels, height, width)
