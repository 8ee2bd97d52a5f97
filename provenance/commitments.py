"""Per-field commitments to a document, for anchoring and selective disclosure.

A document is a JSON object with a ``type`` and an ``id`` (a report, a passport event, a
dispute outcome: provenance does not care which). Its fields become leaves:

- a top-level field is one leaf, keyed by its name, except that
- a top-level object with members is split one level down, one leaf per member, keyed
  ``parent.member``: so a report's ``item.brand`` can be shown while ``item.serial`` stays
  hidden. An empty object stays one leaf.

Each leaf is OpenZeppelin-encoded as ``(string key, bytes16 salt, bytes32 keccak(value))``,
where the value is hashed as RFC 8785 canonical JSON and the salt is 128 random bits per
field. Without its salt a withheld field cannot be guessed by hashing candidates
("brand = Chanel?"). The document root is the StandardMerkleTree root over the leaves.

In a batch, a document is the leaf ``(bytes32 document_root)`` of the batch tree.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils import encode_hex, keccak

from provenance.canonical import CanonicalError, canonical_value
from provenance.merkle import MerkleTree, leaf_hash

FIELD_LEAF_TYPES = ("string", "bytes16", "bytes32")
BATCH_LEAF_TYPES = ("bytes32",)
SALT_BYTES = 16
# Always disclosed: a verifier must know what kind of document it holds and which one.
IDENTITY_FIELDS = ("type", "id")
# A document that withdraws another (provenance.documents.document_revoke); its batch marks
# the other one revoked on chain.
REVOCATION_TYPE = "revocation"


class CommitmentError(ValueError):
    """The document or its disclosure cannot be committed to or rebuilt."""


def document_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    """The document as leaf key -> value, split as the module docstring says."""
    if not isinstance(document, Mapping):
        raise CommitmentError("A document is a JSON object.")
    for name in IDENTITY_FIELDS:
        if not isinstance(document.get(name), str) or not document[name]:
            raise CommitmentError(f"A document needs a non-empty string {name!r}.")
    fields: dict[str, Any] = {}
    for name, value in document.items():
        if not isinstance(name, str) or not name or "." in name:
            raise CommitmentError(f"Top-level field names are non-empty and dot-free: {name!r}")
        if isinstance(value, Mapping) and value:
            for member, inner in value.items():
                if not isinstance(member, str):
                    raise CommitmentError(f"{name}: member names are strings, not {member!r}")
                fields[f"{name}.{member}"] = inner
        else:
            fields[name] = value
    return fields


def document_rebuild(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The (possibly partial) document that ``fields`` (leaf key -> value) describe."""
    document: dict[str, Any] = {}
    for key, value in fields.items():
        name, dot, member = key.partition(".")
        if not dot:
            if name in document:
                raise CommitmentError(f"{name!r} is given both whole and by member.")
            document[name] = value
            continue
        parent = document.setdefault(name, {})
        if not isinstance(parent, dict) or member in parent:
            raise CommitmentError(f"{key!r} clashes with another disclosed field.")
        parent[member] = value
    return document


def salts_new(document: Mapping[str, Any]) -> dict[str, bytes]:
    """A fresh 128-bit salt for every leaf of ``document``."""
    return {key: secrets.token_bytes(SALT_BYTES) for key in document_fields(document)}


def value_hash(key: str, value: Any) -> bytes:
    try:
        return keccak(canonical_value(value, path=key))
    except CanonicalError as error:
        raise CommitmentError(str(error)) from error


def field_leaf(key: str, salt: bytes, value: Any) -> bytes:
    if len(salt) != SALT_BYTES:
        raise CommitmentError(f"{key}: a salt is {SALT_BYTES} bytes, not {len(salt)}.")
    return leaf_hash(FIELD_LEAF_TYPES, [key, salt, value_hash(key, value)])


def batch_leaf(document_root: bytes) -> bytes:
    return leaf_hash(BATCH_LEAF_TYPES, [document_root])


@dataclass(frozen=True)
class Commitment:
    """A document's leaves (sorted by key), their tree and its root."""

    keys: tuple[str, ...]
    values: tuple[Any, ...]
    salts: tuple[bytes, ...]
    tree: MerkleTree

    @property
    def root(self) -> bytes:
        return self.tree.root

    def disclose(self, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """The named fields (all by default, the identity fields always) with salt and proof."""
        wanted = set(self.keys if keys is None else keys) | set(IDENTITY_FIELDS)
        unknown = sorted(wanted - set(self.keys))
        if unknown:
            raise CommitmentError(f"The document has no field {', '.join(unknown)}.")
        return [
            {
                "key": key,
                "value": self.values[index],
                "salt": encode_hex(self.salts[index]),
                "proof": [encode_hex(node) for node in self.tree.proof(index)],
            }
            for index, key in enumerate(self.keys)
            if key in wanted
        ]


def document_commit(document: Mapping[str, Any], salts: Mapping[str, bytes]) -> Commitment:
    """Commit to every field of ``document`` with the given salts (one per leaf key)."""
    fields = document_fields(document)
    missing = sorted(set(fields) - set(salts))
    extra = sorted(set(salts) - set(fields))
    if missing or extra:
        raise CommitmentError(f"Salts don't match the fields: missing {missing}, extra {extra}.")
    keys = tuple(sorted(fields))
    leaves = [field_leaf(key, salts[key], fields[key]) for key in keys]
    return Commitment(
        keys=keys,
        values=tuple(fields[key] for key in keys),
        salts=tuple(salts[key] for key in keys),
        tree=MerkleTree.of(leaves),
    )
