"""`make run`'s process manager (scripts/runlocal.py), driven as a user drives it: a Procfile,
its own PostgreSQL and Redis under a var folder, a process killed, Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT, wait_for

RUNLOCAL = ROOT / "scripts" / "runlocal.py"
COUNT_ROWS = (
    'python -c "import os, psycopg, redis; '
    "c = psycopg.connect(os.environ['DATABASE_URL'], autocommit=True); "
    "c.execute('CREATE TABLE IF NOT EXISTS visit (n int)'); "
    "c.execute('INSERT INTO visit VALUES (1)'); "
    "rows = c.execute('SELECT count(*) FROM visit').fetchone()[0]; "
    "hits = redis.Redis.from_url(os.environ['REDIS_URL']).incr('visits'); "
    "print(f'rows={rows} hits={hits}')\""
)


def var_folder(tmp_path: Path) -> Path:
    """The run's var/, kept per test but outside pytest's own temporary tree.

    PostgreSQL runs as the postgres user, which must pass through every folder above it;
    pytest resets its base folder to mode 0700 whenever another pytest starts.
    """
    link = tmp_path / "var"
    if not link.exists():
        link.symlink_to(tempfile.mkdtemp(prefix="authplatform-runlocal-", dir="/tmp"))
    return link.resolve()


class Run:
    """One scripts/runlocal.py, its output in a file."""

    def __init__(self, tmp_path: Path, procfile: str, *args: str, servers: bool) -> None:
        (tmp_path / "Procfile").write_text(procfile)
        self.log = tmp_path / f"runlocal-{time.monotonic_ns()}.log"
        self.var = var_folder(tmp_path)
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
        if servers:
            env.pop("DATABASE_URL", None)
            env.pop("REDIS_URL", None)
        else:  # the servers of the test run; runlocal then starts none
            env.setdefault("DATABASE_URL", "postgres://unused@127.0.0.1:1/unused")
            env.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(RUNLOCAL), "--var", str(self.var),
                 "--procfile", str(tmp_path / "Procfile"), *args],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                # As a shell starts a background job: SIGINT ignored, yet Ctrl-C must stop it.
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
            )  # fmt: skip

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_line(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        found: list[re.Match[str]] = []

        def seen() -> bool:
            found[:] = [m for m in [re.search(pattern, self.text())] if m]
            return bool(found) or self.proc.poll() is not None

        wait_for(seen, timeout, f"{pattern!r} in the output of runlocal")
        assert found, f"runlocal exited ({self.proc.returncode}) before {pattern!r}:\n{self.text()}"
        return found[0]

    def pid_of(self, name: str, after: int = 0) -> int:
        pattern = rf"{name} started \(pid (\d+)\)"
        wait_for(lambda: len(re.findall(pattern, self.text())) > after, 60, f"{name} (re)started")
        return int(re.findall(pattern, self.text())[after])

    def interrupt(self) -> int:
        os.kill(self.proc.pid, signal.SIGINT)
        return self.proc.wait(timeout=60)


@pytest.fixture
def runs() -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for run in started:
        if run.proc.poll() is None:
            os.killpg(run.proc.pid, signal.SIGKILL)
            run.proc.wait()
        shutil.rmtree(run.var, ignore_errors=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def test_it_restarts_a_killed_process_and_says_why(tmp_path: Path, runs: list[Run]) -> None:
    run = Run(tmp_path, "web: exec sleep 600\nworker: exec sleep 600\n", "web", "worker",
              servers=False)  # fmt: skip
    runs.append(run)
    web, worker = run.pid_of("web"), run.pid_of("worker")

    os.kill(worker, signal.SIGKILL)

    run.wait_for_line(r"worker killed by signal SIGKILL after \d+ s; restarting it")
    restarted = run.pid_of("worker", after=1)
    assert restarted != worker and alive(restarted)
    assert alive(web), "the web process kept running"
    assert run.interrupt() == 0
    assert not alive(web) and not alive(restarted)


def test_it_stops_everything_when_a_process_keeps_dying(tmp_path: Path, runs: list[Run]) -> None:
    run = Run(tmp_path, "web: exec sleep 600\nbroken: echo no config; exit 3\n",
              "--max-quick-deaths", "2", "web", "broken", servers=False)  # fmt: skip
    runs.append(run)
    web = run.pid_of("web")

    assert run.proc.wait(timeout=60) == 1
    output = run.text()
    assert "broken exited with status 3 and has died 2 times in a row" in output
    assert "stopping everything" in output and "broken | no config" in output
    assert not alive(web)


def test_a_background_setup_runs_once_beside_the_processes(tmp_path: Path, runs: list[Run]) -> None:
    run = Run(tmp_path, "web: exec sleep 600\n", "--background-setup", "sleep 1; echo trained",
              "--background-setup", "exit 4", "web", servers=False)  # fmt: skip
    runs.append(run)
    web = run.pid_of("web")

    run.wait_for_line(r"setup finished after \d+ s")
    run.wait_for_line(r"setup1 failed: exited with status 4")
    time.sleep(2)
    assert "restarting" not in run.text() and "setup  | trained" in run.text()
    assert alive(web)
    assert run.interrupt() == 0


def test_its_database_and_redis_keep_their_data_across_runs(
    tmp_path: Path, runs: list[Run]
) -> None:
    for visit in (1, 2):
        run = Run(tmp_path, "idle: exec sleep 600\n", "--setup", COUNT_ROWS, "idle",
                  servers=True)  # fmt: skip
        runs.append(run)
        run.wait_for_line(rf"rows={visit} hits={visit}")
        run.pid_of("idle")
        database = run.wait_for_line(r"DATABASE_URL=postgres://\S+:(\d+)/")

        assert run.interrupt() == 0
        assert "postgresql: stopped with SIGINT" in run.text()
        assert "redis: stopped with SIGTERM" in run.text()
        with pytest.raises(OSError):  # nothing listens there any more
            socket.create_connection(("127.0.0.1", int(database.group(1))), timeout=1).close()
