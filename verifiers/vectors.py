"""Test vectors of the proof-bundle format (docs/bundle-spec.md), computed by the platform's own
code: ``.venv/bin/python -m verifiers.vectors > verifiers/vectors.json`` writes them.

Every input is fixed (salts, a test-only signing key), so the output never changes while the
format does not; provenance/tests/test_js_verifier_vectors.py holds this module and the Node
verifier to the committed file.
"""

from __future__ import annotations

import json
from typing import Any

from eth_abi import encode
from eth_utils import encode_hex, keccak

from provenance.canonical import CanonicalError, canonical_value
from provenance.commitments import (
    FIELD_LEAF_TYPES,
    batch_leaf,
    document_commit,
    document_fields,
    field_leaf,
)
from provenance.merkle import MerkleTree
from provenance.signing import SigningError, root_signer_recover, signer_from_key

# A key for these vectors only: it signs nothing else, anywhere.
TEST_KEY = encode_hex(keccak(text="authplatform.proof-bundle/1 test vector key"))
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

# (name, JSON text): what each implementation makes of the text as its own JSON reader reads it.
CANONICAL_CASES = [
    ("null", "null"),
    ("true", "true"),
    ("false", "false"),
    ("zero", "0"),
    ("minus zero is zero", "-0"),
    ("largest safe integer", "9007199254740991"),
    ("smallest safe integer", "-9007199254740991"),
    ("2**53 is rejected", "9007199254740992"),
    ("-(2**53) is rejected", "-9007199254740992"),
    ("a huge integer is rejected", "18446744073709551616"),
    ("a fraction is rejected", "1.5"),
    ("a whole number written as a fraction is rejected", "1.0"),
    ("an exponent is rejected", "1e2"),
    ("NaN is rejected", "NaN"),
    ("empty string", '""'),
    ("short escapes; a slash is not escaped", r'"\" \\ \/ \b \f \n \r \t"'),
    ("other control characters as lower-case \\u00xx; DEL literal", r'"\u0000\u0001\u001f\u007f"'),
    ("non-ASCII is literal UTF-8", r'"\u00e9\u20ac\ud83d\ude00 Herm\u00e8s"'),
    ("U+2028 and U+2029 are literal", r'"\u2028\u2029"'),
    ("a lone surrogate is rejected", r'"\ud800"'),
    ("a lone surrogate in a key is rejected", r'{"\udc00": 1}'),
    ("empty array", "[]"),
    ("empty object", "{}"),
    ("whitespace goes", ' { "b" : [ 1 , 2 ] ,\n\t"a" : null } '),
    ("nested arrays", '[[], [[]], [1, [2, [3, {"b": null, "a": [true]}]]]]'),
    (
        "keys sort by UTF-16 code units",
        r'{"\ufb33": 1, "\ud83d\ude00": 2, "\u20ac": 3, "a": 4, "B": 5, "": 6, "aa": 7}',
    ),
    ("nested objects sort too", '{"z": {"y": 1, "x": {"b": 2, "a": 3}}, "a": [{"d": 4, "c": 5}]}'),
    ("safe integers nested", '{"n": [9007199254740991, -9007199254740991, 0]}'),
    ("an unsafe integer nested is rejected", "[1, 2, 9007199254740993]"),
    ("a fraction nested is rejected", '{"a": {"b": 0.5}}'),
    ("a duplicate key: the last one counts", '{"a": 1, "a": 2}'),
]

DOCUMENT = {
    "type": "report",
    "id": "r-1",
    "verdict": {"result": "authentic", "reason": None},
    "item": {"brand": "Hermès", "serial": None},
    "findings": [{"feature": "stitching", "result": "consistent"}],
    "tags": [],
    "extra": {},
    "score": 734,
}

FIELD_CASES = [
    ("verdict.result", "0x000102030405060708090a0b0c0d0e0f", "authentic"),
    ("item.serial", "0xffeeddccbbaa99887766554433221100", None),
    ("findings", "0x0f0e0d0c0b0a09080706050403020100", DOCUMENT["findings"]),
    ("score", "0x11111111111111111111111111111111", 734),
]

# The smallest useful document: three leaves, so one proof has two siblings.
TREE_DOCUMENT = {"type": "report", "id": "r-1", "verdict": {"result": "authentic"}}
TREE_SALTS = {
    "type": "0x" + "01" * 16,
    "id": "0x" + "02" * 16,
    "verdict.result": "0x" + "03" * 16,
}

ABI_FUNCTIONS = [
    "anchor_of(bytes32)",
    "signer_window(address)",
    "revoked_at(bytes32)",
]
ABI_EVENTS = [
    "Anchored(uint256,bytes32,bytes32)",
    "Revoked(bytes32,uint256)",
    "SignerAuthorised(address,uint256)",
    "SignerRetired(address,uint256)",
]


def _hex(data: bytes) -> str:
    return encode_hex(data)


def _canonical(name: str, text: str) -> dict[str, Any]:
    try:
        canonical = canonical_value(json.loads(text))
    except CanonicalError:
        return {"name": name, "json": text, "rejected": True}
    return {
        "name": name,
        "json": text,
        "canonical": canonical.decode("utf-8"),
        "utf8": _hex(canonical),
        "value_hash": _hex(keccak(canonical)),
    }


def _field(key: str, salt: str, value: Any) -> dict[str, Any]:
    canonical = canonical_value(value)
    value_hash = keccak(canonical)
    encoded = encode(list(FIELD_LEAF_TYPES), [key, bytes.fromhex(salt[2:]), value_hash])
    return {
        "key": key,
        "salt": salt,
        "value": value,
        "canonical": canonical.decode("utf-8"),
        "value_hash": _hex(value_hash),
        "abi_encoded": _hex(encoded),
        "leaf": _hex(field_leaf(key, bytes.fromhex(salt[2:]), value)),
    }


def _tree() -> dict[str, Any]:
    salts = {key: bytes.fromhex(salt[2:]) for key, salt in TREE_SALTS.items()}
    commitment = document_commit(TREE_DOCUMENT, salts)
    fields = commitment.disclose()
    return {
        "document": TREE_DOCUMENT,
        "fields": [
            {**field, "leaf": _hex(commitment.tree.leaf(index))}
            for index, field in enumerate(fields)
        ],
        "root": _hex(commitment.root),
    }


def _batch(document_root: bytes) -> dict[str, Any]:
    roots = [document_root, keccak(text="another document"), keccak(text="a third document")]
    leaves = [batch_leaf(root) for root in roots]
    tree = MerkleTree.of(leaves)
    return {
        "document_roots": [_hex(root) for root in roots],
        "leaves": [_hex(leaf) for leaf in leaves],
        "root": _hex(tree.root),
        "proofs": [[_hex(node) for node in tree.proof(index)] for index in range(len(roots))],
    }


def _signatures(root: bytes) -> list[dict[str, Any]]:
    signature = bytes.fromhex(signer_from_key(TEST_KEY).sign_root(root)[2:])
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    high_s = (SECP256K1_N - s).to_bytes(32, "big")
    flipped = 55 - v  # 27 <-> 28
    cases = [
        ("as signed", signature),
        ("v as 0 or 1", r + s.to_bytes(32, "big") + bytes([v - 27])),
        ("v in EIP-155 form (35 + parity)", r + s.to_bytes(32, "big") + bytes([35 + v - 27])),
        ("high s with the other v: the same signer", r + high_s + bytes([flipped])),
        ("high s with the same v: another signer", r + high_s + bytes([v])),
        ("v 29 is rejected", r + s.to_bytes(32, "big") + bytes([29])),
        ("s not below n is rejected", r + SECP256K1_N.to_bytes(32, "big") + bytes([v])),
        ("64 bytes are rejected", signature[:64]),
    ]
    rows: list[dict[str, Any]] = [{"name": name, "signature": _hex(raw)} for name, raw in cases]
    rows.append({"name": "upper-case hex", "signature": "0x" + signature.hex().upper()})
    rows.append({"name": "no 0x is rejected", "signature": signature.hex()})
    for row in rows:
        try:
            row["signer"] = root_signer_recover(root=root, signature=row["signature"])
        except SigningError:
            row["rejected"] = True
    return rows


def vectors() -> dict[str, Any]:
    tree = _tree()
    root = bytes.fromhex(tree["root"][2:])
    return {
        "format": "authplatform.proof-bundle/1 test vectors",
        "spec": "docs/bundle-spec.md",
        "canonical": [_canonical(name, text) for name, text in CANONICAL_CASES],
        "document_fields": {"document": DOCUMENT, "leaf_keys": sorted(document_fields(DOCUMENT))},
        "field_leaves": [_field(*case) for case in FIELD_CASES],
        "document_tree": tree,
        "batch": _batch(root),
        "signing_key": {
            "private_key": TEST_KEY,
            "address": signer_from_key(TEST_KEY).address,
            "note": "for these vectors only",
        },
        "signatures": {"root": tree["root"], "cases": _signatures(root)},
        "abi": {
            "selectors": {name: _hex(keccak(text=name)[:4]) for name in ABI_FUNCTIONS},
            "topics": {name: _hex(keccak(text=name)) for name in ABI_EVENTS},
        },
    }


if __name__ == "__main__":
    print(json.dumps(vectors(), indent=1, ensure_ascii=False))
