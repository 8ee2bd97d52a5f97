"""``python -m provenance.verify`` as a stranger runs it: no Django settings, no database, a
pinned copy of our issuer metadata, and one exit code per outcome (docs/provenance.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from provenance.documents import document_register, document_revoke
from provenance.models import Document
from provenance.selectors import bundle_for, issuer_metadata
from provenance.tests.conftest import Ganache, reanchor_in_a_foreign_anchorlog, settle
from tests.servers import ROOT

pytestmark = pytest.mark.django_db


def _anchored(w3: Web3, n: int) -> Document:
    document = document_register(body={"type": "report", "id": f"cli-{n}", "verdict": "authentic"})
    settle(w3)
    return Document.objects.get(pk=document.pk)


def _write(folder: Path, name: str, content: Any) -> str:
    path = folder / name
    path.write_text(json.dumps(content) if not isinstance(content, str) else content)
    return str(path)


def _verify(*args: str) -> subprocess.CompletedProcess[str]:
    # No Django settings and no database in the environment: a stranger's machine.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-m", "provenance.verify", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_each_outcome_has_its_own_exit_code(w3: Web3, ganache: Ganache, tmp_path: Path) -> None:
    good = _anchored(w3, 1)
    revoked = _anchored(w3, 2)
    document_revoke(document=revoked, reason="corrected", superseded_by="cli-3")
    settle(w3)
    issuer = _write(tmp_path, "issuer.json", issuer_metadata())
    rpc = ["--rpc", ganache.rpc_url, "--issuer", issuer]
    bundle = bundle_for(good)
    tampered = json.loads(json.dumps(bundle))
    tampered["fields"][0]["value"] = "x"
    paths = {
        "good": _write(tmp_path, "good.json", bundle_for(good, keys=["verdict"])),
        "tampered": _write(tmp_path, "tampered.json", tampered),
        "pending": _write(tmp_path, "pending.json", {**bundle, "anchor": None}),
        "revoked": _write(tmp_path, "revoked.json", bundle_for(revoked)),
    }

    valid = _verify(paths["good"], *rpc)
    invalid = _verify(paths["tampered"], *rpc)
    pending = _verify(paths["pending"], *rpc)
    revoked_run = _verify(paths["revoked"], *rpc)
    offline = _verify(paths["good"], "--issuer", issuer)
    unpinned = _verify(paths["good"], "--rpc", ganache.rpc_url)
    missing = _verify(str(tmp_path / "nope.json"), *rpc)
    bad_issuer = _verify(paths["good"], "--issuer", _write(tmp_path, "junk.json", "{}"))

    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert "Anchored on chain 1337" in valid.stdout
    assert valid.stdout.strip().splitlines()[-1].startswith("VALID:")
    assert "WARNING" not in valid.stdout
    assert invalid.returncode == 1 and "does not match the document root" in invalid.stdout
    assert invalid.stdout.strip().splitlines()[-1].startswith("INVALID: Field")
    assert pending.returncode == 3 and "PENDING" in pending.stdout
    assert revoked_run.returncode == 4, revoked_run.stdout
    assert "REVOKED" in revoked_run.stdout and "superseded by cli-3" in revoked_run.stdout
    assert offline.returncode == 5 and "--rpc URL" in offline.stdout
    assert unpinned.returncode == 0 and "WARNING: nothing pins the issuer" in unpinned.stdout
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert bad_issuer.returncode == 2 and "not issuer metadata" in bad_issuer.stderr


def test_a_foreign_anchorlog_fails_with_the_pinned_contract_or_issuer(
    w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    document = _anchored(w3, 4)
    document_revoke(document=document, reason="corrected", superseded_by="cli-5")
    settle(w3)
    ours = document.batch.deployment.address
    forged = _write(
        tmp_path, "forged.json", reanchor_in_a_foreign_anchorlog(w3, bundle_for(document))
    )
    issuer = _write(tmp_path, "issuer.json", issuer_metadata())

    trusted = _verify(forged, "--rpc", ganache.rpc_url, "--trust", document.signer)
    by_contract = _verify(forged, "--rpc", ganache.rpc_url, "--contract", ours)
    by_issuer = _verify(forged, "--rpc", ganache.rpc_url, "--issuer", issuer, "--json")

    # The auditor's finding: pinning the signer alone does not catch it.
    assert trusted.returncode == 0
    assert by_contract.returncode == 1
    assert f"which is not the issuer's contract {ours} for chain 1337" in by_contract.stdout
    assert by_issuer.returncode == 1
    result = json.loads(by_issuer.stdout)
    assert result["outcome"] == "invalid" and result["pinned"] is True
    assert result["reason"].startswith("Anchored in 0x") and ours in result["reason"]
