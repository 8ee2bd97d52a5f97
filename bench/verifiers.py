"""Benchmark of the two reference verifiers (docs/bundle-spec.md), Python and Node, on a real
30-field report bundle anchored on a local ganache node.

    .venv/bin/python scripts/testenv.py -- .venv/bin/python bench/verifiers.py

The bundle is made by the platform's own code: a report-shaped document with 30 leaves,
registered (signed) through provenance.documents and anchored by the writer's ticks on a ganache
this script starts on a free loopback port and stops by PID. Reports, for each verifier, the
median and p95 time of one verification, with the issuer metadata pinned:

1. offline, in-process (no node: every check up to the chain's);
2. against the local node, in-process (one client kept across runs, as a service would);
3. the command line end to end, process start included, offline and with ``--rpc``.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "authplatform.settings.test")

OFFLINE_RUNS = 300
ONLINE_RUNS = 100
CLI_RUNS = 15
WARMUP = 20


def _report() -> dict[str, Any]:
    """A report-shaped document of 30 leaves (nested objects split one level down)."""
    return {
        "type": "report",
        "id": f"bench-verifiers-{time.time_ns()}",
        "schema": 2,
        "issued_at": "2026-11-24T10:00:00Z",
        "language": "en",
        "verdict": {"result": "authentic", "reason": None, "confidence": "0.97",
                    "signed_by": "Expert 7"},
        "item": {"category": "handbag", "brand": "Chanel", "model": "Classic Flap",
                 "serial_hint": "•••••234", "colour": "black", "material": "lambskin",
                 "size": "medium", "year": 2019},
        "condition": {"grade": "very_good", "wear": "corners lightly rubbed", "repairs": "",
                      "odour": "none"},
        "findings": [{"feature": f, "result": "consistent", "reason": f"{f} matches"}
                     for f in ("brand_stamp", "stitching", "hardware", "serial", "material")],
        "photos": [{"slot": slot, "sha256": f"{n:064x}"} for n, slot in
                   enumerate(("front", "back", "stamp", "serial", "hardware", "interior"))],
        "reviewers": [{"id": "EX-4F2A91", "role": "first"}, {"id": "EX-77B210", "role": "second"}],
        "valuation": {"currency": "EUR", "low": 5200, "high": 6100},
        "expert": {"id": "EX-4F2A91", "role": "first"},
        "notes": "Bought at the Rue Cambon boutique; box and dust bag present.",
    }  # fmt: skip


def _stats(times_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(times_ms)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95


def _timed(runs: int, call: Callable[[], Any], warmup: int = WARMUP) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _node_in_process(bundle: Path, issuer: Path, rpc: str) -> dict[str, list[float]]:
    """bench/verifiers.mjs: the same loops in one Node process."""
    plan = {
        "bundle": str(bundle),
        "issuer": str(issuer),
        "rpc": rpc,
        "offline_runs": OFFLINE_RUNS,
        "online_runs": ONLINE_RUNS,
        "warmup": WARMUP,
    }
    done = subprocess.run(
        ["node", str(ROOT / "bench" / "verifiers.mjs"), json.dumps(plan)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    times: dict[str, list[float]] = json.loads(done.stdout)
    return times


def _cli(command: list[str], *, expected_code: int) -> Callable[[], None]:
    # As a stranger runs it: no Django settings, no database.
    hidden = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in hidden}

    def run() -> None:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != expected_code:
            raise SystemExit(f"{command}: exit {done.returncode}, not {expected_code}:\n"
                             f"{done.stdout}{done.stderr}")  # fmt: skip

    return run


def _version(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def _package(name: str) -> str:
    """The installed version of an npm package."""
    manifest = ROOT / "node_modules" / name / "package.json"
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.ANCHOR_BATCH_MAX_WAIT_SECONDS = 0
    settings.ANCHOR_CONFIRMATIONS = 1

    from provenance.anchoring import contract_deploy, web3_get
    from provenance.bundles import Outcome, bundle_check, bundle_check_chain
    from provenance.documents import document_register
    from provenance.issuer import issuer_from_metadata
    from provenance.models import Document
    from provenance.selectors import bundle_for, issuer_metadata
    from provenance.tests.conftest import Ganache, settle

    node = _version(["node", "--version"])
    if not node:
        raise SystemExit("node is missing: install Node 20 and run `npm ci`")

    with tempfile.TemporaryDirectory() as work:
        chain = Ganache(Path(work) / "ganache")
        chain.start()
        try:
            w3 = web3_get(chain.rpc_url, timeout=10)
            contract_deploy(w3=w3)
            registered = document_register(body=_report())
            settle(w3)
            bundle = bundle_for(Document.objects.get(pk=registered.pk))
            assert len(bundle["fields"]) == 30, len(bundle["fields"])
            metadata = issuer_metadata()
            issuer = issuer_from_metadata(metadata)
            bundle_path = Path(work) / "bundle.json"
            issuer_path = Path(work) / "issuer.json"
            bundle_path.write_text(json.dumps(bundle), encoding="utf-8")
            issuer_path.write_text(json.dumps(metadata), encoding="utf-8")
            assert bundle_check(bundle, issuer=issuer).outcome is Outcome.UNCHECKED
            assert bundle_check_chain(bundle, w3=w3, issuer=issuer).outcome is Outcome.VALID

            python_offline = _timed(OFFLINE_RUNS, lambda: bundle_check(bundle, issuer=issuer))
            python_online = _timed(
                ONLINE_RUNS, lambda: bundle_check_chain(bundle, w3=w3, issuer=issuer)
            )
            node_times = _node_in_process(bundle_path, issuer_path, chain.rpc_url)
            rows = [
                ("Python", "offline, in-process", python_offline),
                ("Python", "local node, in-process", python_online),
                ("Node", "offline, in-process", node_times["offline"]),
                ("Node", "local node, in-process", node_times["online"]),
            ]
            files = [str(bundle_path), "--issuer", str(issuer_path)]
            commands = {
                "Python": [sys.executable, "-m", "provenance.verify", *files],
                "Node": ["node", "verifiers/js/verify.mjs", *files],
            }
            for name, command in commands.items():
                offline = _cli(command, expected_code=5)
                online = _cli([*command, "--rpc", chain.rpc_url], expected_code=0)
                rows.append((name, "CLI, offline", _timed(CLI_RUNS, offline, warmup=2)))
                rows.append((name, "CLI, --rpc local node", _timed(CLI_RUNS, online, warmup=2)))
        finally:
            chain.stop()

    print(f"verifying one report bundle: 30 fields, {len(json.dumps(bundle))} bytes of JSON, "
          "issuer metadata pinned")  # fmt: skip
    print(f"{'verifier':<9} {'how':<24} {'runs':>5} {'median ms':>10} {'p95 ms':>8}")
    for name, how, times in rows:
        median, p95 = _stats(times)
        print(f"{name:<9} {how:<24} {len(times):>5} {median:>10.2f} {p95:>8.2f}")
    print()
    print(f"machine: {os.cpu_count()} CPU(s), {_cpu_model()}; {platform.system()} "
          f"{platform.release()}")  # fmt: skip
    print(f"python {platform.python_version()}, node {node}; ganache "
          f"{_package('ganache')} on loopback; ethers {_package('ethers')}, "
          f"@openzeppelin/merkle-tree {_package('@openzeppelin/merkle-tree')}")  # fmt: skip
    print(
        "in-process: warm (after 20 unmeasured runs); CLI: a new process per run, process start "
        "and imports included"
    )


if __name__ == "__main__":
    main()
