"""`manage.py evaluate_classifier --data DIR`: held-out figures of a model version.

Writes metrics.json and PNG plots, and stores the figures on the version so the staff page
can publish them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image

from ml.features import VISUAL_FEATURES
from ml.models import ModelVersion
from ml.selectors import model_version_active
from ml.services import artifact_path_resolve, model_version_evaluation_store

CAVEAT = (
    "Measured on synthetic images made by ml.dataset: these figures show the pipeline works, "
    "not how the model would do on real photographs."
)


class Command(BaseCommand):
    help = "Evaluate a model version on a held-out dataset: JSON + PNG plots, shown to staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, required=True, help="held-out dataset folder")
        parser.add_argument("--model", help="model version name (default: the active one)")
        parser.add_argument("--out", type=Path, help="report folder (default: next to the model)")
        parser.add_argument("--batch-size", type=int, default=64)

    def handle(self, *args: Any, **options: Any) -> None:
        version = _version(options.get("model"))
        out = options.get("out") or Path(settings.ML_MODELS_DIR) / version.name / "evaluation"
        report = evaluate_version(
            version=version, data=options["data"], out=out, batch_size=options["batch_size"]
        )
        overall = report["overall"]
        self.stdout.write(
            f"{version.name}: accuracy {overall['accuracy']:.4f}, AUROC {overall['auroc']:.4f}, "
            f"ECE {overall['ece']:.4f} on {overall['n']} held-out photos"
        )
        for slot, figures in report["per_slot"].items():
            self.stdout.write(
                f"  {slot:<20} accuracy {figures['accuracy']:.4f}  AUROC {figures['auroc']:.4f}"
            )
        self.stdout.write(f"report written to {out}")


def _version(name: str | None) -> ModelVersion:
    if name:
        version = ModelVersion.objects.filter(name=name).first()
        if version is None:
            raise CommandError(f"no model version named {name!r}")
        return version
    active = model_version_active()
    if active is None:
        raise CommandError("no active model version; pass --model NAME")
    return active


def evaluate_version(
    *, version: ModelVersion, data: Path, out: Path, batch_size: int = 64
) -> dict[str, Any]:
    """Score every image of ``data`` with ``version`` and store the report on the version."""
    from ml.data import read_manifest
    from ml.evaluation import EvalRecord, evaluate, write_report
    from ml.inference import Screener

    path = artifact_path_resolve(version.artifact_path)
    screener = Screener.load(path, threads=settings.ML_TORCH_THREADS)
    try:
        entries = [e for e in read_manifest(data) if e.slot in screener.slots]
    except (FileNotFoundError, ValueError) as error:
        raise CommandError(str(error)) from error
    # The classifier judges pixels; a counterfeit whose only flaw is its serial number is
    # the OCR rules' job, so it is left out of these figures and counted separately.
    rule_only = [e for e in entries if e.deviations and not e.visually_counterfeit]
    entries = [e for e in entries if not (e.deviations and not e.visually_counterfeit)]
    records: list[EvalRecord] = []
    for start in range(0, len(entries), batch_size):
        chunk = entries[start : start + batch_size]
        images = [Image.open(data / e.path).convert("RGB") for e in chunk]
        scores = screener.score(images, [e.slot for e in chunk])
        for entry, score in zip(chunk, scores, strict=True):
            row, col = np.unravel_index(int(np.argmax(score.heatmap)), score.heatmap.shape)
            size = score.heatmap.shape[0]
            records.append(
                EvalRecord(
                    path=entry.path,
                    slot=entry.slot,
                    brand=entry.brand,
                    category=entry.category,
                    label=int(entry.visually_counterfeit),
                    probability=score.probability,
                    feature_scores=score.feature_scores,
                    deviations={k: v for k, v in entry.deviations.items() if k in VISUAL_FEATURES},
                    heatmap_peak=((col + 0.5) / size, (row + 0.5) / size),
                    regions={k: v for k, v in entry.regions.items() if k in VISUAL_FEATURES},
                )
            )
    if not records:
        raise CommandError(f"{data} has no images of the slots this model screens")
    report = evaluate(records)
    write_report(report, records, out)
    info_path = data / "dataset.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    stored = {
        **report,
        "report_dir": str(out.resolve()),
        "dataset": {"path": str(data), "seed": info.get("seed"), "rule_only": len(rule_only)},
        "caveat": CAVEAT,
    }
    model_version_evaluation_store(version=version, evaluation=stored)
    return report
