"""`manage.py ensure_demo_model`: make sure an active classifier exists (used by make run).

First start: generate the synthetic dataset, train, evaluate on a held-out set and activate,
in a few minutes on two cores. Later starts: reuse the cached artifact under ML_MODELS_DIR,
registering it again if the database is new.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ml.management.commands.evaluate_classifier import evaluate_version
from ml.management.commands.train_classifier import train_and_register
from ml.models import ModelVersion
from ml.selectors import model_version_active
from ml.services import (
    artifact_path_resolve,
    model_version_activate,
    model_version_evaluation_store,
    model_version_register,
)

DEMO_NAME = "demo"
TRAIN_SEED, HELDOUT_SEED = 7, 8


class Command(BaseCommand):
    help = "Train (once) and activate the demo pre-screen model if no model is active."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-class", type=int, default=300, help="training images")
        parser.add_argument("--heldout-per-class", type=int, default=100)
        parser.add_argument("--max-minutes", type=float, default=3.0)

    def handle(self, *args: Any, **options: Any) -> None:
        active = model_version_active()
        if active and artifact_path_resolve(active.artifact_path).exists():
            self.stdout.write(f"Pre-screen model: {active.name} (active).")
            return
        path = Path(settings.ML_MODELS_DIR) / DEMO_NAME / "model.pt"
        if path.exists():
            self._register_cached(path)
            return
        self._train(options)

    def _register_cached(self, path: Path) -> None:
        from ml.artifact import artifact_sha256, sidecar_path

        version = ModelVersion.objects.filter(name=DEMO_NAME).first()
        if version is None:
            summary = json.loads(sidecar_path(path).read_text())
            version = model_version_register(
                name=DEMO_NAME, artifact_path=path, artifact_sha256=artifact_sha256(path),
                summary=summary,
            )  # fmt: skip
            metrics = path.parent / "evaluation" / "metrics.json"
            if metrics.exists():
                evaluation = json.loads(metrics.read_text())
                evaluation["report_dir"] = str(metrics.parent.resolve())
                model_version_evaluation_store(version=version, evaluation=evaluation)
        model_version_activate(version=version)
        self.stdout.write(f"Pre-screen model: {version.name} (cached, activated).")

    def _train(self, options: dict[str, Any]) -> None:
        from ml.dataset import generate_dataset

        started = time.monotonic()
        root = Path(settings.VAR_DIR) / "datasets"
        self.stdout.write(
            "No pre-screen model yet: training the demo model on synthetic data (first start "
            "only, a few minutes)."
        )
        train_dir, heldout_dir = root / "demo-train", root / "demo-heldout"
        generate_dataset(train_dir, per_class=options["per_class"], seed=TRAIN_SEED)
        version = train_and_register(
            options={
                "data": train_dir,
                "name": DEMO_NAME,
                "activate": True,
                "seed": TRAIN_SEED,
                "max_minutes": options["max_minutes"],
            },
            stdout=self.stdout.write,
        )
        generate_dataset(heldout_dir, per_class=options["heldout_per_class"], seed=HELDOUT_SEED)
        report = evaluate_version(
            version=version,
            data=heldout_dir,
            out=Path(settings.ML_MODELS_DIR) / DEMO_NAME / "evaluation",
        )
        overall = report["overall"]
        self.stdout.write(
            f"Demo model ready in {time.monotonic() - started:.0f} s: held-out accuracy "
            f"{overall['accuracy']:.3f}, AUROC {overall['auroc']:.3f}, ECE {overall['ece']:.3f}."
        )
