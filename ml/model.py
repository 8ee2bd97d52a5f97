"""The pre-screen classifier: one network for every screened slot, conditioned on the slot.

A photo goes through a torchvision backbone trained from scratch; the pooled features are then
modulated by a learned embedding of the slot the photo was taken for (FiLM: a per-slot scale
and shift of every channel) and read out by two heads: one "counterfeit" logit and one logit
per visual feature ("does this feature deviate from the brand's reference"). Feature logits of
features that cannot occur on a slot are computed but meaningless; ``feature_mask`` says which
ones count, and training, evaluation and inference only ever look at those.

The network is split into ``feature_map`` (backbone, the last convolutional block's output) and
``head`` (pooling, FiLM, heads) so that inference can compute Grad-CAM from the feature map and
the small head alone (``head_with_gradient``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import torch
from torch import Tensor, nn
from torchvision import models

# Pixels are scaled to [0, 1] and normalised with these per-channel statistics before the
# backbone. They are part of the artifact format: changing them needs a new format version.
PIXEL_MEAN: tuple[float, float, float] = (0.485, 0.456, 0.406)
PIXEL_STD: tuple[float, float, float] = (0.229, 0.224, 0.225)

# The torchvision backbones the pre-screen knows, with the channel count of their last block.
# MobileNetV3-Small: on two CPU cores it trains at about 130 images/s at 160 px, twice what
# ResNet-18 manages, and its last block is a 5x5 grid at 160 px, fine enough for a heatmap to
# say which part of a wordmark or seam is suspect. (Its ``dilated`` variant doubles that grid
# but trains nearly three times slower on one core.)
ARCHITECTURES: dict[str, int] = {"mobilenet_v3_small": 576}

_SLOT_EMBEDDING_DIM = 16
_HIDDEN_DIM = 256
_DROPOUT = 0.2
_BATCH_NORM_MOMENTUM = 0.1


class PreScreenNet(nn.Module):
    """Backbone + slot-conditioned heads; outputs (counterfeit logit, feature logits)."""

    feature_mask: Tensor  # a registered buffer: slots x features, 1 where a feature exists

    def __init__(
        self,
        *,
        arch: str,
        image_size: int,
        slots: Sequence[str],
        features: Sequence[str],
        slot_features: Mapping[str, Sequence[str]],
    ) -> None:
        super().__init__()
        if arch not in ARCHITECTURES:
            known = ", ".join(sorted(ARCHITECTURES))
            raise ValueError(f"unknown architecture {arch!r}; known: {known}")
        self.arch = arch
        self.image_size = image_size
        self.slots: tuple[str, ...] = tuple(slots)
        self.features: tuple[str, ...] = tuple(features)
        self.slot_features: dict[str, tuple[str, ...]] = {
            slot: tuple(f for f in slot_features[slot] if f in self.features) for slot in slots
        }
        channels = ARCHITECTURES[arch]
        # Channels-last lets oneDNN run MobileNet's depthwise convolutions about 1.7x faster
        # on CPU than the default layout.
        self.backbone = _backbone().to(memory_format=torch.channels_last)
        self.slot_embedding = nn.Embedding(len(self.slots), _SLOT_EMBEDDING_DIM)
        self.film = nn.Linear(_SLOT_EMBEDDING_DIM, 2 * channels)
        # FiLM starts as the identity (scale 1, shift 0), so early training sees the plain
        # backbone and the slot conditioning grows only as far as it helps.
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)
        self.hidden = nn.Sequential(
            nn.Linear(channels, _HIDDEN_DIM), nn.Hardswish(), nn.Dropout(_DROPOUT)
        )
        self.counterfeit_head = nn.Linear(_HIDDEN_DIM, 1)
        self.feature_head = nn.Linear(_HIDDEN_DIM, len(self.features))
        mask = torch.zeros(len(self.slots), len(self.features), dtype=torch.bool)
        for row, slot in enumerate(self.slots):
            for feature in self.slot_features[slot]:
                mask[row, self.features.index(feature)] = True
        # A buffer, so the artifact's state_dict carries the slot/feature layout and a model
        # built for another layout refuses to load it.
        self.register_buffer("feature_mask", mask)

    def feature_map(self, images: Tensor) -> Tensor:
        """The last convolutional block's activations, N x C x H/32 x W/32."""
        out: Tensor = self.backbone(images.contiguous(memory_format=torch.channels_last))
        return out

    def head(self, feature_map: Tensor, slot_index: Tensor) -> tuple[Tensor, Tensor]:
        """Counterfeit logits (N) and feature logits (N x F) from a feature map."""
        pooled = feature_map.mean(dim=(2, 3))
        scale, shift = self.film(self.slot_embedding(slot_index)).chunk(2, dim=1)
        hidden = self.hidden(pooled * (1.0 + scale) + shift)
        return self.counterfeit_head(hidden).squeeze(1), self.feature_head(hidden)

    def head_with_gradient(
        self, feature_map: Tensor, slot_index: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        """``head``'s logits plus the counterfeit logit's gradient by each pooled channel (N x C).

        The gradient is written out in closed form rather than taken with autograd, so that it
        runs under ``torch.inference_mode`` and costs two small matrix products. It holds in eval
        mode only (dropout is then the identity), and it is the gradient autograd would give:
        the same chain rule through the FiLM gain, the first linear layer, Hardswish (with
        torch's own derivative: 0 below -3, x/3 + 1/2 up to 3, 1 above) and the counterfeit
        head. ``ml/tests/test_inference.py`` checks it against autograd.
        """
        if self.training:
            raise RuntimeError("head_with_gradient needs eval mode: dropout has no fixed gradient")
        linear, activation = cast(nn.Linear, self.hidden[0]), self.hidden[1]
        pooled = feature_map.mean(dim=(2, 3))
        scale, shift = self.film(self.slot_embedding(slot_index)).chunk(2, dim=1)
        gain = 1.0 + scale
        before = linear(pooled * gain + shift)
        hidden = activation(before)
        counterfeit = self.counterfeit_head(hidden).squeeze(1)
        slope = torch.where(
            before < -3.0,
            torch.zeros_like(before),
            torch.where(before <= 3.0, before / 3.0 + 0.5, torch.ones_like(before)),
        )
        gradient = ((slope * self.counterfeit_head.weight) @ linear.weight) * gain
        return counterfeit, self.feature_head(hidden), gradient

    def forward(self, images: Tensor, slot_index: Tensor) -> tuple[Tensor, Tensor]:
        return self.head(self.feature_map(images), slot_index)


def _backbone() -> nn.Module:
    # weights=None: trained from scratch, nothing is ever downloaded.
    network = models.mobilenet_v3_small(weights=None)
    for module in network.modules():
        if isinstance(module, nn.BatchNorm2d):
            # torchvision sets 0.01 (TensorFlow's habit, for runs of 100k+ steps). A budget
            # run is a few hundred steps, after which running statistics at 0.01 would still
            # be mostly their initial values and the network would fail in eval mode.
            module.momentum = _BATCH_NORM_MOMENTUM
    return network.features


def normalise(pixels: Tensor) -> Tensor:
    """N x 3 x H x W pixels in 0..255 (uint8 or float) -> the backbone's normalised input."""
    mean = torch.tensor(PIXEL_MEAN, dtype=torch.float32).view(1, 3, 1, 1)
    std = torch.tensor(PIXEL_STD, dtype=torch.float32).view(1, 3, 1, 1)
    # (pixels / 255 - mean) / std, in place on one new tensor: a batch is megabytes, and a
    # fresh tensor per step costs more than the arithmetic. The result is bit for bit the same.
    return pixels.to(torch.float32, copy=True).div_(255.0).sub_(mean).div_(std)
