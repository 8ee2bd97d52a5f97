"""Benchmark of anchoring and verification, on a real ganache node.

    make bench        (starts a throwaway PostgreSQL and Redis, then runs this and the ML bench)

Reports, on this machine:
1. gas per anchored batch and per document, at N = 1, 16, 256 and 1024 documents a batch
   (one ``anchor`` transaction per batch, whatever its size);
2. the size of a proof bundle, full and selective (verdict, brand and date only);
3. the time to seal 1,024 waiting documents into a batch (tree, proofs and rows, one
   database transaction), to verify a bundle offline, and to verify it against the node;
4. the time from a document registered (a report issued) to its batch confirmed, with the
   writer's ticks run back to back: the pipeline's own latency. ``make run`` adds up to
   ANCHOR_BATCH_MAX_WAIT_SECONDS + ANCHOR_TICK_SECONDS of waiting on top.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authplatform.settings.test")


def _body(n: int) -> dict[str, object]:
    # Shaped like a report: nested item and verdict, a list of findings.
    return {
        "type": "bench.report",
        "id": f"bench-{n}-{time.time_ns()}",
        "issued_at": "2026-11-24T10:00:00Z",
        "verdict": {"result": "authentic", "reason": None},
        "item": {"category": "handbag", "brand": "Chanel", "model": "Classic Flap",
                 "serial": f"{28451234 + n}"},
        "condition": {"grade": "very_good", "wear": "corners lightly rubbed", "repairs": ""},
        "findings": [{"feature": f, "result": "consistent", "reason": f"{f} matches"}
                     for f in ("brand_stamp", "stitching", "hardware", "serial", "material")],
        "reviewers": [{"id": "EX-4F2A91", "role": "first"}],
    }  # fmt: skip


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.ANCHOR_BATCH_MAX_WAIT_SECONDS = 0
    settings.ANCHOR_BATCH_MAX_DOCUMENTS = 1024
    settings.ANCHOR_CONFIRMATIONS = 1

    from provenance.anchoring import batch_seal, contract_deploy, web3_get
    from provenance.bundles import bundle_check, bundle_check_chain
    from provenance.documents import document_register
    from provenance.models import AnchorTransaction, Batch, Document
    from provenance.selectors import bundle_for
    from provenance.tests.conftest import Ganache, settle

    with tempfile.TemporaryDirectory() as work:
        node = Ganache(Path(work))
        node.start()
        try:
            w3 = web3_get(node.rpc_url)
            deployment = contract_deploy(w3=w3)
            print(f"ganache on {node.rpc_url}; AnchorLog at {deployment.address}\n")

            # Warm-up batch: the contract's first write costs extra (zero -> non-zero slots).
            document_register(body=_body(0))
            settle(w3)

            print("gas per anchored batch (ganache, shanghai)")
            print(f"{'N':>6} {'gas/batch':>10} {'gas/doc':>9} {'register s':>11} {'seal s':>7}")
            for size in (1, 16, 256, 1024):
                started = time.perf_counter()
                for n in range(size):
                    document_register(body=_body(n))
                registered = time.perf_counter() - started
                started = time.perf_counter()
                batch = batch_seal(deployment=deployment, force=True)
                sealed = time.perf_counter() - started
                assert batch is not None and batch.size == size
                settle(w3)
                tx = AnchorTransaction.objects.get(
                    batch=batch, state=AnchorTransaction.State.INCLUDED
                )
                assert tx.gas_used is not None  # set when the transaction is included
                print(f"{size:>6} {tx.gas_used:>10} {tx.gas_used / size:>9.1f} "
                      f"{registered:>11.2f} {sealed:>7.3f}")  # fmt: skip
            print("  (one transaction per report would cost about 46,000 gas per document)\n")

            document = Document.objects.filter(batch__size=1024).first()
            assert document is not None
            full = bundle_for(document)
            selective = bundle_for(document, keys=["verdict.result", "item.brand", "issued_at"])
            print("proof bundle size (bytes of JSON)")
            print(f"  full       {len(json.dumps(full)):>6}  ({len(full['fields'])} fields)")
            print(f"  selective  {len(json.dumps(selective)):>6}  "
                  f"({len(selective['fields'])} fields: type, id, verdict.result, item.brand, "
                  "issued_at)\n")  # fmt: skip

            offline, online = [], []
            for _ in range(200):
                started = time.perf_counter()
                assert bundle_check(full).ok
                offline.append(time.perf_counter() - started)
            for _ in range(30):
                started = time.perf_counter()
                assert bundle_check_chain(full, w3=w3).ok
                online.append(time.perf_counter() - started)
            print("verify a full bundle (1024-document batch)")
            print(
                f"  offline     p50 {statistics.median(offline) * 1000:7.2f} ms   "
                f"max {max(offline) * 1000:7.2f} ms   (200 runs)"
            )
            print(f"  with RPC    p50 {statistics.median(online) * 1000:7.2f} ms   "
                  f"max {max(online) * 1000:7.2f} ms   (30 runs, local ganache)\n")  # fmt: skip

            latencies = []
            for n in range(10):
                started = time.perf_counter()
                fresh = document_register(body=_body(n))
                settle(w3)
                fresh.refresh_from_db()
                assert fresh.batch and fresh.batch.state == Batch.State.CONFIRMED
                latencies.append(time.perf_counter() - started)
            print("document registered -> batch confirmed (ticks back to back, 10 runs)")
            print(f"  p50 {statistics.median(latencies) * 1000:.0f} ms   "
                  f"max {max(latencies) * 1000:.0f} ms")  # fmt: skip
            print("  make run waits up to ANCHOR_BATCH_MAX_WAIT_SECONDS + ANCHOR_TICK_SECONDS more")
            print("  (2 s + 2 s in authplatform/settings/local.py)")
        finally:
            node.stop()


if __name__ == "__main__":
    main()
