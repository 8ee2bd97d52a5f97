"""Merkle trees in the format of OpenZeppelin's StandardMerkleTree.

Anyone can check our proofs with OpenZeppelin's JavaScript library (``@openzeppelin/merkle-tree``)
or its Solidity ``MerkleProof.verify``, and our contract's ``verify`` does the same sums:

- a leaf is ``keccak256(keccak256(abi.encode(values)))`` for the tree's ABI types; the double
  hash keeps a leaf from ever passing for an inner node;
- an inner node is ``keccak256(a || b)`` with the smaller of the two 32-byte words first, so a
  proof is a plain list of siblings with no left/right flags;
- leaves are sorted by hash, then laid out as OpenZeppelin lays them: the tree is one array,
  the root at index 0, node ``i``'s children at ``2i+1`` and ``2i+2``, and the leaves at the
  end in reverse order. A tree of one leaf is that leaf, with an empty proof.

``provenance/tests/test_merkle_interop.py`` checks roots, leaf hashes and proofs against the
npm package itself on trees of several sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_utils import keccak

# Our contract's verify() takes at most this many siblings: 2**64 leaves are plenty.
MAX_PROOF_LENGTH = 64


def leaf_hash(types: Sequence[str], values: Sequence[Any]) -> bytes:
    """keccak256(keccak256(abi.encode(values))): OpenZeppelin's ``standardLeafHash``."""
    return keccak(keccak(encode(list(types), list(values))))


def hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b) if a < b else keccak(b + a)


def process_proof(leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf``."""
    node = leaf
    for sibling in proof:
        node = hash_pair(node, sibling)
    return node


def proof_valid(*, root: bytes, leaf: bytes, proof: Sequence[bytes]) -> bool:
    return len(proof) <= MAX_PROOF_LENGTH and process_proof(leaf, proof) == root


@dataclass(frozen=True)
class MerkleTree:
    """A StandardMerkleTree over ``leaves`` (already hashed with ``leaf_hash``).

    ``position`` maps each leaf, in the order given, to its index in ``nodes``.
    """

    nodes: tuple[bytes, ...]
    positions: tuple[int, ...]

    @classmethod
    def of(cls, leaves: Sequence[bytes]) -> MerkleTree:
        if not leaves:
            raise ValueError("A Merkle tree needs at least one leaf.")
        for leaf in leaves:
            if len(leaf) != 32:
                raise ValueError(f"A leaf is a 32-byte hash, not {len(leaf)} bytes.")
        # Sorted by hash (ties keep their order, as JavaScript's stable sort does).
        order = sorted(range(len(leaves)), key=lambda index: leaves[index])
        size = 2 * len(leaves) - 1
        nodes: list[bytes] = [b""] * size
        positions = [0] * len(leaves)
        for rank, index in enumerate(order):
            nodes[size - 1 - rank] = leaves[index]
            positions[index] = size - 1 - rank
        for node in range(size - 1 - len(leaves), -1, -1):
            nodes[node] = hash_pair(nodes[2 * node + 1], nodes[2 * node + 2])
        return cls(nodes=tuple(nodes), positions=tuple(positions))

    @property
    def root(self) -> bytes:
        return self.nodes[0]

    def leaf(self, index: int) -> bytes:
        return self.nodes[self.positions[index]]

    def proof(self, index: int) -> list[bytes]:
        """The siblings from leaf number ``index`` (in the order given) up to the root."""
        node = self.positions[index]
        path = []
        while node > 0:
            sibling = node + 1 if node % 2 == 1 else node - 1
            path.append(self.nodes[sibling])
            node = (node - 1) // 2
        return path
