"""`manage.py train_classifier --data DIR`: train, save a versioned artifact, register it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ml.models import ModelVersion
from ml.services import model_version_register


class Command(BaseCommand):
    help = "Train the pre-screen classifier on a dataset folder and register the new version."

    def add_arguments(self, parser: CommandParser) -> None:
        from ml.train import add_config_arguments

        add_config_arguments(parser)
        parser.add_argument("--name", help="version name (default: a timestamp)")
        parser.add_argument("--activate", action="store_true", help="make it the active model")

    def handle(self, *args: Any, **options: Any) -> None:
        version = train_and_register(options=options, stdout=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"registered {version}"))


def train_and_register(*, options: dict[str, Any], stdout: Any) -> ModelVersion:
    """Shared with ensure_demo_model: train from ``options`` and register the artifact."""
    from ml.artifact import artifact_sha256, save_artifact, sidecar_path
    from ml.train import config_from_options
    from ml.training import train

    data = Path(options["data"])
    if not (data / "manifest.jsonl").is_file():
        raise CommandError(f"{data} is not a dataset folder (no manifest.jsonl); see make_dataset")
    name = options.get("name") or datetime.now(UTC).strftime("prescreen-%Y%m%d-%H%M%S")
    if ModelVersion.objects.filter(name=name).exists():
        raise CommandError(f"a model version named {name!r} exists already; choose --name")
    config = config_from_options(options)
    result = train(data_dir=data, config=config, progress=not options.get("quiet"))
    path = Path(settings.ML_MODELS_DIR) / name / "model.pt"
    save_artifact(
        path,
        model=result.model,
        temperature=result.temperature,
        data_hash=result.data_hash,
        config=config.as_dict(),
        metrics=result.metrics,
    )
    summary = json.loads(sidecar_path(path).read_text())
    validation = result.metrics.get("validation", {})
    stdout(f"validation: {json.dumps(validation)}")
    stdout(f"temperature {result.temperature:.3f}, {result.metrics.get('training_seconds')} s")
    summary["metrics"] = {**summary.get("metrics", {}), **_headline(result.metrics)}
    return model_version_register(
        name=name,
        artifact_path=path,
        artifact_sha256=artifact_sha256(path),
        summary=summary,
        activate=bool(options.get("activate")),
    )


def _headline(metrics: dict[str, Any]) -> dict[str, Any]:
    calibrated = (metrics.get("validation") or {}).get("calibrated") or {}
    return {"val_auroc": calibrated.get("auroc"), "val_accuracy": calibrated.get("accuracy")}
