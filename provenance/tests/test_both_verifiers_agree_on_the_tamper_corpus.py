"""Both reference verifiers, ``python -m provenance.verify`` and ``node verifiers/js/verify.mjs``,
run the tamper corpus (provenance/tests/tamper_corpus.py) on a real ganache chain: each comes
to the case's outcome, fails at the case's first failing check, and exits with the outcome's
code. Neither is run through the other's code: the Node one is a separate process that reads
the same files."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from provenance.bundles import EXIT_CODES, Outcome
from provenance.tests.tamper_corpus import CONTRACT, ISSUER, Case, corpus_build
from provenance.verify import main as python_verify
from tests.servers import ROOT
from tests.tools import require_node

pytestmark = pytest.mark.django_db

NODE_VERIFIER = ROOT / "verifiers" / "js" / "verify.mjs"


def _arguments(case: Case, path: Path, issuer: Path, contract: str, rpc: str) -> list[str]:
    arguments = [str(path), "--json"]
    if case.online:
        arguments += ["--rpc", rpc]
    if case.pins == ISSUER:
        arguments += ["--issuer", str(issuer)]
    elif case.pins == CONTRACT:
        arguments += ["--contract", contract]
    return arguments


def _python(arguments: list[str]) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = python_verify(arguments)
    return code, json.loads(out.getvalue())


def _node(node: str, arguments: list[str]) -> tuple[int, dict[str, Any]]:
    done = subprocess.run(
        [node, str(NODE_VERIFIER), *arguments],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
    )  # fmt: skip
    try:
        return done.returncode, json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"the Node verifier printed no JSON (exit {done.returncode}):\n{done.stderr}")


def _verdict(code: int, result: dict[str, Any]) -> tuple[str, str | None, int]:
    failed = next((step["name"] for step in result["steps"] if not step["ok"]), None)
    return result["outcome"], failed, code


def test_both_verifiers_agree_on_the_tamper_corpus(
    w3: Any, ganache: Any, settings: Any, tmp_path: Path
) -> None:
    node = require_node()
    corpus = corpus_build(w3, settings)
    issuer = tmp_path / "authplatform-issuer.json"
    issuer.write_text(json.dumps(corpus.issuer), encoding="utf-8")

    disagreements = []
    for number, case in enumerate(corpus.cases):
        path = tmp_path / f"case-{number}.json"
        path.write_text(json.dumps(case.bundle), encoding="utf-8")
        arguments = _arguments(case, path, issuer, corpus.contract, ganache.rpc_url)
        expected = (case.outcome, case.failed, EXIT_CODES[Outcome(case.outcome)])
        python = _verdict(*_python(arguments))
        javascript = _verdict(*_node(node, arguments))
        if not python == javascript == expected:
            disagreements.append(f"{case.name}: expected {expected}, Python {python}, Node "
                                 f"{javascript}")  # fmt: skip

    assert len(corpus.cases) >= 40
    assert not disagreements, "\n".join(disagreements)


def test_both_verifiers_refuse_an_unreadable_bundle_with_exit_code_2(tmp_path: Path) -> None:
    node = require_node()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")

    with contextlib.redirect_stderr(io.StringIO()):
        assert python_verify([str(broken)]) == 2
    done = subprocess.run(
        [node, str(NODE_VERIFIER), str(broken)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "broken.json" in done.stderr
