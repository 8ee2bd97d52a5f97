"""One synthetic item, from its identity to its photo: what it deviates in, how it was made,
what it looks like, and how it was photographed.

An item is named by (seed, slot, index). From that name come independent random streams:
the counterfeit's deviations, the item's own look (colour, placement, texture), its serial
and its photo. Because the streams are separate, the same item can be rendered to the
reference and to a counterfeit specification and differ only in the deviating features,
which is what the tests and the contact sheet do.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from ml.features import SCREENED_SLOTS, SLOT_FEATURES
from ml.serials import SERIAL_VIOLATIONS, serial_generate
from ml.synth import leather, watch
from ml.synth.brands import (
    BRANDS,
    LOOKALIKE_TYPEFACES,
    EngravingSpec,
    HandbagSpec,
    StitchSpec,
    WatchSpec,
    WordmarkSpec,
)
from ml.synth.nuisance import Box, draw_camera, photograph
from ml.synth.scene import Scene
from ml.synth.tags import render_serial_tag

# Scenes are drawn this much larger than the photo and shrunk by the camera, for smooth
# edges; more costs time without a visible gain at the photo's size.
_SUPERSAMPLING = 1.5
# How many features a counterfeit deviates in: most often one, sometimes two or three.
_DEVIATION_COUNT_WEIGHTS = (0.65, 0.25, 0.10)
# Magnitudes run from barely there to blatant, weighted towards the subtle end.
_MIN_MAGNITUDE = 0.12
_MAGNITUDE_SKEW = 1.5
# A serial that breaks a rule is either valid or not; it has no degrees.
_SERIAL_MAGNITUDE = 1.0

# What a deviation of magnitude 1 does to the specification.
_SPACING_EM = 0.13  # tracking off by this much
_KERNING_JITTER_EM = 0.05  # plus irregular pair spacing
_TIGHTEST_SPACING_EM = 0.06  # a reference tracking below this can only be loosened
_EXTRA_WEIGHT = 0.075  # extra stroke per side, as a fraction of the cap height
_MIN_SHAPE_BLEND = 0.3  # even a subtle look-alike has visibly different letters
_PITCH_JITTER = 0.22  # standard deviation of the stitch positions, in pitches
_SLANT_DEG = 16.0
_SHALLOWER = 0.8  # engraving depth lost
_BLUNTER = 0.85  # engraving sharpness lost


@dataclass(frozen=True)
class ItemStreams:
    """Independent random streams of one item."""

    defects: random.Random  # which features deviate, by how much and which way
    look: np.random.Generator  # the item's own variation
    serial: random.Random  # the serial code stamped or engraved on it
    tag: random.Random  # the date-code tag's own variation (drawn by ml.synth.tags)
    camera: np.random.Generator  # the photo's conditions and sensor noise


def _stream_seed(seed: int, slot: str, index: int, stream: str) -> int:
    digest = hashlib.sha256(f"{seed}/{slot}/{index}/{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def item_streams(seed: int, slot: str, index: int) -> ItemStreams:
    """The streams of item ``index`` of ``slot``; nothing else goes into them, so an image is
    the same however the dataset is split across workers."""
    return ItemStreams(
        defects=random.Random(_stream_seed(seed, slot, index, "defects")),
        look=np.random.default_rng(_stream_seed(seed, slot, index, "look")),
        serial=random.Random(_stream_seed(seed, slot, index, "serial")),
        tag=random.Random(_stream_seed(seed, slot, index, "tag")),
        camera=np.random.default_rng(_stream_seed(seed, slot, index, "camera")),
    )


def deviable_features(slot: str, brand: str) -> tuple[str, ...]:
    """The features a counterfeit of this brand can deviate in on this slot."""
    features = SLOT_FEATURES[slot]
    if not SERIAL_VIOLATIONS.get(brand):
        features = tuple(f for f in features if f != "serial_format")
    return features


def draw_deviations(slot: str, brand: str, rng: random.Random) -> dict[str, float]:
    """A counterfeit's deviating features and their magnitudes in (0, 1]."""
    features = deviable_features(slot, brand)
    count = rng.choices((1, 2, 3), weights=_DEVIATION_COUNT_WEIGHTS)[0]
    chosen = rng.sample(features, min(count, len(features)))
    deviations = {}
    for feature in sorted(chosen, key=features.index):
        if feature == "serial_format":
            deviations[feature] = _SERIAL_MAGNITUDE
        else:
            spread = rng.random() ** _MAGNITUDE_SKEW
            deviations[feature] = round(_MIN_MAGNITUDE + (1.0 - _MIN_MAGNITUDE) * spread, 3)
    return deviations


def made_wordmark(
    reference: WordmarkSpec, deviations: Mapping[str, float], rng: random.Random
) -> WordmarkSpec:
    """The wordmark as a counterfeiter made it; the reference when nothing deviates."""
    made = reference
    if spacing := deviations.get("wordmark_spacing", 0.0):
        loosen = reference.letter_spacing_em < _TIGHTEST_SPACING_EM or rng.random() < 0.5
        direction = 1.0 if loosen else -1.0
        made = replace(
            made,
            letter_spacing_em=reference.letter_spacing_em + direction * spacing * _SPACING_EM,
            kerning_jitter_em=spacing * _KERNING_JITTER_EM,
        )
    if weight := deviations.get("wordmark_weight", 0.0):
        made = replace(made, stroke_weight=reference.stroke_weight + weight * _EXTRA_WEIGHT)
    if shape := deviations.get("letter_shape", 0.0):
        made = replace(
            made,
            lookalike=LOOKALIKE_TYPEFACES[reference.typeface],
            shape_blend=_MIN_SHAPE_BLEND + (1.0 - _MIN_SHAPE_BLEND) * shape,
        )
    return made


def made_stitch(
    reference: StitchSpec, deviations: Mapping[str, float], rng: random.Random
) -> StitchSpec:
    made = reference
    if pitch := deviations.get("stitch_pitch", 0.0):
        made = replace(made, pitch_jitter=reference.pitch_jitter + pitch * _PITCH_JITTER)
    if slant := deviations.get("stitch_slant", 0.0):
        direction = rng.choice((-1.0, 1.0))
        made = replace(made, slant_deg=reference.slant_deg + direction * slant * _SLANT_DEG)
    return made


def made_engraving(reference: EngravingSpec, deviations: Mapping[str, float]) -> EngravingSpec:
    return EngravingSpec(
        depth=reference.depth * (1.0 - _SHALLOWER * deviations.get("engraving_depth", 0.0)),
        sharpness=reference.sharpness
        * (1.0 - _BLUNTER * deviations.get("engraving_sharpness", 0.0)),
    )


@dataclass(frozen=True)
class Photo:
    """One finished photo and its ground truth."""

    image: Image.Image
    regions: dict[str, Box]  # deviating feature -> box, as fractions of the photo
    serial: str | None
    serial_violation: str | None
    jpeg_quality: int  # the phone's compression, applied when the photo is stored


def _handbag(brand: str) -> HandbagSpec:
    spec = BRANDS[brand].handbag
    if spec is None:
        raise ValueError(f"{brand} makes no handbags")
    return spec


def _watch(brand: str) -> WatchSpec:
    spec = BRANDS[brand].watch
    if spec is None:
        raise ValueError(f"{brand} makes no watches")
    return spec


def render_scene(
    slot: str,
    brand: str,
    deviations: Mapping[str, float],
    streams: ItemStreams,
    side: int,
    size: int,
) -> tuple[Scene, str | None, str | None]:
    """The clean render of one item (``side`` px; date-code tags come at ``size`` px), with
    the serial on it and the rule that serial breaks, if any."""
    serial: str | None = None
    violation: str | None = None
    if slot in ("date_code", "caseback"):
        if "serial_format" in deviations:
            violation = streams.defects.choice(SERIAL_VIOLATIONS[brand])
        serial = serial_generate(brand=brand, rng=streams.serial, violation=violation)

    if SCREENED_SLOTS[slot] == "handbag":
        bag = _handbag(brand)
        if slot == "brand_stamp":
            bag = replace(bag, stamp=made_wordmark(bag.stamp, deviations, streams.defects))
            return leather.brand_stamp(bag, streams.look, side), serial, violation
        if slot == "stitching":
            bag = replace(bag, stitch=made_stitch(bag.stitch, deviations, streams.defects))
            return leather.stitching(bag, streams.look, side), serial, violation
        if slot == "hardware_engraving":
            bag = replace(
                bag,
                plate_wordmark=made_wordmark(bag.plate_wordmark, deviations, streams.defects),
                plate_engraving=made_engraving(bag.plate_engraving, deviations),
            )
            return leather.hardware_engraving(bag, streams.look, side), serial, violation
        if slot == "date_code":
            assert serial is not None
            image, box = render_serial_tag(
                brand=brand,
                serial=serial,
                rng=streams.tag,
                size=size,
                code_font_deviation=deviations.get("code_font", 0.0),
            )
            return Scene(image, {"code_font": box, "serial_format": box}), serial, violation
    else:
        timepiece = _watch(brand)
        if slot == "dial":
            made = made_wordmark(timepiece.dial_wordmark, deviations, streams.defects)
            timepiece = replace(timepiece, dial_wordmark=made)
            return watch.dial(timepiece, streams.look, side), serial, violation
        if slot == "caseback":
            assert serial is not None
            made_cut = made_engraving(timepiece.caseback_engraving, deviations)
            timepiece = replace(timepiece, caseback_engraving=made_cut)
            return watch.caseback(timepiece, serial, streams.look, side), serial, violation
    raise ValueError(f"no renderer for slot {slot!r}")


def render_photo(
    slot: str,
    brand: str,
    deviations: Mapping[str, float],
    streams: ItemStreams,
    size: int,
) -> Photo:
    """The item photographed: ``size`` px square, regions of its deviations in the photo."""
    side = round(size * _SUPERSAMPLING)
    scene, serial, violation = render_scene(slot, brand, deviations, streams, side, size)
    camera = draw_camera(streams.camera)
    image, boxes = photograph(scene.image, scene.areas, camera, size, streams.camera)
    regions = {feature: boxes[feature] for feature in deviations}
    return Photo(image, regions, serial, violation, camera.jpeg_quality)
