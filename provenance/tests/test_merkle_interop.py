"""Our Merkle trees against OpenZeppelin's own JavaScript library (`@openzeppelin/merkle-tree`).

For field trees and batch trees of 1, 2, odd and larger sizes, the npm package must get the
same root, the same leaf hashes and the same proofs as we do, and accept our proofs.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from eth_utils import keccak

from provenance.canonical import canonical_value
from provenance.commitments import BATCH_LEAF_TYPES, FIELD_LEAF_TYPES, document_commit
from provenance.merkle import MerkleTree, leaf_hash, proof_valid

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oz_merkle.mjs")
SIZES = [1, 2, 3, 4, 5, 7, 16, 33]


def _openzeppelin(cases: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@openzeppelin" / "merkle-tree").is_dir():
        pytest.fail("node and node_modules/@openzeppelin/merkle-tree are needed: run `npm ci`")
    done = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps(cases).encode(),
        capture_output=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    return json.loads(done.stdout)


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _field_values(rng: random.Random, size: int) -> list[list[str]]:
    return [
        [f"field_{i}.{rng.random():.6f}", _hex(rng.randbytes(16)), _hex(rng.randbytes(32))]
        for i in range(size)
    ]


def _batch_values(rng: random.Random, size: int) -> list[list[str]]:
    return [[_hex(rng.randbytes(32))] for _ in range(size)]


def _ours(types: tuple[str, ...], values: list[list[str]]) -> MerkleTree:
    decoded = [
        [
            bytes.fromhex(v[2:]) if t.startswith("bytes") else v
            for t, v in zip(types, row, strict=True)
        ]
        for row in values
    ]
    return MerkleTree.of([leaf_hash(types, row) for row in decoded])


def test_openzeppelin_builds_the_same_trees_and_accepts_our_proofs() -> None:
    rng = random.Random(5)
    cases, trees = [], []
    for types, make in ((FIELD_LEAF_TYPES, _field_values), (BATCH_LEAF_TYPES, _batch_values)):
        for size in SIZES:
            values = make(rng, size)
            tree = _ours(types, values)
            trees.append(tree)
            cases.append(
                {
                    "encoding": list(types),
                    "values": values,
                    "ours": {
                        "root": _hex(tree.root),
                        "proofs": [[_hex(n) for n in tree.proof(i)] for i in range(size)],
                    },
                }
            )

    results = _openzeppelin(cases)

    assert len(results) == len(cases) == 2 * len(SIZES)
    for case, tree, theirs in zip(cases, trees, results, strict=True):
        size = len(case["values"])
        label = f"{case['encoding']} x {size}"
        assert theirs["root"] == _hex(tree.root), label
        assert theirs["leaves"] == [_hex(tree.leaf(i)) for i in range(size)], label
        assert theirs["proofs"] == case["ours"]["proofs"], label
        assert theirs["oursVerify"] == [True] * size, label


def test_openzeppelin_rejects_a_proof_for_another_leaf() -> None:
    rng = random.Random(9)
    values = _batch_values(rng, 5)
    tree = _ours(BATCH_LEAF_TYPES, values)
    swapped = [[_hex(n) for n in tree.proof((i + 1) % 5)] for i in range(5)]

    (theirs,) = _openzeppelin(
        [
            {
                "encoding": list(BATCH_LEAF_TYPES),
                "values": values,
                "ours": {"root": _hex(tree.root), "proofs": swapped},
            }
        ]
    )

    assert theirs["oursVerify"] == [False] * 5


def test_a_document_commitment_is_an_openzeppelin_tree_of_its_fields() -> None:
    document = {
        "type": "report",
        "id": "r-1",
        "verdict": {"result": "authentic", "reason": None},
        "item": {"brand": "Chanel", "serial": "28451234"},
        "findings": [{"feature": "stitching", "result": "consistent"}],
    }
    salts = {
        key: bytes([n]) * 16
        for n, key in enumerate(
            ["type", "id", "verdict.result", "verdict.reason", "item.brand", "item.serial"]
            + ["findings"]
        )
    }
    commitment = document_commit(document, salts)
    # The value hash is keccak of the canonical JSON, computed independently here.
    values = [
        [row["key"], row["salt"], _hex(keccak(canonical_value(row["value"])))]
        for row in commitment.disclose()
    ]

    (theirs,) = _openzeppelin(
        [
            {
                "encoding": list(FIELD_LEAF_TYPES),
                "values": values,
                "ours": {
                    "root": _hex(commitment.root),
                    "proofs": [d["proof"] for d in commitment.disclose()],
                },
            }
        ]
    )

    assert theirs["root"] == _hex(commitment.root)
    assert all(theirs["oursVerify"])
    for disclosed in commitment.disclose():
        index = commitment.keys.index(disclosed["key"])
        assert proof_valid(
            root=commitment.root,
            leaf=commitment.tree.leaf(index),
            proof=[bytes.fromhex(p[2:]) for p in disclosed["proof"]],
        )
