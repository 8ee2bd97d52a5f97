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
