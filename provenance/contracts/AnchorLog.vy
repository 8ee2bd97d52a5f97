# pragma version 0.4.3
# pragma evm-version shanghai
"""
@title AnchorLog: an append-only hash chain of Merkle batch roots
@notice The platform anchors one batch root per transaction. Each root points at the one
        before it and carries the next sequence number, so batches form a hash chain: a
        duplicate, a gap or a fork reverts. A root's record (sequence, time, block) lives in
        storage, not only in the event, because nodes prune old logs. Nothing is ever updated
        or deleted; a batch may also mark earlier documents revoked, once and for good.
        The same batch transaction authorises report-signing keys and retires them, so a
        verifier holding only this contract's address can check that a document's signer was
        the issuer's key for that batch: `signer_window` is the range of batches it signs for.
@dev    A record is packed into one storage word to keep a batch near the cost of a single
        new slot: seq in bits 0-63, timestamp in bits 64-127, block number in bits 128-191.
"""

event Anchored:
    seq: indexed(uint256)
    root: indexed(bytes32)
    prev_root: bytes32

event Revoked:
    document_root: indexed(bytes32)
    seq: indexed(uint256)

event SignerAuthorised:
    signer: indexed(address)
    seq: indexed(uint256)

event SignerRetired:
    signer: indexed(address)
    seq: indexed(uint256)

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)

MAX_PROOF: constant(uint256) = 64
MAX_REVOKE: constant(uint256) = 64
MAX_SIGNERS: constant(uint256) = 8
MASK_64: constant(uint256) = 2**64 - 1

owner: public(address)
last_seq: public(uint256)
last_root: public(bytes32)
# root -> packed (seq, timestamp, block); zero means never anchored
records: HashMap[bytes32, uint256]
# document root -> time it was revoked; zero means not revoked
revoked_at: public(HashMap[bytes32, uint256])
# signing key -> packed (first batch it signs for, bits 0-63; last batch, bits 64-127, zero
# while it is not retired); zero means never authorised
signers: HashMap[address, uint256]


@deploy
def __init__():
    self.owner = msg.sender
    log OwnershipTransferred(previous_owner=empty(address), new_owner=msg.sender)


@external
def anchor(
    root: bytes32,
    prev_root: bytes32,
    seq: uint256,
    revoked: DynArray[bytes32, MAX_REVOKE],
    authorised: DynArray[address, MAX_SIGNERS],
    retired: DynArray[address, MAX_SIGNERS],
):
    """
    @notice Append `root` as batch number `seq`, after `prev_root`, and mark the document
            roots in `revoked` as revoked (superseded or withdrawn reports). The revocation
            documents saying why are in the batch itself. Revocation is final.
            Keys in `authorised` may sign documents from this batch on; keys in `retired`
            signed their last documents in an earlier batch and sign none from this one on.
            A key is authorised once and retired once, for good.
    """
    assert msg.sender == self.owner, "AnchorLog: not the owner"
    assert root != empty(bytes32), "AnchorLog: empty root"
    assert seq == self.last_seq + 1, "AnchorLog: wrong sequence number"
    assert prev_root == self.last_root, "AnchorLog: wrong previous root"
    assert self.records[root] == 0, "AnchorLog: root already anchored"
    self.records[root] = seq | (block.timestamp << 64) | (block.number << 128)
    self.last_seq = seq
    self.last_root = root
    log Anchored(seq=seq, root=root, prev_root=prev_root)
    for document_root: bytes32 in revoked:
        if self.revoked_at[document_root] == 0:
            self.revoked_at[document_root] = block.timestamp
            log Revoked(document_root=document_root, seq=seq)
    for signer: address in authorised:
        assert signer != empty(address), "AnchorLog: empty signer"
        assert self.signers[signer] == 0, "AnchorLog: signer already authorised"
        self.signers[signer] = seq
        log SignerAuthorised(signer=signer, seq=seq)
    for signer: address in retired:
        window: uint256 = self.signers[signer]
        assert window != 0, "AnchorLog: signer never authorised"
        assert window >> 64 == 0, "AnchorLog: signer already retired"
        assert window < seq, "AnchorLog: signer retired in the batch that authorises it"
        self.signers[signer] = window | ((seq - 1) << 64)
        log SignerRetired(signer=signer, seq=seq)


@external
def transfer_ownership(new_owner: address):
    """
    @notice Rotate the anchoring key: only the new owner can anchor from now on.
    """
    assert msg.sender == self.owner, "AnchorLog: not the owner"
    assert new_owner != empty(address), "AnchorLog: empty owner"
    log OwnershipTransferred(previous_owner=self.owner, new_owner=new_owner)
    self.owner = new_owner


@view
@external
def anchor_of(root: bytes32) -> (uint256, uint256, uint256):
    """
    @notice (seq, timestamp, block number) of an anchored root; all zero if it never was.
    """
    record: uint256 = self.records[root]
    return record & MASK_64, (record >> 64) & MASK_64, (record >> 128) & MASK_64


@view
@external
def signer_window(signer: address) -> (uint256, uint256):
    """
    @notice (first, last) batch numbers whose documents `signer` may have signed: first is
            zero if the key was never authorised here, last is zero while it is not retired.
    """
    window: uint256 = self.signers[signer]
    return window & MASK_64, (window >> 64) & MASK_64


@pure
@internal
def _hash_pair(a: bytes32, b: bytes32) -> bytes32:
    if convert(a, uint256) < convert(b, uint256):
        return keccak256(concat(a, b))
    return keccak256(concat(b, a))


@pure
@external
def verify(proof: DynArray[bytes32, MAX_PROOF], root: bytes32, leaf: bytes32) -> bool:
    """
    @notice OpenZeppelin MerkleProof.verify: sorted pairs, so the proof needs no directions.
    """
    computed: bytes32 = leaf
    for sibling: bytes32 in proof:
        computed = self._hash_pair(computed, sibling)
    return computed == root
