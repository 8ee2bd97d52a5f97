"""Training the pre-screen classifier on a generated dataset, within a time budget.

One call, ``train``, goes from a dataset folder to a trained, calibrated network and its
metrics: decode everything into memory, split by ``split_group``, optimise with AdamW under a
warm-up + cosine learning-rate schedule, stop early when the validation loss stops improving,
restore the best epoch's weights and fit the temperature on that epoch's validation logits.

The schedule runs on *progress*, the larger of "share of planned steps done" and "share of the
time budget used". On a fast machine the epochs bound the run and it is exactly repeatable from
its seed; on a slow or busy one the same schedule is squeezed into ``max_minutes``, so the run
still ends with a fully annealed learning rate instead of being cut off mid-stride.

Loss: binary cross-entropy on the counterfeit logit plus, weighted, the mean binary
cross-entropy of the feature logits that belong to the photo's slot (the others are masked out:
a stitching photo says nothing about letter shapes).
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from tqdm import tqdm

from ml.calibration import binary_nll, expected_calibration_error, fit_temperature
from ml.data import (
    ScreeningData,
    augment,
    batches,
    blur_allowed,
    load_dataset,
    split_train_validation,
    visual_slot_features,
)
from ml.evaluation import auroc
from ml.model import PreScreenNet, normalise

# Share of the run spent warming the learning rate up from zero: from-scratch networks with
# batch norm take a few hundred steps before large steps stop blowing up their statistics.
_WARMUP_SHARE = 0.06
_GRADIENT_CLIP_NORM = 5.0
_PREDICT_BATCH_SIZE = 128


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run; stored in the artifact."""

    epochs: int = 12
    image_size: int = 160
    # Small batches: the budget allows few epochs, and more, noisier steps learn faster here.
    batch_size: int = 32
    seed: int = 0
    patience: int = 4
    max_minutes: float = 3.0
    threads: int = 2
    learning_rate: float = 2e-3
    weight_decay: float = 0.02
    validation_fraction: float = 0.2
    # The feature heads are an auxiliary task: they teach the backbone *where* to look and
    # feed the expert's per-feature scores, but must not outweigh the verdict itself.
    feature_loss_weight: float = 0.5
    # A validation loss must drop by at least this much to count as an improvement.
    min_delta: float = 1e-3
    arch: str = "mobilenet_v3_small"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class EpochSummary:
    """One epoch's numbers, as printed and as kept in the artifact's metrics."""

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    val_auroc: float | None
    learning_rate: float
    elapsed_s: float

    def line(self, epochs: int) -> str:
        auroc_text = "n/a" if self.val_auroc is None else f"{self.val_auroc:.3f}"
        return (
            f"epoch {self.epoch}/{epochs}: train loss {self.train_loss:.4f} "
            f"acc {self.train_accuracy:.3f} | val loss {self.val_loss:.4f} "
            f"acc {self.val_accuracy:.3f} AUROC {auroc_text} | lr {self.learning_rate:.2e} "
            f"| {self.elapsed_s:.0f}s"
        )


@dataclass(frozen=True)
class TrainResult:
    """A trained, calibrated network and what is known about it."""

    model: PreScreenNet
    temperature: float
    data_hash: str
    config: TrainConfig
    metrics: dict[str, Any]  # JSON-shaped: see ``train`` for the keys
    history: tuple[EpochSummary, ...]


@dataclass(frozen=True)
class _Validation:
    loss: float
    counterfeit_logits: Tensor
    feature_logits: Tensor


def train(*, data_dir: Path, config: TrainConfig, progress: bool = True) -> TrainResult:
    """Train, early-stop, restore the best epoch and calibrate; see the module docstring."""
    started = time.monotonic()
    torch.set_num_threads(config.threads)
    _seed_everything(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    with _deterministic_algorithms():
        data = load_dataset(data_dir, config.image_size)
        train_rows, validation_rows = split_train_validation(
            data.entries, validation_fraction=config.validation_fraction, seed=config.seed
        )
        if not train_rows or not validation_rows:
            raise ValueError(
                f"dataset {data_dir} is too small to split: {len(data)} images in "
                f"{len({e.split_group for e in data.entries})} split groups"
            )
        model = PreScreenNet(
            arch=config.arch,
            image_size=config.image_size,
            slots=data.slots,
            features=data.features,
            slot_features=visual_slot_features(data.slots),
        )
        loop = _TrainingLoop(model, data, config, train_rows, validation_rows, generator)
        loop.run(started=started, progress=progress)
    if loop.best_epoch == 0:
        last = loop.history[-1].line(config.epochs)
        raise RuntimeError(f"training diverged: no finite validation loss in any epoch ({last})")
    model.load_state_dict(loop.best_state)
    model.eval()
    best = loop.best_validation
    validation_labels = data.counterfeit[validation_rows]
    temperature = fit_temperature(best.counterfeit_logits, validation_labels)
    metrics: dict[str, Any] = {
        "validation": {
            "uncalibrated": _scores(best.counterfeit_logits, validation_labels, 1.0),
            "calibrated": _scores(best.counterfeit_logits, validation_labels, temperature),
        },
        **_per_slot(data, validation_rows, best.counterfeit_logits, temperature),
        "feature_auroc": _feature_auroc(data, validation_rows, best.feature_logits),
        "epochs_run": len(loop.history),
        "best_epoch": loop.best_epoch,
        "stopped_early": loop.stop_reason == "patience",
        "stop_reason": loop.stop_reason,
        "training_seconds": round(time.monotonic() - started, 1),
        "train_images": len(train_rows),
        "validation_images": len(validation_rows),
        "history": [asdict(summary) for summary in loop.history],
    }
    return TrainResult(
        model=model,
        temperature=temperature,
        data_hash=data.data_hash,
        config=config,
        metrics=metrics,
        history=tuple(loop.history),
    )


class _TrainingLoop:
    """The epoch loop's state: optimiser, schedule, early stopping and the best weights."""

    def __init__(
        self,
        model: PreScreenNet,
        data: ScreeningData,
        config: TrainConfig,
        train_rows: list[int],
        validation_rows: list[int],
        generator: torch.Generator,
    ) -> None:
        self.model = model
        self.data = data
        self.config = config
        self.train_rows = torch.tensor(train_rows)
        self.validation_rows = torch.tensor(validation_rows)
        self.generator = generator
        self.slot_blur_allowed = blur_allowed(data.slots)
        decay = [p for p in model.parameters() if p.ndim >= 2]
        no_decay = [p for p in model.parameters() if p.ndim < 2]
        self.optimizer = torch.optim.AdamW(
            [
                {"params": decay, "weight_decay": config.weight_decay},
                {"params": no_decay, "weight_decay": 0.0},
            ],
            lr=config.learning_rate,
        )
        drop_last = len(train_rows) > config.batch_size
        self.steps_per_epoch = (
            len(train_rows) // config.batch_size
            if drop_last
            else math.ceil(len(train_rows) / config.batch_size)
        )
        self.drop_last = drop_last
        self.total_steps = self.steps_per_epoch * config.epochs
        self.step = 0
        self.history: list[EpochSummary] = []
        self.best_state: dict[str, Tensor] = _copy_state(model)
        self.best_validation = _Validation(math.inf, torch.empty(0), torch.empty(0))
        self.best_epoch = 0
        self.stop_reason = "epochs"
        # Running figures of the current epoch, for the progress bar and the summary line.
        self.loss_sum = 0.0
        self.correct = 0
        self.seen = 0
        self.learning_rate = 0.0

    def run(self, *, started: float, progress: bool) -> None:
        deadline = started + self.config.max_minutes * 60.0
        loop_started = time.monotonic()
        validation_seconds = 0.0
        epochs_without_improvement = 0
        for epoch in range(1, self.config.epochs + 1):
            # Leave room for this epoch's validation pass inside the budget.
            out_of_time = self._train_epoch(
                epoch, loop_started, deadline - validation_seconds, progress
            )
            if self.seen == 0:
                # The budget ran out before this epoch took a step: nothing new to validate.
                self.stop_reason = "time_budget"
                return
            validation_started = time.monotonic()
            validation = self._validate()
            validation_seconds = time.monotonic() - validation_started
            summary = self._summary(epoch, validation, time.monotonic() - started)
            self.history.append(summary)
            if progress:
                tqdm.write(summary.line(self.config.epochs), file=sys.stderr)
            if validation.loss < self.best_validation.loss - self.config.min_delta:
                self.best_validation = validation
                self.best_state = _copy_state(self.model)
                self.best_epoch = epoch
                epochs_without_improvement = 0
            else:
                epochs_without_improvement += 1
            if out_of_time:
                self.stop_reason = "time_budget"
                return
            if epochs_without_improvement >= self.config.patience:
                self.stop_reason = "patience"
                return

    def _train_epoch(
        self, epoch: int, loop_started: float, deadline: float, progress: bool
    ) -> bool:
        """One pass over the shuffled training rows; True when the time budget ran out."""
        self.model.train()
        order = self.train_rows[torch.randperm(len(self.train_rows), generator=self.generator)]
        self.loss_sum, self.correct, self.seen = 0.0, 0, 0
        bar = tqdm(
            total=self.steps_per_epoch,
            desc=f"epoch {epoch}/{self.config.epochs}",
            disable=not progress,
            leave=False,
            file=sys.stderr,
        )
        with bar:
            for rows in batches(order, self.config.batch_size, drop_last=self.drop_last):
                time_share = (time.monotonic() - loop_started) / max(deadline - loop_started, 1e-9)
                done = max(self.step / self.total_steps, time_share)
                if done >= 1.0 and self.step > 0:
                    return time_share >= 1.0
                self._train_step(rows, _learning_rate(self.config.learning_rate, done))
                bar.update(1)
                bar.set_postfix(
                    loss=f"{self.loss_sum / self.seen:.4f}",
                    acc=f"{self.correct / self.seen:.3f}",
                )
        return False

    def _train_step(self, rows: Tensor, learning_rate: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = learning_rate
        slot_index = self.data.slot_index[rows]
        images = augment(self.data.pixels[rows], self.slot_blur_allowed, slot_index, self.generator)
        counterfeit_logits, feature_logits = self.model(images, slot_index)
        target = self.data.counterfeit[rows]
        loss = _loss(
            counterfeit_logits,
            feature_logits,
            target,
            self.data.feature_targets[rows],
            self.model.feature_mask[slot_index],
            self.config.feature_loss_weight,
        )
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), _GRADIENT_CLIP_NORM)
        self.optimizer.step()
        self.step += 1
        self.loss_sum += float(loss.detach()) * len(rows)
        self.correct += int(((counterfeit_logits > 0).float() == target).sum())
        self.seen += len(rows)
        self.learning_rate = learning_rate

    def _validate(self) -> _Validation:
        counterfeit_logits, feature_logits = predict(self.model, self.data, self.validation_rows)
        rows = self.validation_rows
        loss = _loss(
            counterfeit_logits,
            feature_logits,
            self.data.counterfeit[rows],
            self.data.feature_targets[rows],
            self.model.feature_mask[self.data.slot_index[rows]],
            self.config.feature_loss_weight,
        )
        return _Validation(float(loss), counterfeit_logits, feature_logits)

    def _summary(self, epoch: int, validation: _Validation, elapsed: float) -> EpochSummary:
        labels = self.data.counterfeit[self.validation_rows]
        seen = max(self.seen, 1)
        return EpochSummary(
            epoch=epoch,
            train_loss=round(self.loss_sum / seen, 6),
            train_accuracy=round(self.correct / seen, 6),
            val_loss=round(validation.loss, 6),
            val_accuracy=round(_accuracy(validation.counterfeit_logits, labels), 6),
            val_auroc=_rounded(auroc(labels.numpy(), validation.counterfeit_logits.numpy())),
            learning_rate=self.learning_rate,
            elapsed_s=round(elapsed, 1),
        )


def predict(
    model: PreScreenNet, data: ScreeningData, rows: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """Counterfeit logits (N) and feature logits (N x F) for ``rows`` (all when None), in eval
    mode without augmentation."""
    selected = torch.arange(len(data)) if rows is None else rows
    model.eval()
    counterfeit_parts, feature_parts = [], []
    with torch.inference_mode():
        for chunk in batches(selected, _PREDICT_BATCH_SIZE, drop_last=False):
            counterfeit, features = model(normalise(data.pixels[chunk]), data.slot_index[chunk])
            counterfeit_parts.append(counterfeit)
            feature_parts.append(features)
    return torch.cat(counterfeit_parts), torch.cat(feature_parts)


def _loss(
    counterfeit_logits: Tensor,
    feature_logits: Tensor,
    counterfeit: Tensor,
    feature_targets: Tensor,
    feature_mask: Tensor,
    feature_loss_weight: float,
) -> Tensor:
    verdict = F.binary_cross_entropy_with_logits(counterfeit_logits, counterfeit)
    per_feature = F.binary_cross_entropy_with_logits(
        feature_logits, feature_targets, reduction="none"
    )
    mask = feature_mask.float()
    features = (per_feature * mask).sum() / mask.sum().clamp(min=1.0)
    return verdict + feature_loss_weight * features


def _learning_rate(peak: float, progress: float) -> float:
    """Linear warm-up to ``peak``, then cosine down to zero at progress 1."""
    if progress < _WARMUP_SHARE:
        return peak * max(progress, 1e-3) / _WARMUP_SHARE
    cosine_progress = (progress - _WARMUP_SHARE) / (1.0 - _WARMUP_SHARE)
    return peak * 0.5 * (1.0 + math.cos(math.pi * min(cosine_progress, 1.0)))


def _accuracy(logits: Tensor, labels: Tensor) -> float:
    return float(((logits > 0).float() == labels).float().mean())


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _scores(logits: Tensor, labels: Tensor, temperature: float) -> dict[str, object]:
    probabilities = torch.sigmoid(logits.double() / temperature)
    return {
        "accuracy": round(_accuracy(logits, labels), 6),
        "auroc": _rounded(auroc(labels.numpy(), probabilities.numpy())),
        "ece": round(expected_calibration_error(probabilities, labels), 6),
        "nll": round(binary_nll(logits, labels, temperature), 6),
    }


def _per_slot(
    data: ScreeningData, rows: list[int], logits: Tensor, temperature: float
) -> dict[str, object]:
    slot_of_row = data.slot_index[rows]
    labels = data.counterfeit[rows]
    accuracy: dict[str, float] = {}
    slot_auroc: dict[str, float | None] = {}
    for index, slot in enumerate(data.slots):
        here = slot_of_row == index
        if here.any():
            accuracy[slot] = round(_accuracy(logits[here], labels[here]), 6)
            probabilities = torch.sigmoid(logits[here].double() / temperature)
            slot_auroc[slot] = _rounded(auroc(labels[here].numpy(), probabilities.numpy()))
    return {"per_slot_accuracy": accuracy, "per_slot_auroc": slot_auroc}


def _feature_auroc(
    data: ScreeningData, rows: list[int], feature_logits: Tensor
) -> dict[str, float | None]:
    """AUROC of each feature head over the validation photos whose slot can show it."""
    mask = torch.zeros(len(rows), len(data.features), dtype=torch.bool)
    slot_features = visual_slot_features(data.slots)
    for position, row in enumerate(rows):
        for feature in slot_features[data.entries[row].slot]:
            mask[position, data.features.index(feature)] = True
    targets = data.feature_targets[rows]
    result: dict[str, float | None] = {}
    for column, feature in enumerate(data.features):
        shown = mask[:, column]
        if shown.any():
            result[feature] = _rounded(
                auroc(targets[shown, column].numpy(), feature_logits[shown, column].numpy())
            )
    return result


def _copy_state(model: PreScreenNet) -> dict[str, Tensor]:
    return {name: value.detach().clone() for name, value in model.state_dict().items()}


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


@contextmanager
def _deterministic_algorithms() -> Iterator[None]:
    """Deterministic kernels for the run, restoring the caller's setting afterwards."""
    before = torch.are_deterministic_algorithms_enabled()
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(before)
