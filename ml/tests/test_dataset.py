"""Behaviour of the synthetic dataset generator: its contract, its determinism, and whether its
counterfeits really look different where the manifest says they do.

Run with ``python -m pytest -p no:django ml/tests/test_dataset.py -q``. One picture of each
kind (every slot authentic and with each of its deviations, on the same item under the same
camera) is kept in ``test-artifacts/dataset/``, with ``contact-sheet.png`` showing them side by
side, so a person can judge the deviations by eye.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from ml.dataset import INFO_NAME, MANIFEST_NAME, generate_dataset, main
from ml.features import FONTS_DIR, LABELS, SCREENED_SLOTS, SLOT_FEATURES
from ml.synth import leather
from ml.synth.brands import BRANDS, CATEGORY_BRANDS, HandbagSpec
from ml.synth.nuisance import Box, Camera, photograph
from ml.synth.render import (
    Photo,
    item_streams,
    made_engraving,
    made_stitch,
    render_photo,
)
from ml.synth.scene import Scene

ARTIFACT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "dataset"
SEED = 7
PER_CLASS = 5  # enough for every brand of the larger category to appear with both labels
SIZE = 96
PHOTO = 160
# A steady, straight-on photo with a little blur and noise, so that measurements on the pixels
# can be compared between two versions of one item.
STEADY_CAMERA = Camera(
    rotation_deg=0.0,
    zoom=1.0,
    shift=(0.0, 0.0),
    tilt=(0.0, 0.0),
    exposure=1.0,
    light_angle_deg=30.0,
    light_gradient=0.1,
    vignette=0.1,
    warmth=0.02,
    tint=0.0,
    defocus=0.4,
    noise=2.0,
    jpeg_quality=85,
)
Pixels = NDArray[np.float32]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _manifest(root: Path) -> list[dict[str, object]]:
    lines = (root / MANIFEST_NAME).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset")
    generate_dataset(out, per_class=PER_CLASS, seed=SEED, size=SIZE, workers=1, progress=False)
    return out


# --- determinism -----------------------------------------------------------------------------


def test_it_writes_identical_bytes_for_a_seed_whatever_the_number_of_workers(
    dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "again"
    generate_dataset(out, per_class=PER_CLASS, seed=SEED, size=SIZE, workers=2, progress=False)
    again, first = _tree(out), _tree(dataset)
    assert again.keys() == first.keys()
    assert [name for name in first if again[name] != first[name]] == []


def test_it_writes_other_images_for_another_seed(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "other"
    generate_dataset(out, per_class=1, seed=SEED + 1, size=SIZE, workers=1, progress=False)
    other, first = _tree(out), _tree(dataset)
    images = [name for name in other if name.endswith(".jpg")]
    assert len(images) == 2 * len(SCREENED_SLOTS)
    assert all(other[name] != first[name] for name in images)


def test_it_makes_a_smaller_dataset_the_prefix_of_a_larger_one(
    dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "smaller"
    generate_dataset(out, per_class=2, seed=SEED, size=SIZE, workers=1, progress=False)
    smaller = _manifest(out)
    larger = {record["path"]: record for record in _manifest(dataset)}
    assert len(smaller) == 4 * len(SCREENED_SLOTS)
    for record in smaller:
        path = str(record["path"])
        assert larger[path] == record
        assert (out / path).read_bytes() == (dataset / path).read_bytes()


# --- the manifest ----------------------------------------------------------------------------


def test_it_records_each_counterfeit_deviation_with_a_magnitude_and_a_region_in_the_photo(
    dataset: Path,
) -> None:
    counterfeits = [r for r in _manifest(dataset) if r["label"] == "counterfeit"]
    assert len(counterfeits) == PER_CLASS * len(SCREENED_SLOTS)
    for record in counterfeits:
        deviations = record["deviations"]
        regions = record["regions"]
        assert isinstance(deviations, dict) and isinstance(regions, dict)
        assert 1 <= len(deviations) <= 3
        assert set(deviations) <= set(SLOT_FEATURES[str(record["slot"])])
        assert set(regions) == set(deviations)
        for feature, magnitude in deviations.items():
            assert 0.0 < magnitude <= 1.0
            x0, y0, x1, y1 = regions[feature]
            assert 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0, (record["path"], feature)


def test_it_records_no_deviations_for_authentic_items(dataset: Path) -> None:
    authentic = [r for r in _manifest(dataset) if r["label"] == "authentic"]
    assert len(authentic) == PER_CLASS * len(SCREENED_SLOTS)
    for record in authentic:
        assert record["deviations"] == {} and record["regions"] == {}
        assert record["serial_violation"] is None


def test_it_puts_a_serial_on_coded_slots_and_names_the_rule_a_counterfeit_breaks(
    dataset: Path,
) -> None:
    for record in _manifest(dataset):
        coded = record["slot"] in ("date_code", "caseback")
        assert (record["serial"] is not None) == coded
        breaks_rule = "serial_format" in record["deviations"]  # type: ignore[operator]
        assert (record["serial_violation"] is not None) == breaks_rule


def test_it_covers_every_slot_with_both_labels_and_every_brand_of_its_category(
    dataset: Path,
) -> None:
    records = _manifest(dataset)
    for slot, category in SCREENED_SLOTS.items():
        for label in LABELS:
            in_class = [r for r in records if r["slot"] == slot and r["label"] == label]
            assert len(in_class) == PER_CLASS
            assert {r["category"] for r in in_class} == {category}
            assert {r["brand"] for r in in_class} == set(CATEGORY_BRANDS[category])
    info = json.loads((dataset / INFO_NAME).read_text(encoding="utf-8"))
    assert info["created_by"] == "ml.dataset" and info["seed"] == SEED
    assert info["counts"] == {slot: dict.fromkeys(LABELS, PER_CLASS) for slot in SCREENED_SLOTS}


def test_it_lays_the_images_out_as_an_image_folder_per_slot(dataset: Path) -> None:
    records = {str(r["path"]): r for r in _manifest(dataset)}
    for slot in SCREENED_SLOTS:
        assert sorted(p.name for p in (dataset / slot).iterdir()) == sorted(LABELS)
        for label in LABELS:
            files = sorted((dataset / slot / label).iterdir())
            assert len(files) == PER_CLASS
            for file in files:
                record = records[f"{slot}/{label}/{file.name}"]
                assert (record["slot"], record["label"]) == (slot, label)
                with Image.open(file) as image:
                    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (SIZE, SIZE))
    assert len(records) == 2 * PER_CLASS * len(SCREENED_SLOTS)


def test_its_command_line_writes_the_slots_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    argv = ["--out", str(out), "--per-class", "1", "--seed", "3", "--size", "64"]
    assert main([*argv, "--slots", "dial,stitching", "--workers", "1"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["dial", "stitching"]
    assert len(_manifest(out)) == 4
    with pytest.raises(SystemExit):
        main([*argv, "--slots", "dial,handle"])


def test_it_refuses_to_write_into_a_folder_that_holds_something_else(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        generate_dataset(tmp_path, per_class=1, seed=SEED, size=64, workers=1, progress=False)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_it_replaces_a_dataset_it_wrote_before(tmp_path: Path) -> None:
    out = tmp_path / "data"
    generate_dataset(
        out, per_class=2, seed=SEED, size=64, slots=["dial"], workers=1, progress=False
    )
    generate_dataset(
        out, per_class=1, seed=SEED, size=64, slots=["caseback"], workers=1, progress=False
    )
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.jpg")) == [
        "caseback/authentic/caseback-000000.jpg",
        "caseback/counterfeit/caseback-000001.jpg",
    ]


# --- what the deviations look like -----------------------------------------------------------


def _luma(image: Image.Image) -> Pixels:
    return np.asarray(image.convert("L"), dtype=np.float32)


def _photographed(scene: Scene, noise_seed: int = 0) -> tuple[Pixels, dict[str, Box]]:
    image, boxes = photograph(
        scene.image, scene.areas, STEADY_CAMERA, PHOTO, np.random.default_rng(noise_seed)
    )
    return _luma(image), boxes


def _rows(box: Box, margin: float = 0.0) -> slice:
    return slice(int((box[1] - margin) * PHOTO), int(np.ceil((box[3] + margin) * PHOTO)))


def _columns(box: Box) -> slice:
    return slice(int(box[0] * PHOTO), int(np.ceil(box[2] * PHOTO)))


def _bag(brand: str) -> HandbagSpec:
    spec = BRANDS[brand].handbag
    assert spec is not None, f"{brand} makes no handbags"
    return spec


def _black(spec: HandbagSpec) -> HandbagSpec:
    """The brand's spec on black leather only, so light ink or thread stands out clearly."""
    return replace(spec, leathers=((30, 29, 32),))


def _render(
    draw: Callable[[HandbagSpec, np.random.Generator, int], Scene], spec: HandbagSpec
) -> Scene:
    return draw(spec, np.random.default_rng(11), 2 * PHOTO)


def _wordmark_width(spacing_change_em: float) -> int:
    chanel = _black(_bag("Chanel"))
    stamp = replace(
        chanel.stamp, letter_spacing_em=chanel.stamp.letter_spacing_em + spacing_change_em
    )
    luma, boxes = _photographed(_render(leather.brand_stamp, replace(chanel, stamp=stamp)))
    band = luma[_rows(boxes["wordmark_spacing"])]
    # Gold foil is far brighter than black leather: the first and last gold column.
    columns = np.flatnonzero(band.max(axis=0) > 110.0)
    return int(columns[-1] - columns[0])


def test_it_widens_the_stamped_wordmark_when_its_letters_are_spaced_out() -> None:
    tight, reference, loose = (_wordmark_width(change) for change in (-0.06, 0.0, 0.06))
    # Five gaps of 0.06 em make about six pixels at this size.
    assert loose >= reference + 3
    assert tight <= reference - 3


def test_it_stamps_a_heavier_wordmark_with_more_foil() -> None:
    chanel = _black(_bag("Chanel"))
    heavier = replace(chanel.stamp, stroke_weight=chanel.stamp.stroke_weight + 0.04)
    foil = []
    for spec in (chanel, replace(chanel, stamp=heavier)):
        luma, boxes = _photographed(_render(leather.brand_stamp, spec))
        box = boxes["wordmark_weight"]
        foil.append(int((luma[_rows(box, 0.02), _columns(box)] > 110.0).sum()))
    assert foil[1] > 1.15 * foil[0]


def _stitch_centres(spec: HandbagSpec, seed: int) -> tuple[NDArray[np.float64], float]:
    scene = leather.stitching(spec, np.random.default_rng(seed), 2 * PHOTO)
    luma, boxes = _photographed(scene, seed)
    box = boxes["stitch_pitch"]
    middle = round((box[1] + box[3]) / 2.0 * PHOTO)
    line = luma[middle - 1 : middle + 2].mean(axis=0)
    thread = np.concatenate([[False], line > (line.max() + np.median(line)) / 2.0, [False]])
    starts = np.flatnonzero(~thread[:-1] & thread[1:])
    ends = np.flatnonzero(thread[:-1] & ~thread[1:])
    return (starts + ends) / 2.0, spec.stitch.pitch * PHOTO


def _pitch_variation(spec: HandbagSpec) -> float:
    """Spread of the distance between neighbouring stitches, in pitches, over a few items."""
    spacings: list[float] = []
    for seed in range(3):
        centres, pitch = _stitch_centres(spec, seed)
        spacings.extend(np.diff(centres[1:-1]) / pitch)  # edge stitches may be cut off
    return float(np.std(spacings))


def test_it_spaces_the_stitches_unevenly_on_a_pitch_counterfeit() -> None:
    hermes = _black(_bag("Hermès"))
    rng = item_streams(SEED, "stitching", 1).defects
    uneven = replace(hermes, stitch=made_stitch(hermes.stitch, {"stitch_pitch": 0.8}, rng))
    reference, counterfeit = _pitch_variation(hermes), _pitch_variation(uneven)
    assert reference < 0.08
    assert counterfeit > 2.0 * reference


def _stitch_angle(spec: HandbagSpec) -> float:
    """The stitches' direction in degrees above the seam, from the thread's edges."""
    luma, boxes = _photographed(_render(leather.stitching, spec))
    band = luma[_rows(boxes["stitch_slant"])]
    dy, dx = np.gradient(band)
    # Edges run along the stitch, so gradients point across it; the structure tensor's main
    # axis is the gradients' direction, a quarter turn from the stitch.
    across = 0.5 * np.degrees(np.arctan2(2.0 * (dx * dy).sum(), (dx * dx - dy * dy).sum()))
    return float(-across - 90.0) % 180.0


def test_it_slants_the_stitches_the_way_the_counterfeit_was_sewn() -> None:
    hermes = _black(_bag("Hermès"))
    angles = [
        _stitch_angle(replace(hermes, stitch=replace(hermes.stitch, slant_deg=degrees)))
        for degrees in (hermes.stitch.slant_deg - 12.0, hermes.stitch.slant_deg + 12.0)
    ]
    assert angles[1] > angles[0] + 8.0


def _engraved_lettering(spec: HandbagSpec) -> Pixels:
    luma, boxes = _photographed(_render(leather.hardware_engraving, spec))
    box = boxes["wordmark_spacing"]
    return luma[_rows(box), _columns(box)]


def test_it_engraves_a_shallow_counterfeit_with_less_contrast() -> None:
    gucci = _bag("Gucci")
    shallow = made_engraving(gucci.plate_engraving, {"engraving_depth": 0.8})
    reference = _engraved_lettering(gucci)
    counterfeit = _engraved_lettering(replace(gucci, plate_engraving=shallow))
    assert counterfeit.std() < 0.75 * reference.std()


def test_it_engraves_a_blunt_counterfeit_with_softer_edges() -> None:
    gucci = _bag("Gucci")
    blunt = made_engraving(gucci.plate_engraving, {"engraving_sharpness": 0.8})

    def edge_strength(lettering: Pixels) -> float:
        dy, dx = np.gradient(lettering)
        return float(np.percentile(np.hypot(dx, dy), 95))

    reference = edge_strength(_engraved_lettering(gucci))
    counterfeit = edge_strength(_engraved_lettering(replace(gucci, plate_engraving=blunt)))
    assert counterfeit < 0.75 * reference


# --- the gallery: each slot, authentic and with each of its deviations ----------------------

# The item shown for each slot; its brand follows from the index as in the dataset.
GALLERY_ITEMS = {
    "brand_stamp": 2,
    "stitching": 2,
    "hardware_engraving": 6,
    "date_code": 4,
    "dial": 2,
    "caseback": 4,
}
GALLERY_MAGNITUDE = 0.7


def _brand(slot: str, index: int) -> str:
    brands = CATEGORY_BRANDS[SCREENED_SLOTS[slot]]
    return brands[(index // 2) % len(brands)]


@pytest.fixture(scope="module")
def gallery() -> dict[str, dict[str, Photo]]:
    """Per slot: the authentic photo and one per deviation, same item, same camera."""
    pictures: dict[str, dict[str, Photo]] = {}
    for slot, index in GALLERY_ITEMS.items():
        brand = _brand(slot, index)
        pictures[slot] = {}
        for kind in ("authentic", *SLOT_FEATURES[slot]):
            deviations = {} if kind == "authentic" else {kind: GALLERY_MAGNITUDE}
            streams = item_streams(SEED, slot, index)
            pictures[slot][kind] = render_photo(slot, brand, deviations, streams, PHOTO)
    return pictures


@pytest.mark.parametrize(
    ("slot", "feature"),
    [(slot, feature) for slot, features in SLOT_FEATURES.items() for feature in features],
)
def test_it_changes_the_photo_where_the_region_of_a_deviation_says(
    gallery: dict[str, dict[str, Photo]], slot: str, feature: str
) -> None:
    counterfeit = gallery[slot][feature]
    change = np.abs(_luma(counterfeit.image) - _luma(gallery[slot]["authentic"].image))
    x0, y0, x1, y1 = counterfeit.regions[feature]
    # A little margin: blur and a longer or shorter serial reach just past the box.
    inside = np.zeros_like(change, dtype=bool)
    inside[
        int(max(y0 - 0.03, 0) * PHOTO) : int(np.ceil(min(y1 + 0.03, 1) * PHOTO)),
        int(max(x0 - 0.06, 0) * PHOTO) : int(np.ceil(min(x1 + 0.06, 1) * PHOTO)),
    ] = True
    assert change[inside].mean() > 1.0
    # The region may cover nearly the whole photo (a caseback's engraving), leaving no outside.
    outside = change[~inside]
    assert outside.size == 0 or change[inside].mean() > 5.0 * outside.mean()


def test_it_keeps_a_picture_of_each_slot_and_deviation_and_a_contact_sheet(
    gallery: dict[str, dict[str, Photo]],
) -> None:
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACT_DIR.glob("*.png"):
        stale.unlink()
    columns = 1 + max(len(features) for features in SLOT_FEATURES.values())
    caption = 14
    label_width = 130
    sheet = Image.new(
        "RGB",
        (label_width + columns * (PHOTO + 4), len(gallery) * (PHOTO + caption + 6)),
        "white",
    )
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(FONTS_DIR / "DejaVuSans.ttf"), 11)
    for row, (slot, pictures) in enumerate(gallery.items()):
        top = row * (PHOTO + caption + 6)
        brand = _brand(slot, GALLERY_ITEMS[slot])
        draw.text((6, top + PHOTO // 2 - 12), slot, fill="black", font=font)
        draw.text((6, top + PHOTO // 2 + 2), brand, fill="dimgray", font=font)
        for column, (kind, photo) in enumerate(pictures.items()):
            name = f"{slot}-{kind}.png"
            photo.image.save(ARTIFACT_DIR / name)
            left = label_width + column * (PHOTO + 4)
            sheet.paste(photo.image, (left, top))
            detail = "authentic" if kind == "authentic" else f"{kind} {GALLERY_MAGNITUDE}"
            if photo.serial_violation:
                detail = f"{kind}: {photo.serial_violation}"
            draw.text((left, top + PHOTO + 1), detail, fill="black", font=font)
    sheet.save(ARTIFACT_DIR / "contact-sheet.png")

    expected = {f"{slot}-{kind}.png" for slot in gallery for kind in gallery[slot]}
    assert {path.name for path in ARTIFACT_DIR.glob("*.png")} == expected | {"contact-sheet.png"}
    with Image.open(ARTIFACT_DIR / "contact-sheet.png") as kept:
        assert kept.size == sheet.size
