"""Clients generated from the live schema by standard generators, as a partner makes them:
openapi-python-client (Python) and openapi-typescript with tsc (TypeScript). Used by the
contract tests and the docs' quickstart test."""

from __future__ import annotations

import os
import subprocess
import urllib.request
from pathlib import Path

from tests.servers import BIN, ROOT

NODE_BIN = ROOT / "node_modules" / ".bin"


def schema_fetch(base_url: str, path: Path) -> Path:
    """The schema the running server serves, as JSON, saved at ``path``."""
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=30) as answer:
        path.write_bytes(answer.read())
    return path


def _run(command: list[str], cwd: Path) -> str:
    env = {**os.environ, "PATH": f"{BIN}:{NODE_BIN}:{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    return output


def python_client_generate(schema: Path, package: Path) -> str:
    """openapi-python-client's output for ``schema``, the package written to ``package``
    (importable as its folder's name from its parent)."""
    return _run(
        [str(BIN / "openapi-python-client"), "generate", "--path", str(schema), "--meta",
         "none", "--output-path", str(package), "--overwrite"],
        cwd=package.parent,
    )  # fmt: skip


def typescript_generate(schema: Path, output: Path) -> str:
    """openapi-typescript's output for ``schema``, the types written to ``output``."""
    return _run(
        [str(NODE_BIN / "openapi-typescript"), str(schema), "-o", str(output)], output.parent
    )


def typescript_check(*files: Path) -> str:
    """tsc --noEmit --strict over ``files``: raises with its output when they don't type-check."""
    return _run(
        [str(NODE_BIN / "tsc"), "--noEmit", "--strict", "--target", "es2022", "--module",
         "es2022", "--moduleResolution", "bundler", *map(str, files)],
        cwd=files[0].parent,
    )  # fmt: skip
