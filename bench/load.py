"""Load and fault benchmark: the whole stack under simulated users, worker and anchorer killed.

Then every case and every anchor is checked.

    .venv/bin/python scripts/testenv.py -- .venv/bin/python bench/load.py [--duration 300]

Not part of `make test` or `make bench`: a 5-minute load takes 10 to 15 minutes in all (setup,
load, the wait for the queues to drain, the checks). `--help` lists the user counts and the
other knobs.

What runs, each process started by PID on a free loopback port (PostgreSQL and Redis are the
throwaway ones scripts/testenv.py starts), from a snapshot of the working tree taken at the
start, so that a process restarted mid-run runs the same code as the others:
- ganache, with the flags of scripts/chain.sh and its chain in a temporary folder;
- the Procfile's ``web`` (gunicorn, 2 workers x 4 threads), ``worker`` (Celery with beat,
  concurrency 2) and ``anchorer`` (deploy_anchor_contract, then the "anchoring" queue),
  started with the Procfile's own command lines;
- before them: migrate, load_demo (catalog and demo accounts; its demo case warms the worker
  up before the load starts), collectstatic, and the pre-screen model (ensure_demo_model,
  cached in var/models/ as `make run` does; `--tiny-model` trains a small one instead);
- locust (bench/locustfile.py) with buyers, experts, strangers and partners.

Settings: production's (bench/load_settings.py), so the figures are production's (no DEBUG,
database connections kept, Redis cache, manifest static files), with what a loopback bench
needs from the environment: plain HTTP (no TLS redirect, cookies without Secure), dummy email,
and anchoring every 2 s with one confirmation on ganache (production batches for up to 300 s
and waits 12 blocks; that would measure the batching policy, not the platform).

At 1/3 of the load, as soon as the worker holds a task message, its main process is
SIGKILLed, then the rest of its process group (its pool and beat, as systemd or Docker do when
a unit's main process dies), and it is started again one second later; at 2/3 the same
happens to the anchorer. The task messages Redis had handed to the killed process are listed
with when their case moved on. After the load the script waits (bounded, `--drain-timeout`)
until no case waits for the photo check or the pre-screen and every document is anchored,
then checks every case and every anchor, and prints PASS or FAIL (exit status 1). A killed
worker's task message may still sit unacknowledged in Redis then: its case was moved on by
the stall sweeper, and Redis hands the message out again only after the visibility timeout
(600 s), when it does nothing. Such messages are listed, and each must be redundant.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import BIN, free_port, port_open, stop, wait_for  # noqa: E402

GANACHE = ROOT / "node_modules" / ".bin" / "ganache"
# The demo experts load_demo creates (the first three review; the last two are seniors, who
# may also take first and second seats).
DEMO_EXPERTS = [
    "expert@demo.authplatform.test",
    "reviewer2@demo.authplatform.test",
    "reviewer3@demo.authplatform.test",
    "senior@demo.authplatform.test",
    "panel-senior@demo.authplatform.test",
]
# Brands whose close-ups the project's generator draws (ml/synth), for the buyers' photos.
PHOTO_BRANDS = ("Chanel", "Hermès", "Louis Vuitton")
PHOTO_SETS_PER_BRAND = 2
PARTNER_SCOPES = "catalog:read,submissions:write,reports:read,verify"
HOST = socket.gethostname()


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (300)")
    parser.add_argument("--buyers", type=int, default=6, help="simulated buyers (6)")
    parser.add_argument("--experts", type=int, default=3, help="simulated experts, 1 to 5 (3)")
    parser.add_argument("--strangers", type=int, default=4, help="simulated strangers (4)")
    parser.add_argument("--partners", type=int, default=2, help="simulated partners (2)")
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument(
        "--drain-timeout",
        type=int,
        default=480,
        help="seconds to wait after the load for the queues to drain (480: the 120 s after "
        "which the stalled-case sweeper hands a killed worker's case out again, its "
        "one-minute scan, the experts' queue, and room)",
    )
    parser.add_argument("--no-faults", action="store_true", help="kill nothing")
    parser.add_argument(
        "--visibility-timeout",
        type=int,
        default=0,
        help="Redis's visibility_timeout for this run (CELERY_VISIBILITY_TIMEOUT_SECONDS); "
        "default: the settings' own",
    )
    parser.add_argument(
        "--tiny-model", action="store_true", help="train a small model (as the tests do)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    args = parser.parse_args()
    if not 1 <= args.experts <= len(DEMO_EXPERTS):
        parser.error(f"--experts must be 1 to {len(DEMO_EXPERTS)} (the demo experts)")
    if args.duration < 30:
        parser.error("--duration must be at least 30 seconds")
    return args


# --- processes ----------------------------------------------------------------------------


@dataclass
class Process:
    """One long-running program of the stack, started from a shell command line."""

    name: str
    command: str
    env: dict[str, str]
    log: Path
    cwd: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                ["/bin/sh", "-c", self.command],
                cwd=self.cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def crash(self) -> list[int]:
        """SIGKILL the main process, then the rest of its process group, as a process manager
        does when a unit's main process dies (systemd's KillMode=control-group, Docker);
        returns the other PIDs killed."""
        assert self.popen is not None
        others = [pid for pid in _group(self.pid) if pid != self.pid]
        os.kill(self.pid, signal.SIGKILL)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)
        return others

    def stop(self) -> None:
        if self.popen is not None:
            stop(self.popen)


def _group(pgid: int) -> list[int]:
    """The PIDs of a process group, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:
            members.append(int(entry.name))
    return sorted(members)


def _snapshot(work: Path) -> Path:
    """A copy of the working tree (tracked files, and new ones git doesn't ignore). Every
    process of the run, a restarted one too, runs this code, as a deployed release would,
    whatever is edited in the working tree meanwhile."""
    code = work / "src"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    for name in filter(None, listed.split(b"\0")):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = code / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return code


def _procfile(code: Path) -> dict[str, str]:
    entries = {}
    for line in (code / "Procfile").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def _environment(work: Path, args: argparse.Namespace, rpc_url: str, port: int) -> dict[str, str]:
    """What production settings demand, for this process and every one it starts."""
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        if not os.environ.get(name):
            raise SystemExit(f"{name} is not set: run this under scripts/testenv.py")
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        DJANGO_SECRET_KEY=secrets.token_hex(32),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        # The snapshot before the working tree, for programs started from .venv/bin too.
        PYTHONPATH=str(work / "src"),
        AUTHPLATFORM_VAR_DIR=str(work / "var"),
        ML_MODELS_DIR=str(work / "models" if args.tiny_model else ROOT / "var" / "models"),
        REPORT_SIGNING_KEY=secrets.token_hex(32),
        ANCHOR_SIGNING_KEY=secrets.token_hex(32),
        ANCHOR_DEVNET_FUNDING="true",
        ANCHOR_CONFIRMATIONS="1",
        ANCHOR_BATCH_MAX_WAIT_SECONDS="2",
        ANCHOR_TICK_SECONDS="2",
        ETH_RPC_URL=rpc_url,
        EMAIL_URL="dummymail://",
        # Plain HTTP on loopback, no TLS proxy in front.
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        TRUSTED_PROXY_COUNT="0",
    )
    if args.visibility_timeout:
        env["CELERY_VISIBILITY_TIMEOUT_SECONDS"] = str(args.visibility_timeout)
    return env


def _manage(env: dict[str, str], work: Path, *command: str) -> str:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=work / "src", env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    print(f"  manage.py {' '.join(command)}: {time.monotonic() - started:.0f} s", flush=True)
    return result.stdout


def _prepare(env: dict[str, str], args: argparse.Namespace, work: Path) -> None:
    _manage(env, work, "migrate", "--noinput")
    _manage(env, work, "load_demo")
    _manage(env, work, "collectstatic", "--noinput", "--verbosity", "0")
    if args.tiny_model:
        data = str(work / "tiny-data")
        _manage(env, work, "make_dataset", "--out", data, "--per-class", "12", "--seed", "5",
                "--size", "96", "--workers", "1")  # fmt: skip
        _manage(env, work, "train_classifier", "--data", data, "--epochs", "1",
                "--image-size", "64", "--max-minutes", "1", "--name", "tiny", "--activate",
                "--quiet")  # fmt: skip
    else:
        print("    " + _manage(env, work, "ensure_demo_model").strip().splitlines()[-1])


# --- the plan the simulated users follow ----------------------------------------------------


def _plan(env: dict[str, str], args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Accounts, API keys, catalog ids and photo files for bench/locustfile.py."""
    from appraisals.models import Brand, Category, Feature
    from members.models import User
    from members.roles import Role
    from members.services import user_role_grant
    from membership.models import Plan
    from membership.services.plans import membership_grant

    credentials = json.loads((work / "var" / "demo-credentials.json").read_text())
    experts = [{"email": e, "password": credentials[e]} for e in DEMO_EXPERTS[: args.experts]]
    buyers = []
    for number in range(1, max(args.buyers, 1) + 1):
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            email=f"buyer{number}@bench.example", full_name=f"Bench Buyer {number}"
        )
        user.set_password(password)
        user.save()
        user_role_grant(user=user, role=Role.BUYER)
        # The monthly pass covers every Standard case, so a buyer submits without paying.
        membership_grant(member=user, plan=Plan.objects.get(code="pass-monthly"))
        buyers.append({"email": user.email, "password": password})
    partners = [
        {"key": _manage(env, work, "api_key_create", "--partner", f"Bench Partner {n}",
                        "--scopes", PARTNER_SCOPES, "--label", "load bench").strip()}
        for n in range(1, max(args.partners, 1) + 1)
    ]  # fmt: skip

    handbag = Category.objects.get(slug="handbag")
    slots = list(handbag.slots.order_by("position").values_list("code", flat=True))
    brands, photo_sets = [], []
    started = time.monotonic()
    for brand in Brand.objects.filter(name__in=PHOTO_BRANDS, categories=handbag):
        models = list(brand.models.filter(category=handbag).values_list("pk", flat=True))
        brands.append({"id": brand.pk, "slug": brand.slug, "models": models})
        for variant in range(PHOTO_SETS_PER_BRAND):
            folder = work / "photos" / f"{brand.slug}-{variant}"
            folder.mkdir(parents=True)
            files = {}
            for slot in slots:
                files[slot] = str(folder / f"{slot}.jpg")
                Path(files[slot]).write_bytes(_accepted_photo(brand.name, slot, 7 + 100 * variant))
            photo_sets.append({"brand": brand.slug, "files": files})
    print(f"  {len(photo_sets)} sets of {len(slots)} photos drawn by ml/synth and the slot "
          f"examples: {time.monotonic() - started:.0f} s")  # fmt: skip
    return {
        "buyers": buyers,
        "experts": experts,
        "partners": partners,
        "category": {"id": handbag.pk, "slug": handbag.slug, "slots": slots},
        "brands": brands,
        "photo_sets": photo_sets,
        "features": [feature.value for feature in Feature],
        "pool": str(work / "pool.json"),
    }


def _accepted_photo(brand: str, slot: str, seed: int) -> bytes:
    """A handbag photo of ``slot`` drawn as the demo case's are, from the first seed whose
    drawing passes the photo check (the generator's lighting and framing vary, and now and
    then a drawing is too dark or too far away, as a real buyer's first try would be)."""
    from appraisals.demo import demo_photo
    from appraisals.services.photos import photo_quality_thresholds
    from ml.quality import assess_photo

    for attempt in range(seed, seed + 50):
        data = demo_photo(category="handbag", slot=slot, brand=brand, seed=attempt)
        with Image.open(io.BytesIO(data)) as image:
            if assess_photo(image.convert("RGB"), photo_quality_thresholds()).accepted:
                return data
    raise SystemExit(f"no drawing of a {brand} {slot} passed the photo check")


def _pool_write(path: Path) -> None:
    """The reports strangers and partners verify: the links a buyer would share."""
    from appraisals.models import Report
    from appraisals.models.reports import REPORT_DOCUMENT_TYPE
    from provenance.models import Document

    reports = list(
        Report.objects.filter(submission__sandbox=False)
        .order_by("-issued_at")
        .values_list("uid", "public_token")[:200]
    )
    documents = dict(
        Document.objects.filter(
            doc_type=REPORT_DOCUMENT_TYPE, doc_id__in=[str(uid) for uid, _ in reports]
        ).values_list("doc_id", "uid")
    )
    rows = [
        {"report": str(uid), "token": token, "document": str(documents[str(uid)])}
        for uid, token in reports
        if str(uid) in documents
    ]
    draft = path.with_suffix(".tmp")
    draft.write_text(json.dumps(rows))
    draft.replace(path)


def _repeat(every: float, stopped: threading.Event, action: Any) -> threading.Thread:
    def loop() -> None:
        from django.db import connection

        while not stopped.is_set():
            action()
            stopped.wait(every)
        connection.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


# --- faults ---------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    at_s: float
    killed_at: datetime | None = None
    pid: int = 0
    others: list[int] = field(default_factory=list)
    lost: list[tuple[str, str, str]] = field(default_factory=list)
    new_pid: int = 0
    ready_after_s: float | None = None
    error: str = ""


def _unacked(broker: Any) -> list[tuple[str, str, str]]:
    """(queue, task, arguments) of every message Redis handed out and saw no ack for."""
    rows = []
    for raw in broker.hvals("unacked"):
        message, _exchange, queue = json.loads(raw)
        headers = message.get("headers") or {}
        rows.append((queue, headers.get("task", "?"), headers.get("argsrepr", "")))
    return sorted(rows)


def _ping(hostname: str) -> bool:
    from authplatform.celery import app

    return any(hostname in answer for answer in app.control.ping([hostname], timeout=1.0))


def _inject(fault: Fault, process: Process, queue: str, hostname: str, broker: Any) -> None:
    """Kill ``process`` as a crash would, note what it held, start it again as a process
    manager would (after one second), and time until it answers a ping.

    The kill waits (up to 30 s) for a moment when the process holds a task message, so that
    there is work to lose.
    """
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(r[0] == queue for r in _unacked(broker)):
            time.sleep(0.02)
        fault.pid = process.pid
        fault.killed_at = datetime.now(UTC)
        fault.others = process.crash()
        fault.lost = [row for row in _unacked(broker) if row[0] == queue]
        time.sleep(1)
        process.start()
        fault.new_pid = process.pid
        started = time.monotonic()
        while time.monotonic() - started < 120:
            if _ping(hostname):
                fault.ready_after_s = time.monotonic() - started + 1
                break
    except Exception as error:  # noqa: BLE001 - reported in the summary, not lost in a thread
        fault.error = f"{type(error).__name__}: {error}"


def _faults(
    faults: list[tuple[Fault, Process, str, str]], start: float, broker: Any
) -> threading.Thread:
    def run() -> None:
        for fault, process, queue, hostname in faults:
            time.sleep(max(0.0, start + fault.at_s - time.monotonic()))
            _inject(fault, process, queue, hostname, broker)
            print(f"  {fault.killed_at:%H:%M:%S} SIGKILL {fault.name} (pid {fault.pid}, and "
                  f"{len(fault.others)} more in its group); restarted as pid {fault.new_pid}",
                  flush=True)  # fmt: skip

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


# --- after the load -------------------------------------------------------------------------


def _pending(broker: Any) -> dict[str, int]:
    """What is still to happen without anyone: work in the queues, and anchors.

    Task messages a killed worker held are not waited for: the sweeper moves their cases on,
    and Redis hands the messages out again only after its visibility timeout (checked after
    the drain: each must be redundant by then).
    """
    from appraisals.models import Status, Submission
    from provenance.models import Batch, Document

    return {
        "photo check": Submission.objects.filter(status=Status.SUBMITTED).count(),
        "pre-screen": Submission.objects.filter(status=Status.QUEUED).count(),
        "documents not anchored": Document.objects.exclude(
            batch__state=Batch.State.CONFIRMED
        ).count(),
    }


def _drain(timeout: int, broker: Any) -> tuple[bool, float]:
    started = time.monotonic()
    shown = 0.0
    while True:
        pending = _pending(broker)
        waited = time.monotonic() - started
        if not any(pending.values()):
            return True, waited
        if waited >= timeout:
            return False, waited
        if waited - shown >= 30 or not shown:
            shown = waited or 0.001
            print(f"  {waited:4.0f} s: waiting for "
                  + ", ".join(f"{k} {v}" for k, v in pending.items() if v), flush=True)  # fmt: skip
        time.sleep(5)


def _pct(values: list[float], q: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _spread(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (f"p50 {_pct(values, 50):6.1f} s   p95 {_pct(values, 95):6.1f} s   "
            f"max {max(values):6.1f} s   (n={len(values)})")  # fmt: skip


def _locust_table(prefix: Path) -> tuple[int, int]:
    """Print locust's figures per endpoint; (requests, failures)."""
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    print(f"{'endpoint':<58} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'max ms':>7}")  # fmt: skip
    total = failures = 0
    for row in rows:
        name = row["Name"] if row["Type"] in ("", "None") else f"{row['Type']} {row['Name']}"
        requests, failed = int(row["Request Count"]), int(row["Failure Count"])
        if row["Name"] == "Aggregated":
            print("-" * 98)
            total, failures = requests, failed
        print(f"{name[:58]:<58} {requests:>8} {failed:>6} {row['50%']:>7} {row['95%']:>7} "
              f"{float(row['Max Response Time']):>7.0f}")  # fmt: skip
    failures_file = prefix.parent / f"{prefix.name}_failures.csv"
    if failures_file.exists():
        with failures_file.open() as handle:
            errors = list(csv.DictReader(handle))
        if errors:
            print("\nerrors (locust):")
            for row in errors:
                print(f"  {row['Occurrences']:>5} x {row['Method']} {row['Name']}: {row['Error']}")
    return total, failures


ACCESS = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3}) ')
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")
# "... ERROR name message" (Django), "[...: ERROR/MainProcess] message" (Celery),
# "[...] [ERROR] message" (gunicorn).
ERROR_LINE = re.compile(r"\bERROR\b\S*\s+(.*)")
EXCEPTION = re.compile(r"^(\w+\.)*\w*(Error|Exception|Lost|Timeout\w*)\b.*")


def _log_findings(logs: dict[str, Path]) -> tuple[int, list[str]]:
    """5xx answers in gunicorn's access log, and exceptions in every log."""
    server_errors: Counter[str] = Counter()
    for line in logs["web"].read_text(errors="replace").splitlines():
        found = ACCESS.search(line)
        if found and found["status"].startswith("5"):
            route = UUID.sub("[id]", found["path"].split("?")[0])
            server_errors[f"{found['status']} {found['method']} {route}"] += 1
    lines = [f"  {count:>5} x {what}" for what, count in server_errors.most_common(10)]
    for name, path in logs.items():
        text = path.read_text(errors="replace").splitlines()
        exceptions: Counter[str] = Counter()
        for number, line in enumerate(text):
            if line.startswith("Traceback"):
                tail = next((t for t in text[number + 1 : number + 200] if EXCEPTION.match(t)), "?")
                exceptions[UUID.sub("[id]", tail)[:160]] += 1
            elif found := ERROR_LINE.search(line):
                exceptions[UUID.sub("[id]", found.group(1))[:160]] += 1
        for what, count in exceptions.most_common(8):
            lines.append(f"  {count:>5} x [{name} log] {what}")
    return sum(server_errors.values()), lines


@dataclass
class Cases:
    lines: list[str]
    problems: list[str]


def _cases(load_start: datetime, load_end: datetime) -> Cases:
    """Every case's state, and submit-to-anchored figures for those submitted in the load."""
    from appraisals.models import (
        PreScreen,
        Report,
        Review,
        Status,
        Submission,
        SubmissionEvent,
    )
    from appraisals.models.reports import REPORT_DOCUMENT_TYPE
    from provenance.models import Document

    queued, screened_event, issued = (
        kind.value for kind in (SubmissionEvent.Kind.QUEUED, SubmissionEvent.Kind.PRESCREENED,
                                SubmissionEvent.Kind.REPORT_ISSUED)
    )  # fmt: skip
    problems: list[str] = []
    cases = list(Submission.objects.exclude(status=Status.DRAFT).order_by("submitted_at"))
    drafts = Submission.objects.filter(status=Status.DRAFT).count()
    screened = set(PreScreen.objects.values_list("submission_id", "round"))
    seats = Counter(
        (s, r) for s, r in Review.objects.exclude(state=Review.State.WITHDRAWN)
        .exclude(state=Review.State.SIGNED).values_list("submission_id", "round")
    )  # fmt: skip
    reports = {r.submission_id: r for r in Report.objects.filter(version=1)}
    documents = {
        d.doc_id: d
        for d in Document.objects.filter(doc_type=REPORT_DOCUMENT_TYPE).select_related("batch")
    }
    by_status = Counter(case.status for case in cases)
    for case in cases:
        where = f"{case.reference} (id {case.pk}, {case.status})"
        if case.status == Status.SUBMITTED:
            problems.append(f"{where}: its photo check never ran")
        elif case.status == Status.QUEUED:
            problems.append(f"{where}: no AI pre-screen result")
        elif case.status == Status.AWAITING_EXPERT:
            if (case.pk, case.round) not in screened:
                problems.append(f"{where}: with the experts but no AI pre-screen result")
            if not seats[(case.pk, case.round)]:
                problems.append(f"{where}: every seat signed, but no report")
        elif case.status == Status.COMPLETED:
            report = reports.get(case.pk)
            document = documents.get(str(report.uid)) if report else None
            if report is None:
                problems.append(f"{where}: completed without a report")
            elif document is None and not case.sandbox:
                problems.append(f"{where}: report {report.reference} has no provenance document")
            elif document is not None and (
                document.batch is None or document.batch.state != "confirmed"
            ):
                state = document.batch.state if document.batch else "no batch"
                problems.append(
                    f"{where}: report {report.reference} signed, not anchored ({state})"
                )

    events: dict[tuple[int, str], datetime] = {}
    for submission_id, kind, at in SubmissionEvent.objects.filter(
        kind__in=[queued, screened_event, issued], round=1
    ).values_list("submission_id", "kind", "created_at"):
        events.setdefault((submission_id, kind), at)
    in_load = [c for c in cases if c.submitted_at and load_start <= c.submitted_at <= load_end]
    anchored = {}
    for case in in_load:
        report = reports.get(case.pk)
        document = documents.get(str(report.uid)) if report else None
        if document and document.batch and document.batch.confirmed_at:
            anchored[case.pk] = document.batch.confirmed_at
    total = [
        (anchored[c.pk] - c.submitted_at).total_seconds()
        for c in in_load
        if c.pk in anchored and c.submitted_at  # (every case in_load was submitted)
    ]

    def stage(cases_: list[Any], begin: Any, end: Any) -> list[float]:
        values = []
        for case in cases_:
            a, b = begin(case), end(case)
            if a is not None and b is not None:
                values.append((b - a).total_seconds())
        return values

    lines = [
        f"cases: {len(cases)} submitted in all, {drafts} drafts left unsubmitted; by status: "
        + ", ".join(f"{status} {count}" for status, count in sorted(by_status.items())),
        f"submitted during the load: {len(in_load)} "
        f"({len(in_load) / ((load_end - load_start).total_seconds() / 60):.1f} per minute); "
        f"anchored by now: {len(anchored)}",
    ]
    retakes = Counter(
        SubmissionEvent.objects.filter(
            submission__status=Status.NEEDS_RETAKE, kind=SubmissionEvent.Kind.RETAKE_REQUESTED
        ).values_list("message", flat=True)
    )
    lines += [f"  needs_retake ({count}): {message[:120]}" for message, count in retakes.items()]
    if anchored:
        window = (max(anchored.values()) - load_start).total_seconds() / 60
        lines.append(
            f"submit -> anchored: {len(anchored)} cases in {window:.1f} min (from the load's "
            f"start to the last anchor): {len(anchored) / window:.1f} cases per minute"
        )
    lines += [
        f"  submit -> anchored          {_spread(total)}",
        "  of which:",
        "  submit -> photos accepted   "
        + _spread(stage(in_load, lambda c: c.submitted_at, lambda c: events.get((c.pk, queued)))),
        "  -> AI pre-screen done       "
        + _spread(stage(in_load, lambda c: events.get((c.pk, queued)),
                        lambda c: events.get((c.pk, screened_event)))),
        "  -> report signed (experts)  "
        + _spread(stage(in_load, lambda c: events.get((c.pk, screened_event)),
                        lambda c: events.get((c.pk, issued)))),
        "  -> anchored, confirmed      "
        + _spread(stage(in_load, lambda c: events.get((c.pk, issued)),
                        lambda c: anchored.get(c.pk))),
    ]  # fmt: skip
    return Cases(lines=lines, problems=problems)


def _anchors() -> Cases:
    """Every report anchored exactly once: one document, in one confirmed batch, whose root
    the contract holds once, at the batch's sequence number; every proof checks out."""
    from eth_utils import to_checksum_address

    from appraisals.models import Report
    from appraisals.models.reports import REPORT_DOCUMENT_TYPE
    from provenance.anchoring import deployment_live
    from provenance.chain import bundle_verification, web3_get
    from provenance.contracts import artifact_load
    from provenance.models import AnchorTransaction, Batch, Document
    from provenance.selectors import bundle_for

    problems: list[str] = []
    w3 = web3_get()
    deployment = deployment_live(w3.eth.chain_id)
    if deployment is None:
        return Cases(lines=[], problems=["no live AnchorLog deployment"])
    contract = w3.eth.contract(
        address=to_checksum_address(deployment.address), abi=artifact_load()["abi"]
    )
    batches = list(Batch.objects.filter(deployment=deployment).order_by("seq"))
    states = Counter(batch.state for batch in batches)
    confirmed = [b for b in batches if b.state == Batch.State.CONFIRMED]
    for batch in batches:
        if batch.state != Batch.State.CONFIRMED:
            problems.append(f"batch {batch.seq} is {batch.state}")
    included = Counter(
        AnchorTransaction.objects.filter(state=AnchorTransaction.State.INCLUDED).values_list(
            "batch_id", flat=True
        )
    )
    logs = contract.events.Anchored.get_logs(from_block=deployment.block_number)
    on_chain = Counter("0x" + bytes(log["args"]["root"]).hex() for log in logs)
    last_seq = contract.functions.last_seq().call()
    for batch in confirmed:
        if included[batch.pk] != 1:
            problems.append(f"batch {batch.seq}: {included[batch.pk]} included transactions")
        if on_chain[batch.root.lower()] != 1:
            times = on_chain[batch.root.lower()]
            problems.append(f"batch {batch.seq}: root anchored {times} times")
        seq = contract.functions.anchor_of(bytes.fromhex(batch.root[2:])).call()[0]
        if seq != batch.seq:
            problems.append(f"batch {batch.seq}: the contract has it as {seq}")
    if last_seq != len(confirmed) or len(logs) != len(confirmed):
        problems.append(
            f"the contract holds {last_seq} batches ({len(logs)} Anchored events); "
            f"{len(confirmed)} confirmed in the database"
        )
    reports = list(Report.objects.filter(submission__sandbox=False))
    documents = Counter(
        Document.objects.filter(doc_type=REPORT_DOCUMENT_TYPE).values_list("doc_id", flat=True)
    )
    valid = 0
    for report in reports:
        if documents[str(report.uid)] != 1:
            problems.append(f"report {report.reference}: {documents[str(report.uid)]} documents")
            continue
        document = Document.objects.select_related("batch__deployment").get(
            doc_type=REPORT_DOCUMENT_TYPE, doc_id=str(report.uid)
        )
        if document.batch is None or document.batch.state != Batch.State.CONFIRMED:
            continue  # counted by the case checks
        result = bundle_verification(bundle_for(document))
        if result.ok:
            valid += 1
        else:
            problems.append(f"report {report.reference}: its proof bundle does not verify")
    others = Document.objects.exclude(doc_type=REPORT_DOCUMENT_TYPE)
    lines = [
        f"batches: {len(batches)} ("
        + ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
        + f"); on chain: last_seq {last_seq}, {len(logs)} Anchored events, "
        f"{len(set(on_chain))} distinct roots",
        f"reports: {len(reports)}, each with one document; {valid} anchored and verified with "
        "the node (proofs, signature, anchor_of, not revoked)",
        f"other documents (passport events): {others.count()}, "
        f"{others.filter(batch__state=Batch.State.CONFIRMED).count()} anchored",
    ]
    return Cases(lines=lines, problems=problems)


def _fault_lines(faults: list[Fault]) -> tuple[list[str], list[str]]:
    from appraisals.models import Submission, SubmissionEvent

    lines, problems = [], []
    for fault in faults:
        if fault.error or fault.killed_at is None:
            problems.append(f"{fault.name}: the fault was not injected: {fault.error}")
            continue
        ready = f"{fault.ready_after_s:.0f} s" if fault.ready_after_s else "never"
        lines.append(
            f"{fault.killed_at:%H:%M:%S} SIGKILL {fault.name} pid {fault.pid} (then its group: "
            f"{', '.join(map(str, fault.others)) or 'nothing else'}); restarted as pid "
            f"{fault.new_pid}, answering pings after {ready}"
        )
        if fault.ready_after_s is None:
            problems.append(f"{fault.name}: did not answer a ping after its restart")
        held = len(fault.lost) or "none"
        lines.append(f"  task messages it held, unacknowledged in Redis: {held}")
        for _queue, task, arguments in fault.lost:
            moved = ""
            found = re.match(r"\((\d+),", arguments)
            if found:
                submission = Submission.objects.filter(pk=int(found.group(1))).first()
                event = (
                    SubmissionEvent.objects.filter(
                        submission_id=int(found.group(1)), created_at__gt=fault.killed_at
                    )
                    .order_by("created_at")
                    .first()
                )
                if submission is not None:
                    moved = f" {submission.reference}: " + (
                        f"moved on {(event.created_at - fault.killed_at).total_seconds():.0f} s "
                        f"after the kill ({event.kind})"
                        if event
                        else f"has not moved since the kill ({submission.status})"
                    )
            lines.append(f"    {task}{arguments}{moved}")
    return lines, problems


# --- the run ------------------------------------------------------------------------------


def _run(args: argparse.Namespace, work: Path) -> int:
    code = _snapshot(work)
    # This process imports the platform from the snapshot too (setup and checks).
    sys.path.insert(0, str(code))
    procfile = _procfile(code)
    logs = {name: work / f"{name}.log" for name in ("chain", "web", "worker", "anchorer")}
    chain_port, web_port = free_port(), free_port()
    env = _environment(work, args, f"http://127.0.0.1:{chain_port}", web_port)
    os.environ.update(env)
    # scripts/chain.sh's flags, with the chain in the work folder instead of var/chain.
    chain = Process("chain", f"exec {GANACHE} --database.dbPath {work / 'chain'} "
                    f"--server.host 127.0.0.1 --server.port {chain_port} --chain.chainId 1337 "
                    "--chain.hardfork shanghai --wallet.deterministic --miner.blockTime 0 "
                    "--logging.quiet", env, logs["chain"], ROOT)  # fmt: skip
    (work / "chain").mkdir()
    stack = {name: Process(name, procfile[name], env, logs[name], code) for name in
             ("anchorer", "worker", "web")}  # fmt: skip
    processes = [chain, *stack.values()]
    print(f"load and fault benchmark: {args.duration} s of load; {os.cpu_count()} CPUs shared "
          "by every process below and locust")  # fmt: skip
    described = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(f"code: a snapshot of the working tree ({described}) in {code}")
    print("settings: bench.load_settings (production's, anchoring every 2 s with 1 confirmation)")
    try:
        print("\nsetup:")
        chain.start()
        wait_for(lambda: port_open(chain_port), 30, "ganache to listen")
        _prepare(env, args, work)
        import django

        django.setup()
        import redis
        from django.conf import settings
        from django.db import connections

        from appraisals.models import Status, Submission

        visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
        print(f"  Redis visibility_timeout: {visibility} s; stalled cases re-enqueued after "
              f"{settings.SUBMISSION_CHECK_STALL_SECONDS} s (photo check) and "
              f"{settings.PRESCREEN_STALL_SECONDS} s (pre-screen), checked every 60 s")  # fmt: skip
        plan = _plan(env, args, work)
        (work / "plan.json").write_text(json.dumps(plan))
        _pool_write(Path(plan["pool"]))
        for process in stack.values():
            process.start()
        wait_for(lambda: port_open(web_port), 60, "gunicorn to listen")
        wait_for(lambda: _ping(f"celery@{HOST}"), 120, "the worker to answer a ping", 1)
        wait_for(lambda: _ping(f"anchorer@{HOST}"), 120, "the anchorer to answer a ping", 1)
        with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=10) as ok:
            health = json.loads(ok.read())
        started = time.monotonic()
        wait_for(
            lambda: (
                not Submission.objects.filter(status__in=[Status.SUBMITTED, Status.QUEUED]).exists()
            ),
            300,
            "the demo case's photo check and pre-screen (warming the worker up)",
            1,
        )
        print(f"  the demo case went through the photo check and the pre-screen: "
              f"{time.monotonic() - started:.0f} s (model loaded in the worker)")  # fmt: skip
        print(f"\nprocesses (healthz: {health}):")
        redis_pid = redis.Redis.from_url(env["REDIS_URL"]).info("server")["process_id"]
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW data_directory")
            pg_pid = (Path(cursor.fetchone()[0]) / "postmaster.pid").read_text().split()[0]
        print(f"  {'postgresql':<10} pid {pg_pid:>7}  (scripts/testenv.py)")
        print(f"  {'redis':<10} pid {redis_pid:>7}  (scripts/testenv.py)")
        for process in processes:
            where = {"chain": chain_port, "web": web_port}.get(process.name)
            port = f" 127.0.0.1:{where}" if where else ""
            print(f"  {process.name:<10} pid {process.pid:>7} {port}  {process.command[:90]}")

        users = [args.buyers, args.experts, args.strangers, args.partners]
        print(f"\nload: {args.buyers} buyers, {args.experts} experts, {args.strangers} strangers, "
              f"{args.partners} partners (locust, {args.spawn_rate:g} started per second), "
              f"{args.duration} s")  # fmt: skip
        broker = redis.Redis.from_url(env["CELERY_BROKER_URL"])
        faults = [
            (Fault("worker", args.duration / 3), stack["worker"], "celery", f"celery@{HOST}"),
            (Fault("anchorer", 2 * args.duration / 3), stack["anchorer"], "anchoring",
             f"anchorer@{HOST}"),
        ]  # fmt: skip
        stopped = threading.Event()
        pool = _repeat(3, stopped, lambda: _pool_write(Path(plan["pool"])))
        prefix = work / "locust"
        locust_env = env | {
            "BENCH_PLAN": str(work / "plan.json"),
            "BENCH_USERS": ",".join(map(str, users)),
        }
        load_start = datetime.now(UTC)
        start = time.monotonic()
        injector = None if args.no_faults else _faults(faults, start, broker)
        with (work / "locust.log").open("wb") as out:
            subprocess.run(
                [str(BIN / "locust"), "-f", str(code / "bench" / "locustfile.py"), "--headless",
                 "-H", f"http://127.0.0.1:{web_port}", "-u", str(sum(users)),
                 "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--stop-timeout", "10",
                 "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                cwd=code, env=locust_env, stdout=out, stderr=subprocess.STDOUT,
                timeout=args.duration + 120, check=False,
            )  # fmt: skip
        load_end = datetime.now(UTC)
        if injector is not None:
            injector.join(timeout=150)
        stopped.set()
        pool.join(timeout=10)

        print(f"\nafter the load: waiting up to {args.drain_timeout} s for the queues to drain")
        drained, waited = _drain(args.drain_timeout, broker)
        print(f"  {'drained' if drained else 'NOT drained'} after {waited:.0f} s: "
              + ", ".join(f"{k} {v}" for k, v in _pending(broker).items()))  # fmt: skip
        connections.close_all()

        print("\nrequests (locust; p50/p95 are locust's, rounded to two significant digits):")
        requests, failures = _locust_table(prefix)
        server_errors, findings = _log_findings(logs)
        retried = (work / "locust.log").read_text(errors="replace").count("Retrying (Retry(")
        print(
            f"\nrequests sent again after the server closed a kept-alive connection unanswered "
            f"(as browsers do; not counted as errors): {retried}"
        )
        print(f"5xx answers in gunicorn's access log: {server_errors}")
        if findings:
            print("errors in the logs:")
            print("\n".join(findings))

        print("\ncases:")
        cases = _cases(load_start, load_end)
        print("\n".join(cases.lines))
        print("\nanchors:")
        anchors = _anchors()
        print("\n".join(anchors.lines))
        fault_lines, fault_problems = _fault_lines([f for f, *_ in faults])
        print("\nfaults:")
        print("\n".join(fault_lines) if not args.no_faults else "none (--no-faults)")
        again = re.findall(r"submission (\d+) round \d+ (photo check|pre-screen): skipped",
                           logs["worker"].read_text(errors="replace"))  # fmt: skip
        print(f"tasks that ran again and did nothing, their case having moved on: {len(again)}"
              + "".join(f"\n  {what} of submission {pk}" for pk, what in again))  # fmt: skip
        leftover = _unacked(broker)
        print(f"unacknowledged messages still in Redis now: {len(leftover)}"
              + (" (redundant: no case waits for them any more; Redis hands them out again "
                 "after the visibility timeout and they do nothing)" if leftover and drained
                 else ""))  # fmt: skip
        for row in leftover:
            print(f"  {row[0]}: {row[1]}{row[2]}")

        problems = [*cases.problems, *anchors.problems]
        if not args.no_faults:
            problems += fault_problems
        if not drained:
            problems.append(f"the queues did not drain in {args.drain_timeout} s")
        if failures:
            problems.append(f"{failures} of {requests} requests failed")
        if server_errors:
            problems.append(f"{server_errors} answers were 5xx")
        for process in processes:
            if not process.alive():
                problems.append(f"{process.name} (pid {process.pid}) died")
        print("\n" + "=" * 98)
        if problems:
            print(f"FAIL: {len(problems)} problems")
            for problem in problems[:40]:
                print(f"  - {problem}")
            if len(problems) > 40:
                print(f"  ... and {len(problems) - 40} more")
        else:
            print(f"PASS: {requests} requests, none failed, no 5xx; every case in an expected "
                  "state; every report anchored exactly once")  # fmt: skip
        print("=" * 98)
        return 1 if problems else 0
    finally:
        for process in reversed(processes):
            process.stop()


def _on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    args = _arguments()
    signal.signal(signal.SIGTERM, _on_term)
    if not GANACHE.exists():
        raise SystemExit("ganache is missing: run `npm ci` (make install does)")
    work = Path(tempfile.mkdtemp(prefix="authplatform-load-"))
    try:
        return _run(args, work)
    finally:
        if args.keep:
            print(f"\nwork folder (logs, locust CSVs): {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
