"""Benchmark of the partner API under gunicorn: requests per second and latency, to a ceiling.

    make bench        (starts a throwaway PostgreSQL and Redis, then runs this and the others)
    .venv/bin/python scripts/testenv.py -- .venv/bin/python bench/api.py [--duration 10]

Reports, on this machine, for
1. ``GET /api/v1/verify/<report>/`` with a key holding the ``verify`` scope: the key, the
   report, its signature, its proof bundle and where its anchor stands in our records;
2. ``GET /api/v1/reports/<report>/`` with a ``reports:read`` key, the partner's own report;
3. ``GET /bench/empty/``: a plain Django view answering ``{}`` through the same middleware
   (bench/api_urls.py), the ceiling; not a DRF view, so the ceiling has no DRF in it,
requests per second, p50 and p95 latency, and each one's rate as a share of the ceiling (the
targets: 50% or more for verify, 40% or more for the report read).

Then conditional GET (api/conditional.py), on the same report and in the same alternating
rounds: each of its four answers (the JSON, the signed ``document/``, the ``pdf/``, the
``bundle/``) read in full (200), and revalidated with ``If-None-Match`` holding the ETag of
that 200 (304, no body): the JSON's 304 comes from the answer cache with no serialisation, the
PDF's from the facts the PDF shows, without rendering it. The last column says how many
revalidations are answered in the time of one full answer.

The server is the Procfile's web process (gunicorn, 2 workers of 4 threads) without its
access log, on production settings (bench/api_settings.py). The load comes from wrk, in its
own process on the same cores; a Lua ``done`` hook prints its p50 and p95. The endpoints
alternate in short rounds and each is reported at its best round, as in bench/ml_inference.py,
so a burst of load from another job does not land on one side of a ratio only. wrk asks for
one report again and again, so verify and the read are measured on their cached paths: the
steady state of a report checked or read many times.

What a report costs the first time is measured apart, on ``--first`` more reports of the same
partner that nothing has asked about yet. ``--clients`` keep-alive connections (Python
threads in this process, not wrk: wrk can't send each URL exactly once) share them out and
send each one request, timed from send to last byte: first ``verify`` for each report (no
answer cached anywhere: the full verification), then ``verify`` again for each (now cached),
then the report read of each (not cached yet). req/s is the requests over the pass's wall
time, p50 and p95 come from the individual timings, and each pass is a single round, so its
share of the ceiling is rougher than wrk's rows. A few slow requests at the very end, when
fewer connections are left with work, lower the rate a little.

Every report is issued through the review services, as a partner's case would be, after an
AI pre-screen record like the one the worker writes (the bench has no classifier): 31
fields, a production report's shape. They are anchored together on a ganache node, which is
stopped before the load: verify without ``live`` reads the anchor from our records and
never asks the node.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# wrk runs this in each of its threads' Lua states; ``done`` runs once, with the merged figures.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%.1f p95_us=%.1f "
    .. "connect=%d read=%d write=%d status=%d timeout=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


# An empty answer this fast says the server has nothing else queued.
DRAINED_SECONDS = 0.02

# What the TLS-terminating proxy in front of the web process adds (docker-compose.yml):
# production redirects plain HTTP to HTTPS.
PROXIED = {"X-Forwarded-Proto": "https"}


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    key: str | None
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200  # what the preflight expects


@dataclass(frozen=True)
class Round:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    # wrk counts answers with a status of 400 or more; the preflight checks each endpoint
    # answers 200, not a redirect, before any load.
    non_2xx: int
    socket_errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds it is cut in")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per endpoint, not counted")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (-c)")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (-t)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--first", type=int, default=120, help="reports asked about once each (uncached)"
    )
    parser.add_argument(
        "--clients", type=int, default=8, help="connections sharing out those reports"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="keep database connections this many seconds (conn_max_age in DATABASE_URL, "
        "which production reads); default: as DATABASE_URL says, a new one per request",
    )
    args = parser.parse_args()
    if args.duration < args.rounds:
        parser.error("--duration must be at least --rounds (wrk runs whole seconds)")
    return args


def _environment(work: Path, rpc_url: str, conn_max_age: int | None) -> None:
    """What production settings demand, for this process and the server it starts."""
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            raise SystemExit(
                f"{name} is not set: run this under scripts/testenv.py (see `make bench`)"
            )
    if conn_max_age is not None:
        url = os.environ["DATABASE_URL"]
        os.environ["DATABASE_URL"] = f"{url}{'&' if '?' in url else '?'}conn_max_age={conn_max_age}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.api_settings",
        DJANGO_SECRET_KEY=secrets.token_hex(32),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        REPORT_SIGNING_KEY=secrets.token_hex(32),
        ANCHOR_SIGNING_KEY=secrets.token_hex(32),
        ANCHOR_DEVNET_FUNDING="true",
        ANCHOR_CONFIRMATIONS="1",
        ANCHOR_BATCH_MAX_WAIT_SECONDS="0",
        ETH_RPC_URL=rpc_url,
        EMAIL_URL="dummymail://",
        MEDIA_ROOT=str(work / "media"),
    )


@dataclass(frozen=True)
class Seeded:
    key: str
    report: str  # the one wrk asks about again and again
    first: list[str]  # asked about once each
    fields: int  # leaves in each report's commitment


def _seed(first: int) -> Seeded:
    """A partner without a rate limit, its key, and ``1 + first`` issued reports of its own."""
    from django.core.management import call_command

    from api.models import ApiKey, Scope
    from api.tests.conftest import partner_make
    from appraisals.models import Category, Report
    from appraisals.services.catalog import catalog_load
    from appraisals.tests.reviewing import expert
    from ml.models import ModelVersion
    from provenance.commitments import document_fields

    call_command("migrate", verbosity=0)
    catalog_load()
    partner = partner_make("Bench Market")
    partner.requests_per_minute = 0  # unlimited; otherwise the throttle answers 429
    partner.save(update_fields=["requests_per_minute"])
    scopes = [str(Scope.VERIFY), str(Scope.REPORTS_READ)]
    key = ApiKey.issue(partner=partner, label="bench", scopes=scopes)[1]
    # The classifier version the pre-screen records name; no artifact is ever loaded.
    model = ModelVersion.objects.create(
        name="bench", artifact_path="bench/model.pt", artifact_sha256="0" * 64,
        arch="bench", image_size=224, temperature=1.0, data_hash="0" * 64,
    )  # fmt: skip
    category, reviewer = Category.objects.get(slug="handbag"), expert()
    uids = [_report_issue(partner.account, category, reviewer, model) for _ in range(1 + first)]
    fields = {len(document_fields(r.document)) for r in Report.objects.filter(uid__in=uids)}
    assert len(fields) == 1, f"the reports differ in shape: {sorted(fields)} fields"
    return Seeded(key=key, report=uids[0], first=uids[1:], fields=fields.pop())


def _report_issue(owner: Any, category: Any, reviewer: Any, model: Any) -> str:
    """A case through the photo check, a pre-screen record as the worker writes it, and an
    expert's authentic verdict: its report's id."""
    from appraisals.models import Band, PreScreen, Report
    from appraisals.services import reviews as review_services
    from appraisals.tests.reviewing import queued_case, sign, to_expert_queue

    case = queued_case(owner, category)
    PreScreen.objects.create(
        submission=case, round=case.round, model_version=model, probability=0.04,
        band=Band.LOW, review_depth="single", reasons=["low counterfeit probability"],
    )  # fmt: skip
    to_expert_queue(case)
    seat = review_services.review_take_next(expert=reviewer)
    assert seat is not None
    sign(seat, reviewer, "authentic")
    return str(Report.objects.get(submission=case).uid)


def _anchor(rpc_url: str) -> None:
    from provenance.anchoring import contract_deploy, web3_get
    from provenance.tests.conftest import settle

    w3 = web3_get(rpc_url)
    contract_deploy(w3=w3)
    settle(w3)


def _ask(base: str, endpoint: Endpoint) -> tuple[dict[str, str], bytes]:
    """One request, its headers and body; exits unless it was answered as ``endpoint`` expects
    (its status, not a redirect)."""
    host, port = base.removeprefix("http://").split(":")
    headers = {**PROXIED, **dict(endpoint.headers)}
    if endpoint.key:
        headers["Authorization"] = f"Bearer {endpoint.key}"
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", endpoint.path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != endpoint.status:
        raise SystemExit(f"{endpoint.path} answered {response.status}, not {endpoint.status}")
    return dict(response.getheaders()), body


def _revalidation(base: str, full: Endpoint) -> Endpoint:
    """``full`` asked again with the ETag its answer carries: a 304 each time."""
    etag = _ask(base, full)[0]["ETag"]
    name = f"{full.name} 304"
    headers = (*full.headers, ("If-None-Match", etag))
    return Endpoint(name, full.path, full.key, headers, status=304)


def _wrk(
    base: str, endpoint: Endpoint, seconds: int, args: argparse.Namespace, script: Path
) -> Round:
    command = [
        "wrk", "-t", str(args.wrk_threads), "-c", str(args.connections), "-d", f"{seconds}s",
        "-s", str(script), base + endpoint.path,
    ]  # fmt: skip
    for name, value in PROXIED.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    if endpoint.key:
        command[1:1] = ["-H", f"Authorization: Bearer {endpoint.key}"]
    for name, value in endpoint.headers:
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"^BENCH (.*)$", output, re.MULTILINE)
    if found is None:
        raise SystemExit(f"wrk printed no figures:\n{output}")
    figures = {k: float(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    return Round(
        requests=int(figures["requests"]),
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        non_2xx=int(figures["status"]),
        socket_errors=int(sum(figures[k] for k in ("connect", "read", "write", "timeout"))),
    )


def _measure(
    base: str, endpoints: list[Endpoint], args: argparse.Namespace, script: Path
) -> dict[str, list[Round]]:
    for endpoint in endpoints:
        _wrk(base, endpoint, args.warmup, args, script)
    rounds: dict[str, list[Round]] = {endpoint.name: [] for endpoint in endpoints}
    for _ in range(args.rounds):
        for endpoint in endpoints:
            rounds[endpoint.name].append(
                _wrk(base, endpoint, args.duration // args.rounds, args, script)
            )
            _drain(base)
    return rounds


def _drain(base: str) -> None:
    """Wait until the server has finished what the last round left queued (wrk stops sending,
    not the server working: a PDF round leaves seconds of renders), so that it does not land on
    the next endpoint's round: until the ceiling answers fast again, 10 s at most."""
    ceiling = Endpoint("ceiling", "/bench/empty/", None)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        started_at = time.perf_counter()
        _ask(base, ceiling)
        if time.perf_counter() - started_at < DRAINED_SECONDS:
            return


def _once(base: str, key: str, paths: list[str], clients: int) -> tuple[Round, list[Any]]:
    """Each path asked once, over ``clients`` keep-alive connections working in parallel: the
    figures and the answers that came with a 200."""
    host, port = base.removeprefix("http://").split(":")
    shares = [paths[i::clients] for i in range(clients)]
    headers = {**PROXIED, "Authorization": f"Bearer {key}"}

    def ask(share: list[str]) -> tuple[list[float], int, list[Any]]:
        timings, failed, answers = [], 0, []
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            for path in share:
                started_at = time.perf_counter()
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                timings.append(time.perf_counter() - started_at)
                if response.status == 200:
                    answers.append(json.loads(body))
                else:
                    failed += 1
        finally:
            connection.close()
        return timings, failed, answers

    started_at = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(ask, shares))
    seconds = time.perf_counter() - started_at
    timings = [t for share, _, _ in results for t in share]
    figures = Round(
        requests=len(timings),
        seconds=seconds,
        p50_ms=statistics.median(timings) * 1000,
        p95_ms=statistics.quantiles(timings, n=20, method="inclusive")[18] * 1000,
        non_2xx=sum(failed for _, failed, _ in results),
        socket_errors=0,  # a socket error raises and ends the bench
    )
    return figures, [answer for _, _, answers in results for answer in answers]


def _best(runs: list[Round]) -> Round:
    return max(runs, key=lambda r: r.rate)


def _table(rounds: dict[str, list[Round]], ceiling: str) -> int:
    """Print the figures; the number of failed requests."""
    best = {name: _best(runs) for name, runs in rounds.items()}
    print(f"{'endpoint':<42} {'req/s':>7} {'(rounds)':>13} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'of ceiling':>10} {'non-2xx':>8} {'errors':>7}")  # fmt: skip
    failed = 0
    for name, runs in rounds.items():
        top = best[name]
        spread = f"{min(r.rate for r in runs):.0f}-{max(r.rate for r in runs):.0f}"
        non_2xx = sum(r.non_2xx for r in runs)
        errors = sum(r.socket_errors for r in runs)
        failed += non_2xx + errors
        print(
            f"{name:<42} {top.rate:>7.0f} {spread if len(runs) > 1 else 'one pass':>13} "
            f"{top.p50_ms:>7.2f} {top.p95_ms:>7.2f} {top.rate / best[ceiling].rate:>10.0%} "
            f"{non_2xx:>8} {errors:>7}"
        )
    return failed


def main() -> None:
    args = _arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: install the Debian package (apt-get install -y wrk)")
    from provenance.tests.conftest import Ganache
    from tests.servers import BIN, free_port, port_open, started, wait_for

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        node = Ganache(work / "ganache")
        _environment(work, node.rpc_url, args.conn_max_age)
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        seeded = _seed(args.first)
        key, uid = seeded.key, seeded.report
        node.start()
        try:
            _anchor(node.rpc_url)
        finally:
            node.stop()
        connections.close_all()

        ceiling = Endpoint("GET /bench/empty/ (ceiling)", "/bench/empty/", None)
        verify = Endpoint("GET /api/v1/verify/<uuid>/", f"/api/v1/verify/{uid}/", key)
        report = Endpoint("GET /api/v1/reports/<uuid>/", f"/api/v1/reports/{uid}/", key)
        endpoints = [ceiling, verify, report]
        # Each answer in full, with the JSON read above as the first.
        full = [report] + [
            Endpoint(
                f"GET /api/v1/reports/<uuid>/{answer}/", f"/api/v1/reports/{uid}/{answer}/", key
            )
            for answer in ("document", "pdf", "bundle")
        ]
        script = work / "figures.lua"
        script.write_text(WRK_SCRIPT)
        port = free_port()
        command = [
            str(BIN / "gunicorn"), "authplatform.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--threads", str(args.threads), "--graceful-timeout", "5", "--no-control-socket",
        ]  # fmt: skip
        with started(command, dict(os.environ), work / "gunicorn.log") as server:
            wait_for(lambda: port_open(port), 30, "gunicorn to listen")
            base = f"http://127.0.0.1:{port}"
            for endpoint in endpoints:
                _ask(base, endpoint)
            verdict = json.loads(_ask(base, verify)[1])
            pairs = [(answer, _revalidation(base, answer)) for answer in full]
            # The JSON read in full is one of the endpoints already.
            conditional = [endpoint for pair in pairs for endpoint in pair if endpoint != report]
            kept = settings.DATABASES["default"]["CONN_MAX_AGE"]
            print(
                f"gunicorn: {args.workers} workers x {args.threads} threads, production "
                f"settings, no access log; {os.cpu_count()} CPUs shared with wrk"
            )
            print("database connections: " + (f"kept {kept} s" if kept else "one per request"))
            print(f"wrk -t{args.wrk_threads} -c{args.connections}: {args.warmup} s warm-up, "
                  f"then {args.rounds} alternating rounds of {args.duration // args.rounds} s "
                  "per endpoint; the best round shown")  # fmt: skip
            anchor = verdict["anchor"]
            where = f", block {anchor['block_number']}" if anchor else " (NOT anchored)"
            print(f"verify answers status={verdict['status']}{where}")
            print(f"{len(seeded.first)} more reports of {seeded.fields} fields, each asked once "
                  f"per pass by {args.clients} connections\n")  # fmt: skip
            rounds = _measure(base, endpoints + conditional, args, script)
            answers: dict[str, list[Any]] = {}
            for name, template in [
                (f"{verify.name} first time", "/api/v1/verify/{}/"),
                (f"{verify.name} again", "/api/v1/verify/{}/"),
                (f"{report.name} first time", "/api/v1/reports/{}/"),
            ]:
                paths = [template.format(first) for first in seeded.first]
                figures, answers[name] = _once(base, key, paths, args.clients)
                rounds[name] = [figures]
            apart = {endpoint.name for endpoint in conditional}
            failed = _table(
                {name: runs for name, runs in rounds.items() if name not in apart}, ceiling.name
            )
            print("\nconditional GET: each answer in full (200), then with If-None-Match holding "
                  "the ETag of that 200 (304)")  # fmt: skip
            names = [ceiling.name] + [endpoint.name for pair in pairs for endpoint in pair]
            _table({name: rounds[name] for name in names}, ceiling.name)
            failed += sum(r.non_2xx + r.socket_errors for name in apart for r in rounds[name])
            print(f"\n{'304s answered in the time of one 200':<42} {'x':>7}")
            for answer, revalidation in pairs:
                ratio = _best(rounds[revalidation.name]).rate / _best(rounds[answer.name]).rate
                print(f"{answer.name:<42} {ratio:>7.1f}")
            first_verdicts = {a["status"] for a in answers[f"{verify.name} first time"]}
            if server.poll() is not None:
                raise SystemExit(f"gunicorn died:\n{(work / 'gunicorn.log').read_text()}")
        if verdict["status"] != "valid" or first_verdicts != {"valid"}:
            statuses = ", ".join(sorted(first_verdicts | {verdict["status"]}))
            print(f"\nverify measured {statuses} reports, not only the full valid path")
        if failed:
            raise SystemExit(f"\nFAILED: {failed} requests were not answered 2xx")


if __name__ == "__main__":
    main()
