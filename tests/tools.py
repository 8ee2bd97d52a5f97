"""What a test needs from the machine beyond Python. A missing tool fails the test, naming the
tool and its package, on every machine: `make test` and `.ci/run` install every tool
(scripts/system-packages.txt), so a missing one means PDFs, translations, webhook TLS or HEIC
photos would go untested, and no run may pass without them."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterator
from typing import NoReturn

import pytest


def tool_missing(what: str, *, hint: str) -> NoReturn:
    """Fail a test for want of ``what``."""
    pytest.fail(f"{what} is missing: {hint}", pytrace=False)


def require_tool(program: str, *, package: str) -> str:
    """The path of ``program``; without it the test fails."""
    path = shutil.which(program)
    if path is None:
        tool_missing(program, hint=f"install the Debian package {package} (`make test` does)")
    return path


def require_node() -> str:
    """Node and the npm packages the Node verifier needs (ethers, @openzeppelin/merkle-tree)."""
    from tests.servers import ROOT

    node = shutil.which("node")
    if node is None:
        tool_missing("node", hint="install Node 20 (CI has it; the Dockerfile's chain image too)")
    if not (ROOT / "node_modules" / "ethers").is_dir():
        tool_missing("node_modules/ethers", hint="run `npm ci` (make test does)")
    return node


def source_trees(
    apps: list[str], *, skip: tuple[str, ...] = ()
) -> Iterator[tuple[str, ast.Module]]:
    """(path from the repository root, parsed module) of each app's own code: no tests, no
    migrations, none of ``skip``. The code-scanning tests read the code base through this."""
    from tests.servers import ROOT

    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative or relative in skip:
                continue
            yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)
