"""A real ganache node per test, on a free loopback port, stopped by PID.

The node keeps its chain in the test's tmp folder, so a test can stop it and start it again
(the chain survives), or wipe it (a devnet reset).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import ROOT, free_port, stop, wait_for

GANACHE = ROOT / "node_modules" / ".bin" / "ganache"


class Ganache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if not GANACHE.exists():
            pytest.fail("ganache is missing: run `npm ci` (make test does)")
        (self.folder / "chain").mkdir(parents=True, exist_ok=True)
        log = (self.folder / "ganache.log").open("ab")
        self.process = subprocess.Popen(
            [str(GANACHE), "--database.dbPath", str(self.folder / "chain"),
             "--server.host", "127.0.0.1", "--server.port", str(self.port),
             "--chain.chainId", "1337", "--chain.hardfork", "shanghai",
             "--wallet.deterministic", "--logging.quiet"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        log.close()
        wait_for(self.answers, 30, "ganache to answer")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def wipe(self) -> None:
        """Stop the node and delete its chain: the next start is a brand-new devnet."""
        self.stop()
        shutil.rmtree(self.folder / "chain")

    def answers(self) -> bool:
        try:
            self.rpc("eth_chainId")
        except OSError:
            return False
        return True

    def rpc(self, method: str, *params: Any) -> Any:
        request = urllib.request.Request(
            self.rpc_url,
            data=json.dumps(
                {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
            ).encode(),
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            body = json.loads(response.read())
        if "error" in body:
            raise RuntimeError(body["error"])
        return body["result"]


@pytest.fixture
def ganache(tmp_path: Path) -> Iterator[Ganache]:
    node = Ganache(tmp_path / "ganache")
    node.start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def w3(ganache: Ganache, settings: Any) -> Any:
    """web3 on the test's ganache, with the AnchorLog contract deployed and recorded."""
    from provenance.anchoring import contract_deploy, web3_get

    settings.ETH_RPC_URL = settings.ETH_PUBLIC_RPC_URL = ganache.rpc_url
    w3 = web3_get(ganache.rpc_url)
    contract_deploy(w3=w3)
    return w3


# Shared by the anchoring, bundle, page and fault tests (and bench/provenance.py).


def register_reports(count: int, start: int = 0) -> list[Any]:
    from provenance.documents import document_register

    return [
        document_register(
            body={"type": "report", "id": f"r-{n}", "verdict": "authentic", "brand": "Chanel"}
        )
        for n in range(start, start + count)
    ]


def settle(w3: Any, ticks: int = 8) -> list[str]:
    """Tick until nothing moves; the moves, in order. The domain events of the moves (and of
    whatever the test did before) are then delivered, as their commits would."""
    from events.tasks import events_dispatch_due
    from provenance.anchoring import anchor_tick

    moves: list[str] = []
    for _ in range(ticks):
        report = anchor_tick(w3=w3)
        assert not report.error, report.error
        moves += report.moved
        if not report.moved and report.sealed is None:
            break
    events_dispatch_due()
    return moves


def live_contract(w3: Any) -> Any:
    """The recorded, live AnchorLog contract."""
    from provenance import anchoring
    from provenance.models import Deployment

    deployment = Deployment.objects.get(retired_at__isnull=True)
    return anchoring._contract(w3, deployment.address)


def assert_each_anchored_once(w3: Any) -> None:
    """Every document in a confirmed batch, each batch root anchored once, in sequence."""
    from web3 import Web3

    from provenance.commitments import batch_leaf
    from provenance.models import Batch, Document

    contract = live_contract(w3)
    events = contract.events.Anchored().get_logs(from_block=0)
    roots = [Web3.to_hex(e.args.root) for e in events]
    assert len(roots) == len(set(roots)), "a batch root was anchored twice"
    assert [e.args.seq for e in events] == list(range(1, len(events) + 1))
    for document in Document.objects.select_related("batch"):
        batch = document.batch
        assert batch is not None and batch.state == Batch.State.CONFIRMED, document
        assert batch.root in roots
        seq, _, block = contract.functions.anchor_of(batch.root).call()
        assert (seq, block) == (batch.seq, batch.block_number)
        assert w3.eth.get_block(block).hash.to_0x_hex() == batch.block_hash
        leaf = batch_leaf(bytes.fromhex(document.root[2:]))
        assert contract.functions.verify(document.batch_proof, batch.root, leaf).call()


def reanchor_in_a_foreign_anchorlog(w3: Any, bundle: dict[str, Any]) -> dict[str, Any]:
    """The auditor's attack: someone deploys their own AnchorLog on the same chain, anchors our
    batch root there (a revoked document's, say) and rewrites the bundle's anchor to point at
    it. Every anchor field is then true, of their contract; the revocation notice is dropped."""
    import copy
    from datetime import UTC, datetime

    from provenance.canonical import utc_timestamp
    from provenance.contracts import artifact_load

    artifact = artifact_load()
    attacker = w3.eth.accounts[1]
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    deployed = w3.eth.wait_for_transaction_receipt(
        factory.constructor().transact({"from": attacker})
    )
    theirs = w3.eth.contract(address=deployed.contractAddress, abi=artifact["abi"])
    root = bytes.fromhex(bundle["anchor"]["batch_root"][2:])
    receipt = w3.eth.wait_for_transaction_receipt(
        # They authorise our signing key in their contract too: it only takes their own key.
        theirs.functions.anchor(
            root, b"\0" * 32, 1, [], [bundle["signature"]["signer"]], []
        ).transact({"from": attacker})
    )
    block = w3.eth.get_block(receipt.blockNumber)
    forged = copy.deepcopy(bundle)
    forged["revocation"] = None
    forged["anchor"].update(
        contract=deployed.contractAddress,
        seq=1,
        tx_hash=receipt.transactionHash.to_0x_hex(),
        block_number=receipt.blockNumber,
        block_hash=block.hash.to_0x_hex(),
        anchored_at=utc_timestamp(datetime.fromtimestamp(block.timestamp, tz=UTC)),
    )
    return forged
