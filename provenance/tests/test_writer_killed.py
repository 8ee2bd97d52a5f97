"""The anchoring writer killed (SIGKILL) in the middle of a send, in a real process.

Between the writer and ganache sits a small JSON-RPC proxy that forwards everything, except
that it holds ``eth_sendRawTransaction``: either before passing it on (the worker dies with
its transaction signed and stored but never sent) or after (the node has it, the worker
dies before recording that). A fresh writer then finishes the job, and every document ends
up anchored exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from provenance.anchoring import anchor_tick, contract_deploy, web3_get
from provenance.models import AnchorTransaction, Batch, Document
from provenance.tests.conftest import Ganache, assert_each_anchored_once, register_reports, settle
from tests.servers import ROOT, child_env, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


class HoldingProxy:
    """Forwards JSON-RPC to ``upstream``; holds sends, before or after forwarding them."""

    def __init__(self, upstream: str, *, forward_first: bool) -> None:
        self.upstream = upstream
        self.forward_first = forward_first
        self.held = threading.Event()  # a send has arrived and is being held
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                sending = b"eth_sendRawTransaction" in body
                if sending and not proxy.forward_first:
                    proxy.held.set()
                    proxy.release.wait(60)
                    return  # the sender was killed meanwhile: this send never reaches the node
                answer = proxy.forward(body)
                if sending and proxy.forward_first:
                    proxy.held.set()
                    proxy.release.wait(60)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the worker is gone

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def forward(self, body: bytes) -> bytes:
        request = urllib.request.Request(
            self.upstream, data=body, headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


WRITER = """
import django, json
django.setup()
from provenance.anchoring import anchor_tick, web3_get
report = anchor_tick(w3=web3_get({url!r}))
print(json.dumps({{"moved": report.moved, "error": report.error}}))
"""


@pytest.mark.parametrize("forward_first", [False, True], ids=["before-send", "after-send"])
def test_a_writer_killed_mid_send_loses_nothing_and_sends_once(
    ganache: Ganache, settings: Any, media_root: Path, tmp_path: Path, forward_first: bool
) -> None:
    settings.ETH_RPC_URL = ganache.rpc_url
    w3 = web3_get(ganache.rpc_url)
    contract_deploy(w3=w3)
    register_reports(3)
    proxy = HoldingProxy(ganache.rpc_url, forward_first=forward_first)
    env = child_env(
        media_root,
        AUTHPLATFORM_TEST_ANCHOR_KEY=settings.ANCHOR_SIGNING_KEY,
        AUTHPLATFORM_TEST_SIGNING_KEY=settings.REPORT_SIGNING_KEY,
    )
    log = (tmp_path / "writer.log").open("wb")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER.format(url=proxy.url)],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(proxy.held.is_set, 60, "the writer to send its transaction")
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        proxy.close()
        log.close()

    batch = Batch.objects.get()
    assert batch.state == Batch.State.SIGNED, (tmp_path / "writer.log").read_text()
    stored = batch.transactions.get()
    # The node has it exactly when the proxy passed it on before the kill (the deployment
    # used the key's first nonce).
    assert w3.eth.get_transaction_count(stored.sender) == (2 if forward_first else 1)

    settle(w3)

    batch.refresh_from_db()
    assert batch.state == Batch.State.CONFIRMED
    assert list(batch.transactions.values_list("tx_hash", "state")) == [
        (stored.tx_hash, AnchorTransaction.State.INCLUDED)
    ]
    assert Document.objects.filter(batch=batch).count() == 3
    assert_each_anchored_once(w3)
    assert not anchor_tick(w3=w3).moved
