"""Fixtures shared by every app's tests: isolated media storage, the catalog, users."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import LazySettings

from appraisals.models import Category
from appraisals.services import catalog_load
from members.models import User
from members.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def media_root(settings: LazySettings, tmp_path: Path) -> Path:
    """Each test stores uploads in its own folder, so leftovers can be counted exactly."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def catalog(db: None) -> dict[str, Category]:
    catalog_load()
    return {c.slug: c for c in Category.objects.all()}


@pytest.fixture
def buyer(db: None) -> User:
    return UserFactory(email="buyer@example.com")


@pytest.fixture
def stranger(db: None) -> User:
    return UserFactory(email="stranger@example.com")


def stored_files(root: Path, under: str = "submissions") -> list[Path]:
    folder = root / under
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
