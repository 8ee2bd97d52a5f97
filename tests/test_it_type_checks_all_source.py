"""mypy with django-stubs passes on all non-test source (pyproject.toml, [tool.mypy]). It runs
here so that `make test` and CI enforce the types, not only `make lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.servers import ROOT

BIN = Path(sys.executable).parent


def test_all_source_type_checks() -> None:
    # The project's own configuration; a fresh clone builds .mypy_cache on the first run.
    done = subprocess.run(
        [str(BIN / "mypy")],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
