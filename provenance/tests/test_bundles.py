"""Proof bundles, checked as a stranger would: offline, against a real ganache node, through
the CLI with no database, and after tampering (each failure says what failed)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from provenance.bundles import bundle_check, bundle_check_chain
from provenance.contracts import artifact_load
from provenance.documents import document_register, document_revoke
from provenance.models import Document
from provenance.selectors import bundle_for
from provenance.tests.conftest import Ganache, settle
from tests.servers import ROOT

pytestmark = pytest.mark.django_db


def _body(n: int) -> dict[str, Any]:
    return {
        "type": "report",
        "id": f"r-{n}",
        "issued_at": "2026-11-24T10:00:00Z",
        "verdict": {"result": "authentic", "reason": None},
        "item": {"brand": "Chanel", "serial": f"2845123{n}", "category": "handbag"},
        "owner": {"name": "Ada Lovelace"},
    }


def _anchor(w3: Web3, *bodies: dict[str, Any]) -> list[Document]:
    documents = [document_register(body=body) for body in bodies]
    settle(w3)
    return [Document.objects.get(pk=d.pk) for d in documents]


def _failed(result: Any) -> str:
    failed = [step for step in result.steps if not step.ok]
    assert failed, "expected a failed step"
    return f"{failed[0].name}: {failed[0].detail}"


def test_a_full_bundle_verifies_offline_and_on_chain(w3: Web3) -> None:
    (document,) = _anchor(w3, _body(1))
    bundle = bundle_for(document)

    offline = bundle_check(bundle, trusted_signers=[document.signer])
    online = bundle_check_chain(bundle, w3=w3)

    assert offline.ok, offline.steps
    assert offline.document == _body(1)
    assert online.ok and online.anchored and not online.revoked, online.steps
    anchor = next(s for s in online.steps if s.name == "anchor")
    assert f"chain 1337 in block {bundle['anchor']['block_number']}" in anchor.detail


def test_a_selective_bundle_shows_only_the_chosen_fields(w3: Web3) -> None:
    (document,) = _anchor(w3, _body(2))

    bundle = bundle_for(document, keys=["verdict.result", "item.brand", "issued_at"])
    result = bundle_check_chain(bundle, w3=w3)

    assert result.ok, result.steps
    assert result.document == {
        "type": "report",
        "id": "r-2",
        "issued_at": "2026-11-24T10:00:00Z",
        "verdict": {"result": "authentic"},
        "item": {"brand": "Chanel"},
    }
    text = json.dumps(bundle)
    assert "28451232" not in text and "Ada Lovelace" not in text
    assert len(json.dumps(bundle)) < len(json.dumps(bundle_for(document)))


def test_a_pending_bundle_says_so_and_verifies_later(w3: Web3) -> None:
    document = document_register(body=_body(3))

    pending = bundle_for(document)
    assert pending["status"] == "pending" and pending["expected_by"]
    assert bundle_check(pending).ok
    _anchor(w3)
    done = bundle_for(Document.objects.get(pk=document.pk))
    assert done["status"] == "anchored"
    assert bundle_check_chain(done, w3=w3).anchored


def test_tampering_fails_with_a_message_saying_what(w3: Web3) -> None:
    first = _anchor(w3, _body(4))[0]
    other = _anchor(w3, _body(5))[0]  # a second batch
    good = bundle_for(first)
    assert first.batch_id != other.batch_id

    changed = copy.deepcopy(good)
    next(f for f in changed["fields"] if f["key"] == "verdict.result")["value"] = "counterfeit"
    assert "“verdict.result” does not match" in _failed(bundle_check(changed))

    swapped = copy.deepcopy(good)
    a, b = swapped["fields"][0], swapped["fields"][1]
    a["salt"], b["salt"] = b["salt"], a["salt"]
    assert "does not match the document root" in _failed(bundle_check(swapped))

    foreign = copy.deepcopy(good)
    foreign["anchor"]["batch_proof"] = bundle_for(other)["anchor"]["batch_proof"]
    foreign["anchor"]["batch_root"] = bundle_for(other)["anchor"]["batch_root"]
    assert "not in batch" in _failed(bundle_check(foreign))

    wrong_chain = copy.deepcopy(good)
    wrong_chain["anchor"]["chain_id"] = 1
    assert "the bundle names chain 1" in _failed(bundle_check_chain(wrong_chain, w3=w3))

    # A second, empty AnchorLog on the same chain: the root is not anchored there.
    artifact = artifact_load()
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(
        factory.constructor().transact({"from": w3.eth.accounts[0]})
    )
    wrong_contract = copy.deepcopy(good)
    wrong_contract["anchor"]["contract"] = receipt.contractAddress
    assert "is not anchored in contract" in _failed(bundle_check_chain(wrong_contract, w3=w3))

    forged = copy.deepcopy(good)
    forged["signature"]["signature"] = bundle_for(other)["signature"]["signature"]
    assert _failed(bundle_check(forged)).startswith("signature:")


def test_a_revoked_document_is_reported_revoked(w3: Web3) -> None:
    (document,) = _anchor(w3, _body(6))
    document_revoke(document=document, reason="corrected", superseded_by="r-7")
    _anchor(w3)

    result = bundle_check_chain(bundle_for(document), w3=w3)

    assert result.revoked and not result.ok
    assert any("REVOKED" in step.detail for step in result.steps)


def test_the_cli_needs_only_the_bundle_and_an_rpc_url(
    w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    (document,) = _anchor(w3, _body(8))
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle_for(document, keys=["verdict.result"])))
    tampered = tmp_path / "tampered.json"
    bad = bundle_for(document)
    bad["fields"][0]["value"] = "x"
    tampered.write_text(json.dumps(bad))
    # No Django settings and no database in the environment: a stranger's machine.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }

    def verify(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "provenance.verify", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    good = verify(str(path), "--rpc", ganache.rpc_url)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Anchored on chain 1337" in good.stdout and good.stdout.strip().endswith("VALID")
    bad_run = verify(str(tampered), "--rpc", ganache.rpc_url)
    assert bad_run.returncode == 1 and "does not match the document root" in bad_run.stdout
    missing = verify(str(tmp_path / "nope.json"))
    assert missing.returncode == 2


def test_the_pages_own_verifier_agrees_with_python(w3: Web3, ganache: Ganache) -> None:
    """static/js/verify.js (what the verification page runs), under Node, on real bundles."""
    good, revoked = _anchor(w3, _body(10), _body(11))
    document_revoke(document=revoked, reason="corrected", superseded_by="r-12")
    _anchor(w3)
    selective = bundle_for(good, keys=["verdict.result"])
    changed = bundle_for(good)
    next(f for f in changed["fields"] if f["key"] == "item.brand")["value"] = "Hermès"
    foreign = bundle_for(good)
    foreign["anchor"]["batch_proof"] = ["0x" + "11" * 32]
    pending = bundle_for(document_register(body=_body(13)))
    cases = [selective, changed, foreign, bundle_for(revoked), pending]

    done = subprocess.run(
        ["node", str(Path(__file__).with_name("browser_verify.js"))],
        input=json.dumps([{"bundle": b, "rpc": ganache.rpc_url} for b in cases]),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    results = json.loads(done.stdout)

    def oks(result: dict[str, Any]) -> list[tuple[str, bool]]:
        return [(s["name"], s["ok"]) for s in result["offline"] + result["chain"]]

    assert oks(results[0]) == [("fields", True), ("batch", True), ("anchor", True),
                               ("revocation", True)]  # fmt: skip
    block = selective["anchor"]["block_number"]
    assert f"in block {block} at" in results[0]["chain"][0]["detail"]
    assert oks(results[1]) == [("fields", False)]
    assert "“item.brand” does not match" in results[1]["offline"][0]["detail"]
    assert oks(results[2]) == [("fields", True), ("batch", False)]
    assert oks(results[3])[-1] == ("revocation", False)
    assert "REVOKED" in results[3]["chain"][-1]["detail"]
    assert oks(results[4]) == [("fields", True), ("batch", True)]
    assert "Pending anchor" in results[4]["offline"][1]["detail"]
