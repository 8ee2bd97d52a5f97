"""Generates the synthetic authentication dataset the pre-screen is trained and evaluated on.

    python -m ml.dataset --out DIR --per-class N --seed S --size PX [--slots a,b] [--workers K]

writes, per slot, ``N`` authentic and ``N`` counterfeit close-up photos in a torchvision
ImageFolder layout, ``DIR/<slot>/<authentic|counterfeit>/<slot>-<index>.jpg``, plus
``DIR/manifest.jsonl`` (one line of ground truth per image: brand, label, deviating features
with magnitudes and regions, serial) and ``DIR/dataset.json`` (how it was made, counts).

Items alternate authentic (even index) and counterfeit (odd index), brands taking turns
within each label, so a dataset with a smaller N is a prefix of one with a larger N. Each
image depends only on (seed, slot, index): the same seed gives byte-identical files whatever
the number of workers.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from ml.features import LABELS, SCREENED_SLOTS
from ml.synth.brands import CATEGORY_BRANDS
from ml.synth.nuisance import encode_jpeg
from ml.synth.render import draw_deviations, item_streams, render_photo

GENERATOR_VERSION = "1.0"
MANIFEST_NAME = "manifest.jsonl"
INFO_NAME = "dataset.json"
DEFAULT_PER_CLASS = 300
DEFAULT_SIZE = 160
# Work is handed to the workers in small batches: big enough to amortise the hand-over, small
# enough that both workers stay busy until the end.
_CHUNK = 8


@dataclass(frozen=True)
class Item:
    slot: str
    index: int

    @property
    def label(self) -> str:
        return LABELS[self.index % 2]

    @property
    def brand(self) -> str:
        brands = CATEGORY_BRANDS[SCREENED_SLOTS[self.slot]]
        return brands[(self.index // 2) % len(brands)]

    @property
    def path(self) -> str:
        return f"{self.slot}/{self.label}/{self.slot}-{self.index:06d}.jpg"


@dataclass(frozen=True)
class Summary:
    out: Path
    images: int
    seconds: float
    counts: dict[str, dict[str, int]]

    @property
    def images_per_second(self) -> float:
        return self.images / self.seconds if self.seconds > 0 else float("inf")


def render_item(item: Item, seed: int, size: int) -> tuple[bytes, dict[str, object]]:
    """The item's JPEG bytes and its manifest record."""
    streams = item_streams(seed, item.slot, item.index)
    deviations = (
        draw_deviations(item.slot, item.brand, streams.defects)
        if item.label == "counterfeit"
        else {}
    )
    photo = render_photo(item.slot, item.brand, deviations, streams, size)
    record: dict[str, object] = {
        "path": item.path,
        "slot": item.slot,
        "category": SCREENED_SLOTS[item.slot],
        "brand": item.brand,
        "label": item.label,
        "deviations": deviations,
        "regions": {feature: [round(v, 4) for v in box] for feature, box in photo.regions.items()},
        "serial": photo.serial,
        "serial_violation": photo.serial_violation,
        "split_group": item.index,
    }
    return encode_jpeg(photo.image, photo.jpeg_quality), record


def _write_item(job: tuple[Item, int, int, str]) -> dict[str, object]:
    item, seed, size, out = job
    data, record = render_item(item, seed, size)
    (Path(out) / item.path).write_bytes(data)
    return record


def _prepare(out: Path, slots: Sequence[str]) -> None:
    """Creates the layout. A previous dataset in ``out``, finished or interrupted, is replaced;
    a folder holding anything else is refused rather than emptied."""
    ours = {*SCREENED_SLOTS, MANIFEST_NAME, INFO_NAME}
    if out.exists():
        foreign = sorted(entry.name for entry in out.iterdir() if entry.name not in ours)
        if foreign:
            raise FileExistsError(f"{out} holds other things than a dataset: {foreign[:5]}")
        for slot in SCREENED_SLOTS:
            shutil.rmtree(out / slot, ignore_errors=True)
        (out / MANIFEST_NAME).unlink(missing_ok=True)
        (out / INFO_NAME).unlink(missing_ok=True)
    for slot in slots:
        for label in LABELS:
            (out / slot / label).mkdir(parents=True, exist_ok=True)


def generate_dataset(
    out: Path,
    *,
    per_class: int = DEFAULT_PER_CLASS,
    seed: int = 0,
    size: int = DEFAULT_SIZE,
    slots: Sequence[str] = tuple(SCREENED_SLOTS),
    workers: int | None = None,
    progress: bool = True,
) -> Summary:
    """Writes the dataset into ``out`` and returns what was written."""
    unknown = [slot for slot in slots if slot not in SCREENED_SLOTS]
    if unknown:
        raise ValueError(f"unknown slots {unknown}; known: {', '.join(SCREENED_SLOTS)}")
    if per_class < 1 or size < 32:
        raise ValueError("per_class must be at least 1 and size at least 32 px")
    slots = [slot for slot in SCREENED_SLOTS if slot in slots]
    workers = max(1, workers or os.cpu_count() or 1)
    started = time.perf_counter()
    _prepare(out, slots)
    jobs = [
        (Item(slot, index), seed, size, str(out))
        for slot in slots
        for index in range(2 * per_class)
    ]
    records: list[dict[str, object]] = []
    with tqdm(
        total=len(jobs), desc="dataset", unit="img", disable=not progress, file=sys.stderr
    ) as bar:
        for record in _run(jobs, workers):
            records.append(record)
            bar.update()

    with (out / MANIFEST_NAME).open("w", encoding="utf-8") as manifest:
        for record in records:
            manifest.write(json.dumps(record, ensure_ascii=False) + "\n")
    counts = {
        slot: {
            label: sum(1 for r in records if r["slot"] == slot and r["label"] == label)
            for label in LABELS
        }
        for slot in slots
    }
    info = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "per_class": per_class,
        "slots": slots,
        "brands": {
            category: list(CATEGORY_BRANDS[category])
            for category in dict.fromkeys(SCREENED_SLOTS[slot] for slot in slots)
        },
        "counts": counts,
        "created_by": "ml.dataset",
    }
    (out / INFO_NAME).write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n")
    return Summary(out, len(records), time.perf_counter() - started, counts)


def _run(jobs: list[tuple[Item, int, int, str]], workers: int) -> Iterator[dict[str, object]]:
    """Records in job order, however many workers render them."""
    if workers == 1:
        yield from map(_write_item, jobs)
        return
    # A forked worker inherits the parent's threads (tqdm's monitor, a caller's torch) and can
    # hang on a lock one of them held; spawned workers start clean.
    with get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(_write_item, jobs, chunksize=_CHUNK)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ml.dataset", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, required=True, help="dataset directory")
    parser.add_argument("--per-class", type=int, default=DEFAULT_PER_CLASS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="image side in px")
    parser.add_argument("--slots", default=",".join(SCREENED_SLOTS), help="comma-separated slots")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    slots = [slot.strip() for slot in args.slots.split(",") if slot.strip()]
    try:
        summary = generate_dataset(
            args.out,
            per_class=args.per_class,
            seed=args.seed,
            size=args.size,
            slots=slots,
            workers=args.workers,
        )
    except (ValueError, FileExistsError) as error:
        parser.error(str(error))
    per_slot = ", ".join(
        f"{slot} {counts['authentic']}+{counts['counterfeit']}"
        for slot, counts in summary.counts.items()
    )
    print(
        f"wrote {summary.images} images to {summary.out} in {summary.seconds:.1f} s "
        f"({summary.images_per_second:.1f} images/s, {args.workers} workers): {per_slot}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
