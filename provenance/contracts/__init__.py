"""The AnchorLog contract: its Vyper source, and the compiled ABI and bytecode we deploy.

The compiled artifact (``AnchorLog.json``) is committed, so running the platform needs no
compiler. ``python -m provenance.contracts`` rebuilds it from the source with the pinned
Vyper for the shanghai EVM (the newest that ganache 7 runs); a test compiles again and fails
if the committed artifact no longer matches the source.
"""

from __future__ import annotations

import functools
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "AnchorLog.vy"
ARTIFACT = HERE / "AnchorLog.json"
VYPER_VERSION = "0.4.3"
EVM_VERSION = "shanghai"


def contract_compile() -> dict[str, Any]:
    """Compile the source; the artifact as it should be committed."""
    done = subprocess.run(
        [sys.executable, "-m", "vyper", "--evm-version", EVM_VERSION, "-f", "abi,bytecode",
         str(SOURCE)],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"vyper failed to compile {SOURCE.name}:\n{done.stderr}")
    abi_line, bytecode_line = done.stdout.strip().splitlines()
    version = subprocess.run(
        [sys.executable, "-m", "vyper", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return {
        "contract": "AnchorLog",
        "compiler": f"vyper {version}",
        "evm_version": EVM_VERSION,
        "source_sha256": hashlib.sha256(SOURCE.read_bytes()).hexdigest(),
        "abi": json.loads(abi_line),
        "bytecode": bytecode_line,
    }


@functools.cache
def artifact_load() -> dict[str, Any]:
    """The committed ABI and bytecode."""
    return json.loads(ARTIFACT.read_text(encoding="utf-8"))


def main() -> None:
    artifact = contract_compile()
    ARTIFACT.write_text(json.dumps(artifact, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    size = len(artifact["bytecode"]) // 2 - 1
    print(f"wrote {ARTIFACT} ({artifact['compiler']}, {EVM_VERSION}, {size} bytes)")
