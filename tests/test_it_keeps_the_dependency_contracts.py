"""The dependency contracts (pyproject.toml, [tool.importlinter]) hold, and the dependency
graph in docs/architecture.md is the code's. Both run here so that `make test` and CI enforce
them, not only `make lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.servers import ROOT

BIN = Path(sys.executable).parent


def test_the_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "Contracts: 3 kept, 0 broken." in done.stdout


def test_the_documented_dependency_graph_is_the_codes() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/depgraph.py", "--check"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_no_source_modules_import_each_other_in_a_cycle() -> None:
    """Strongly connected components of the import graph (tests and migrations left out):
    there are none, so every module can be read, and tested, after what it builds on."""
    done = subprocess.run(
        [sys.executable, "scripts/architecture_figures.py"],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "import cycles (non-test modules): 0", done.stdout
