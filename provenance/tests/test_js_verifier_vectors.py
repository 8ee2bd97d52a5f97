"""The second reference verifier (verifiers/js, Node) against the test vectors of
docs/bundle-spec.md and against the Python verifier.

verifiers/vectors.json is what the platform's own code computes (verifiers/vectors.py); both
implementations must compute the very same canonical bytes, value hashes, leaves, trees, proofs
and signers from its inputs. Then the Node command line on real bundles, signed and anchored on
a real ganache by the platform: its exit codes, and the same JSON as the Python verifier's.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from provenance.bundles import bundle_check, bundle_check_chain
from provenance.documents import document_register, document_revoke
from provenance.issuer import issuer_from_metadata
from provenance.models import Document
from provenance.selectors import bundle_for, issuer_metadata
from provenance.tests.conftest import Ganache, settle
from tests.servers import ROOT
from tests.tools import require_node
from verifiers.vectors import vectors

VECTORS = ROOT / "verifiers" / "vectors.json"
JS = ROOT / "verifiers" / "js"


def _node_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_node(), str(JS / "verify.mjs"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _committed() -> dict[str, Any]:
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_platforms_code_computes_the_committed_vectors() -> None:
    assert vectors() == _committed(), "regenerate: .venv/bin/python -m verifiers.vectors"


def test_the_node_verifier_computes_every_committed_vector() -> None:
    committed = _committed()

    done = subprocess.run(
        [require_node(), str(JS / "vectors.mjs"), str(VECTORS)],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    theirs = json.loads(done.stdout)

    for section in ("canonical", "field_leaves", "document_tree", "batch", "signatures", "abi"):
        assert theirs[section] == committed[section], section
    assert theirs["signing_key"]["address"] == committed["signing_key"]["address"]
    # RFC 6979 signatures are deterministic: ethers makes the very signature Python made.
    assert theirs["signed"] == committed["signatures"]["cases"][0]["signature"]


def test_the_vectors_cover_the_edges_of_the_value_encoding() -> None:
    cases = {case["name"]: case for case in _committed()["canonical"]}

    rejected = {name for name, case in cases.items() if case.get("rejected")}
    assert {
        "2**53 is rejected",
        "a whole number written as a fraction is rejected",
        "a lone surrogate in a key is rejected",
        "an unsafe integer nested is rejected",
    } <= rejected
    assert cases["largest safe integer"]["canonical"] == "9007199254740991"
    assert cases["keys sort by UTF-16 code units"]["canonical"].index("😀") < cases[
        "keys sort by UTF-16 code units"
    ]["canonical"].index("\ufb33")
    signers = {case["name"]: case.get("signer") for case in _committed()["signatures"]["cases"]}
    assert signers["high s with the other v: the same signer"] == signers["as signed"]


def _anchored(w3: Web3, n: int) -> Document:
    body = {
        "type": "report",
        "id": f"js-{n}",
        "issued_at": "2026-11-24T10:00:00Z",
        "verdict": {"result": "authentic", "reason": None},
        "item": {"brand": "Hermès", "serial": f"2845123{n}"},
        "score": 734,
    }
    document = document_register(body=body, private=["item.serial"])
    settle(w3)
    return Document.objects.get(pk=document.pk)


def _write(folder: Path, name: str, content: Any) -> str:
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


@pytest.mark.django_db
def test_the_node_command_line_exits_as_the_python_one_does(w3: Web3, tmp_path: Path) -> None:
    document = _anchored(w3, 1)
    bundle = bundle_for(document)
    tampered = copy.deepcopy(bundle)
    next(f for f in tampered["fields"] if f["key"] == "verdict.result")["value"] = "counterfeit"
    good = _write(tmp_path, "good.json", bundle)
    issuer = _write(tmp_path, "issuer.json", issuer_metadata())

    offline = _node_verify(good, "--issuer", issuer)
    changed = _node_verify(_write(tmp_path, "tampered.json", tampered))
    missing = _node_verify(str(tmp_path / "nope.json"))
    not_json = _node_verify(_write(tmp_path, "broken.json", '{"format": '))
    no_issuer = _node_verify(good, "--issuer", str(tmp_path / "nope.json"))
    junk_issuer = _node_verify(good, "--issuer", _write(tmp_path, "junk.json", "{}"))
    bad_contract = _node_verify(good, "--contract", "0x1234")
    no_bundle = _node_verify()

    assert offline.returncode == 5, offline.stdout + offline.stderr
    assert offline.stdout.strip().splitlines()[-1].startswith("NOT CHECKED:")
    assert "Pass --rpc URL" in offline.stdout
    assert changed.returncode == 1, changed.stdout + changed.stderr
    assert "[FAIL] fields: Field “verdict.result” does not match" in changed.stdout
    assert "WARNING: nothing pins the issuer" in changed.stdout
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert not_json.returncode == 2 and "cannot read" in not_json.stderr
    assert no_issuer.returncode == 2 and "cannot read" in no_issuer.stderr
    assert junk_issuer.returncode == 2 and "not issuer metadata" in junk_issuer.stderr
    assert bad_contract.returncode == 2 and "--contract" in bad_contract.stderr
    assert no_bundle.returncode == 2 and "usage:" in no_bundle.stderr


@pytest.mark.django_db
def test_both_verifiers_say_the_same_about_real_bundles(
    w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    good = _anchored(w3, 2)
    revoked = _anchored(w3, 3)
    document_revoke(document=revoked, reason="corrected", superseded_by="js-4")
    settle(w3)
    metadata = issuer_metadata()
    issuer = _write(tmp_path, "issuer.json", metadata)
    selective = bundle_for(good, keys=["verdict.result", "item.serial"])
    pending = {**bundle_for(good), "anchor": None}
    replayed = {**bundle_for(revoked), "revocation": None}
    moved = copy.deepcopy(bundle_for(good))
    moved["anchor"]["seq"] += 1
    cases = {
        "valid": (bundle_for(good), ["--rpc", ganache.rpc_url, "--issuer", issuer]),
        "selective, private field": (selective, ["--rpc", ganache.rpc_url, "--issuer", issuer]),
        "pending": (pending, ["--rpc", ganache.rpc_url, "--issuer", issuer]),
        "revoked": (bundle_for(revoked), ["--rpc", ganache.rpc_url, "--issuer", issuer]),
        "revoked, notice dropped": (replayed, ["--rpc", ganache.rpc_url]),
        "another seq": (moved, ["--rpc", ganache.rpc_url]),
        "offline": (bundle_for(good), []),
    }

    outcomes = {}
    for name, (bundle, args) in cases.items():
        node = _node_verify(_write(tmp_path, "bundle.json", bundle), *args, "--json")
        pins = issuer_from_metadata(metadata) if "--issuer" in args else None
        python = bundle_check(bundle, issuer=pins)
        if "--rpc" in args:
            python = bundle_check_chain(bundle, w3=w3, result=python, issuer=pins)
        assert json.loads(node.stdout) == python.to_dict(), name
        outcomes[name] = (python.outcome.value, node.returncode)

    assert outcomes == {
        "valid": ("valid", 0),
        "selective, private field": ("valid", 0),
        "pending": ("pending", 3),
        "revoked": ("revoked", 4),
        "revoked, notice dropped": ("revoked", 4),
        "another seq": ("invalid", 1),
        "offline": ("unchecked", 5),
    }
