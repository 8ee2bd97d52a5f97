"""Staff train, evaluate and publish a classifier with the management commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.roles import Role
from members.tests.factories import UserFactory
from ml.models import ModelVersion

pytestmark = pytest.mark.django_db


def test_dataset_train_evaluate_and_the_staff_page(
    tmp_path: Path,
    settings,
    client: Client,  # noqa: ANN001
) -> None:
    settings.ML_MODELS_DIR = str(tmp_path / "models")
    train_dir, heldout_dir = tmp_path / "train", tmp_path / "heldout"
    call_command("make_dataset", "--out", str(train_dir), "--per-class", "16", "--seed", "1",
                 "--size", "96", "--workers", "1")  # fmt: skip
    call_command("make_dataset", "--out", str(heldout_dir), "--per-class", "8", "--seed", "2",
                 "--size", "96", "--workers", "1")  # fmt: skip
    assert sum(1 for _ in (train_dir / "manifest.jsonl").open()) == 6 * 32

    out = io.StringIO()
    call_command(
        "train_classifier", "--data", str(train_dir), "--name", "ci", "--activate",
        "--epochs", "2", "--image-size", "64", "--max-minutes", "1", "--quiet", stdout=out,
    )  # fmt: skip
    version = ModelVersion.objects.get(name="ci")
    assert version.is_active
    assert version.temperature > 0
    assert len(version.data_hash) == 64
    assert (tmp_path / "models" / "ci" / "model.pt").exists()
    assert version.artifact_path == "ci/model.pt"  # relative to ML_MODELS_DIR

    out = io.StringIO()
    call_command("evaluate_classifier", "--data", str(heldout_dir), stdout=out)
    assert "AUROC" in out.getvalue()
    version.refresh_from_db()
    report_dir = tmp_path / "models" / "ci" / "evaluation"
    metrics = json.loads((report_dir / "metrics.json").read_text())
    assert version.evaluation["overall"] == metrics["overall"]
    assert set(version.evaluation["per_brand"]) == {
        "Cartier", "Chanel", "Gucci", "Hermès", "Louis Vuitton", "Omega", "Patek Philippe",
        "Rolex",
    }  # fmt: skip
    for plot in ("reliability.png", "error_by_brand.png", "confusion.png", "roc.png"):
        assert (report_dir / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Staff see the published error rates; a buyer may not.
    client.force_login(UserFactory(roles=[Role.BUYER]))
    assert client.get(reverse("staff:ai-quality")).status_code == 403
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get(reverse("staff:ai-quality")).content.decode()
    assert "Per brand" in page and "Patek Philippe" in page and "Per photo slot" in page
    plot = client.get(reverse("staff:ai-quality-plot", args=[version.pk, "reliability.png"]))
    assert plot.status_code == 200
    missing = client.get(reverse("staff:ai-quality-plot", args=[version.pk, "metrics.json"]))
    assert missing.status_code == 404


def test_train_classifier_refuses_a_folder_without_a_manifest(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a dataset folder"):
        call_command("train_classifier", "--data", str(tmp_path))
