"""Proof bundles, checked as a stranger would: offline, against a real ganache node, through
the CLI with no database, and after tampering (each failure says what failed)."""

from __future__ import annotations

import copy
import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from provenance.bundles import Outcome, bundle_check, bundle_check_chain
from provenance.canonical import utc_parse, utc_timestamp
from provenance.chain import issuer_own
from provenance.contracts import artifact_load
from provenance.documents import document_register, document_revoke
from provenance.issuer import Issuer
from provenance.models import Document
from provenance.selectors import bundle_for, issuer_metadata
from provenance.tests.conftest import Ganache, reanchor_in_a_foreign_anchorlog, settle

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
    # Offline, the anchor is only claimed: nothing failed, but it is not VALID yet.
    assert offline.outcome is Outcome.UNCHECKED
    assert online.ok and online.anchored and not online.revoked, online.steps
    assert online.outcome is Outcome.VALID
    assert [s.name for s in online.steps] == [
        "fields", "signature", "batch", "anchor", "signer", "block", "transaction", "revocation",
    ]  # fmt: skip
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
    assert bundle_check_chain(pending, w3=w3).outcome is Outcome.PENDING
    _anchor(w3)
    done = bundle_for(Document.objects.get(pk=document.pk))
    assert done["status"] == "anchored"
    assert bundle_check_chain(done, w3=w3).outcome is Outcome.VALID


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


def _tampered(bundle: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(bundle)
    changed["anchor"][name] = value
    return changed


def _later(bundle: dict[str, Any]) -> str:
    """The bundle's anchor time plus one second."""
    moment = utc_parse(bundle["anchor"]["anchored_at"]) + timedelta(seconds=1)
    return utc_timestamp(moment)


def _other_tx(w3: Web3, bundle: dict[str, Any]) -> str:
    """A real transaction on the chain that is not the one anchoring this bundle's batch."""
    head = w3.eth.get_block("latest", full_transactions=False)
    for number in range(head.number, 0, -1):
        for tx in w3.eth.get_block(number).transactions:
            if tx.to_0x_hex() != bundle["anchor"]["tx_hash"]:
                return tx.to_0x_hex()
    raise AssertionError("no other transaction on chain")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("block_number", lambda w3, b: b["anchor"]["block_number"] + 1, "the bundle says block"),
        ("block_hash", lambda w3, b: "0x" + "ab" * 32, "the bundle says 0xabab"),
        ("tx_hash", lambda w3, b: "0x" + "cd" * 32, "is not on chain 1337"),
        ("tx_hash", lambda w3, b: _other_tx(w3, b), "is in block"),
        ("anchored_at", lambda w3, b: _later(b), "the bundle says 20"),
    ],
    ids=["block_number", "block_hash", "tx_hash_unknown", "tx_hash_another", "anchored_at"],
)
def test_each_anchor_field_is_held_against_the_chain(
    w3: Web3, name: str, value: Any, message: str
) -> None:
    (document,) = _anchor(w3, _body(15))
    good = bundle_for(document)
    changed = _tampered(good, name, value(w3, good))
    assert changed["anchor"][name] != good["anchor"][name]

    result = bundle_check_chain(changed, w3=w3, issuer=issuer_own())

    assert result.outcome is Outcome.INVALID and not result.anchored
    assert message in result.reason, result.reason
    assert bundle_check_chain(good, w3=w3, issuer=issuer_own()).outcome is Outcome.VALID


def test_a_bundle_without_its_anchor_is_pending_never_valid(w3: Web3) -> None:
    (document,) = _anchor(w3, _body(16))
    stripped = {**bundle_for(document), "anchor": None, "status": "anchored"}

    offline = bundle_check(stripped, issuer=issuer_own())
    online = bundle_check_chain(stripped, w3=w3, issuer=issuer_own())

    assert offline.outcome is Outcome.PENDING and online.outcome is Outcome.PENDING
    assert not online.anchored and "Not anchored yet" in online.reason


def test_a_revoked_bundle_stripped_of_its_anchor_is_still_revoked_by_the_pinned_contract(
    w3: Web3,
) -> None:
    (document,) = _anchor(w3, _body(17))
    document_revoke(document=document, reason="withdrawn: stolen item", superseded_by=None)
    _anchor(w3)
    stripped = {**bundle_for(document), "anchor": None, "revocation": None}

    pinned = bundle_check_chain(stripped, w3=w3, issuer=issuer_own())
    unpinned = bundle_check_chain(stripped, w3=w3)

    assert pinned.outcome is Outcome.REVOKED
    assert unpinned.outcome is Outcome.PENDING  # nothing says which contract to ask


def test_a_bundle_reanchored_in_a_foreign_anchorlog_fails_against_the_pinned_contract(
    w3: Web3,
) -> None:
    (document,) = _anchor(w3, _body(18))
    document_revoke(document=document, reason="corrected", superseded_by="r-19")
    _anchor(w3)
    ours = document.batch.deployment.address
    forged = reanchor_in_a_foreign_anchorlog(w3, bundle_for(document))

    unpinned = bundle_check_chain(forged, w3=w3)
    by_contract = bundle_check_chain(forged, w3=w3, issuer=Issuer(contract=ours))
    by_metadata = bundle_check_chain(forged, w3=w3, issuer=issuer_own())

    # What the auditor found: taken at its own word, the bundle checks out, not revoked.
    assert unpinned.outcome is Outcome.VALID and not unpinned.pinned
    expected = (
        f"Anchored in {forged['anchor']['contract']} which is not the issuer's contract {ours} "
        "for chain 1337."
    )
    assert by_contract.outcome is Outcome.INVALID and by_contract.reason == expected
    assert by_metadata.outcome is Outcome.INVALID and by_metadata.reason == expected


def test_a_revoked_document_is_reported_revoked_with_its_reason_and_successor(w3: Web3) -> None:
    (document,) = _anchor(w3, _body(6))
    document_revoke(document=document, reason="corrected", superseded_by="r-7")
    _anchor(w3)
    bundle = bundle_for(document)

    result = bundle_check_chain(bundle, w3=w3, issuer=issuer_own())
    # Without the issuer's notice in the bundle, the chain alone still says so.
    bare = bundle_check_chain({**bundle, "revocation": None}, w3=w3)

    assert result.revoked and not result.ok and result.outcome is Outcome.REVOKED
    assert any("REVOKED" in step.detail for step in result.steps)
    assert result.revocation is not None
    assert result.revocation["code"] == "superseded"
    assert result.revocation["superseded_by"] == "r-7"
    assert result.revocation["reason"] == "corrected"
    assert result.revocation["revoked_at"]
    assert "superseded by r-7" in result.reason and "corrected" in result.reason
    assert bare.outcome is Outcome.REVOKED
    assert bare.revocation is not None and bare.revocation["code"] is None


def test_the_pages_own_verifier_agrees_with_python(w3: Web3, ganache: Ganache) -> None:
    """static/js/verify.js (what the verification page runs), under Node, on real bundles."""
    good, revoked, other = _anchor(w3, _body(10), _body(11), _body(14))
    document_revoke(document=revoked, reason="corrected", superseded_by="r-12")
    _anchor(w3)
    selective = bundle_for(good, keys=["verdict.result"])
    changed = bundle_for(good)
    next(f for f in changed["fields"] if f["key"] == "item.brand")["value"] = "Hermès"
    foreign = bundle_for(good)
    foreign["anchor"]["batch_proof"] = ["0x" + "11" * 32]
    pending = bundle_for(document_register(body=_body(13)))
    block_hash = _tampered(bundle_for(good), "block_hash", "0x" + "ab" * 32)
    anchored_at = _tampered(bundle_for(good), "anchored_at", _later(bundle_for(good)))
    tx_hash = _tampered(bundle_for(good), "tx_hash", _other_tx(w3, bundle_for(good)))
    elsewhere = _tampered(bundle_for(good), "contract", "0x" + "12" * 20)
    # A stated signer the contract never authorised (the page can't recover the real one).
    unauthorised = bundle_for(good)
    unauthorised["signature"]["signer"] = "0x" + "34" * 20
    cases = [
        selective, changed, foreign, bundle_for(revoked), pending, block_hash, anchored_at,
        tx_hash, elsewhere, unauthorised,
    ]  # fmt: skip

    done = subprocess.run(
        ["node", str(Path(__file__).with_name("browser_verify.js"))],
        input=json.dumps(
            [{"bundle": b, "rpc": ganache.rpc_url, "issuer": issuer_metadata()} for b in cases]
        ),
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    results = json.loads(done.stdout)

    def oks(result: dict[str, Any]) -> list[tuple[str, bool]]:
        return [(s["name"], s["ok"]) for s in result["offline"] + result["chain"]]

    def failed(result: dict[str, Any]) -> str:
        return next(s["detail"] for s in result["offline"] + result["chain"] if not s["ok"])

    assert oks(results[0]) == [("fields", True), ("batch", True), ("issuer", True),
                               ("anchor", True), ("signer", True), ("block", True),
                               ("transaction", True), ("revocation", True)]  # fmt: skip
    assert results[0]["outcome"] == "valid"
    block = selective["anchor"]["block_number"]
    assert f"in block {block} at" in results[0]["chain"][0]["detail"]
    assert oks(results[1]) == [("fields", False)] and results[1]["outcome"] == "invalid"
    assert "“item.brand” does not match" in results[1]["offline"][0]["detail"]
    assert oks(results[2]) == [("fields", True), ("batch", False)]
    assert results[3]["outcome"] == "revoked"
    assert "REVOKED" in results[3]["chain"][-1]["detail"]
    assert "superseded by r-12" in results[3]["offline"][-1]["detail"]
    assert oks(results[4]) == [("fields", True), ("batch", True)]
    assert results[4]["outcome"] == "pending"
    assert "Not anchored yet" in results[4]["offline"][1]["detail"]
    assert [r["outcome"] for r in results[5:]] == ["invalid"] * 5
    assert "the bundle says 0xabab" in failed(results[5])
    assert "the bundle says" in failed(results[6])
    assert "is not in block" in failed(results[7])
    assert "which is not the issuer's contract" in failed(results[8])
    assert failed(results[9]).endswith("never authorised.")
