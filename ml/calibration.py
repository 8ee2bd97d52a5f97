"""Making the counterfeit probability honest: temperature scaling and its yardsticks.

A network trained with cross-entropy on a few thousand images is usually over-confident: it
says 0.99 where it is right 90% of the time. Experts use the probability to order their queue,
so after training one scalar temperature T is fitted on the validation split and every logit is
divided by it (``sigmoid(logit / T)``). Dividing by a positive number keeps the ranking and the
0.5 decision, so accuracy and AUROC do not change; only the confidence does.

The expected calibration error uses the same definition as ``ml/evaluation.py``: 15 equal-width
bins over the counterfeit probability, in each the gap between the mean predicted probability
and the share of images that really are counterfeit, weighted by the bin's count.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from numpy.typing import NDArray

# The temperature is searched as log(T) within these bounds. On a validation split the network
# separates perfectly, the likelihood keeps improving as T -> 0; the bound stops it there.
_LOG_TEMPERATURE_BOUNDS = (float(np.log(0.05)), float(np.log(20.0)))

ArrayLike = Sequence[float] | NDArray[np.floating] | torch.Tensor


def binary_nll(logits: ArrayLike, labels: ArrayLike, temperature: float = 1.0) -> float:
    """Mean negative log-likelihood of 0/1 ``labels`` under ``sigmoid(logits / temperature)``."""
    scaled = _as_tensor(logits) / temperature
    return float(F.binary_cross_entropy_with_logits(scaled, _as_tensor(labels)))


def fit_temperature(logits: ArrayLike, labels: ArrayLike) -> float:
    """The temperature that minimises the NLL of ``labels`` given ``logits`` (LBFGS on log T).

    Never returns a temperature that is worse than T = 1 on the data it was fitted on.
    """
    logit_tensor = _as_tensor(logits)
    label_tensor = _as_tensor(labels)
    if logit_tensor.numel() == 0:
        raise ValueError("cannot fit a temperature on no logits")
    log_temperature = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS(
        [log_temperature], lr=0.5, max_iter=100, line_search_fn="strong_wolfe"
    )
    low, high = _LOG_TEMPERATURE_BOUNDS

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        bounded = log_temperature.clamp(low, high)
        loss = F.binary_cross_entropy_with_logits(logit_tensor / bounded.exp(), label_tensor)
        loss.backward()
        return loss

    optimizer.step(closure)
    temperature = float(np.exp(np.clip(float(log_temperature.detach()), low, high)))
    if not np.isfinite(temperature) or binary_nll(logit_tensor, label_tensor, temperature) > (
        binary_nll(logit_tensor, label_tensor, 1.0)
    ):
        return 1.0
    return temperature


def expected_calibration_error(probs: ArrayLike, labels: ArrayLike, bins: int = 15) -> float:
    """Count-weighted mean |share counterfeit - mean probability| over equal-width bins."""
    probabilities = _as_tensor(probs).numpy()
    truth = _as_tensor(labels).numpy()
    if probabilities.size == 0:
        raise ValueError("cannot measure calibration on no probabilities")
    # A probability of exactly 1 belongs in the last bin, not in a bin of its own.
    bin_index = np.minimum((probabilities * bins).astype(np.int64), bins - 1)
    error = 0.0
    for b in range(bins):
        in_bin = bin_index == b
        if in_bin.any():
            gap = abs(float(truth[in_bin].mean()) - float(probabilities[in_bin].mean()))
            error += gap * int(in_bin.sum()) / probabilities.size
    return error


def _as_tensor(values: ArrayLike) -> torch.Tensor:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().double()
    return torch.as_tensor(np.asarray(values, dtype=np.float64))
