"""What a test needs from the machine beyond Python: a missing tool skips the test on a
developer's machine, but fails it under CI=true, naming the tool, so CI can't be green
while PDFs, translations, webhook TLS or HEIC photos are untested. `make test` and `.ci/run`
install every tool (scripts/system-packages.txt)."""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def tool_missing(what: str, *, hint: str) -> NoReturn:
    """Skip, or in CI fail, a test for want of ``what``."""
    message = f"{what} is missing: {hint}"
    if in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


def require_tool(program: str, *, package: str) -> str:
    """The path of ``program``; without it the test skips (fails in CI)."""
    path = shutil.which(program)
    if path is None:
        tool_missing(program, hint=f"install the Debian package {package} (`make test` does)")
    return path
