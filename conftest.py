"""Fixtures shared by every app's tests: isolated media storage, the catalog, users.

Django imports stay inside the fixtures so the pure-Python tests of ``ml/`` and the image
helpers also run with ``-p no:django``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_root(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Each test stores uploads in its own folder, so leftovers can be counted exactly."""
    root = tmp_path / "media"
    root.mkdir()
    if "settings" in request.fixturenames or request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def default_language(request: pytest.FixtureRequest) -> Any:
    """Every test starts in the default language.

    A request through LocaleMiddleware leaves its language active in the thread, so without
    this a test after a Chinese page would read Chinese.
    """
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def seeded_plans(request: pytest.FixtureRequest) -> None:
    """Every test that commits starts with the plans the data migrations seed.

    A test marked ``transaction=True`` empties every table when it ends, the rows migrations
    seeded included, and pytest-django runs those tests last: without this, whether the Free
    plan (a free appraisal a month) exists would depend on which test ran before.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    importlib.import_module("membership.migrations.0003_plans_seed").plans_seed(apps, None)
    importlib.import_module("membership.migrations.0004_plan_chinese_names").name_seeded_plans(
        apps, None
    )


@pytest.fixture
def catalog(db: None) -> dict[str, Any]:
    from appraisals.models import Category
    from appraisals.services.catalog import catalog_load

    catalog_load()
    return {c.slug: c for c in Category.objects.all()}


@pytest.fixture
def buyer(db: None) -> Any:
    from members.tests.factories import UserFactory

    return UserFactory(email="buyer@example.com")


@pytest.fixture
def stranger(db: None) -> Any:
    from members.tests.factories import UserFactory

    return UserFactory(email="stranger@example.com")


def stored_files(root: Path, under: str = "submissions") -> list[Path]:
    folder = root / under
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture(scope="session")
def tiny_model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small pre-screen model trained by the project's own code on its own generator.

    Trained once per test run: it is about plumbing (rows, heatmaps, routing), not accuracy.
    """
    from ml.artifact import save_artifact
    from ml.dataset import generate_dataset
    from ml.training import TrainConfig, train

    root = tmp_path_factory.mktemp("tiny-model")
    data = root / "data"
    generate_dataset(data, per_class=12, seed=5, size=96, workers=1, progress=False)
    config = TrainConfig(epochs=1, image_size=64, batch_size=32, max_minutes=1.0, seed=0)
    result = train(data_dir=data, config=config, progress=False)
    path = root / "models" / "tiny" / "model.pt"
    save_artifact(
        path,
        model=result.model,
        temperature=result.temperature,
        data_hash=result.data_hash,
        config=config.as_dict(),
        metrics=result.metrics,
    )
    return path


@pytest.fixture
def active_model(db: None, settings: Any, tiny_model_file: Path) -> Any:
    """The tiny model registered and active, as `train_classifier --activate` would leave it."""
    import json

    from ml.artifact import artifact_sha256, sidecar_path
    from ml.services import model_version_register

    settings.ML_MODELS_DIR = str(tiny_model_file.parent.parent)
    return model_version_register(
        name="tiny",
        artifact_path=tiny_model_file,
        artifact_sha256=artifact_sha256(tiny_model_file),
        summary=json.loads(sidecar_path(tiny_model_file).read_text()),
        activate=True,
    )
