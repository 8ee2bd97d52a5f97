#!/usr/bin/env python3
"""`make run`: the platform on this machine, with its own PostgreSQL and Redis under var/.

Usage: scripts/runlocal.py [--var DIR] [--procfile FILE] [--port N] [--setup CMD]...
                           [--background-setup CMD]... [--max-quick-deaths N] PROCESS...

1. Starts PostgreSQL (data in VAR/postgres/data) and Redis (append-only file in VAR/redis),
   unless DATABASE_URL or REDIS_URL name servers of your own. Both keep their data across
   runs; the ports are chosen afresh each time and printed.
2. Runs each --setup command in turn (migrate, demo data); one that fails stops the run.
   Each --background-setup command (training the demo model) runs once beside the
   processes, so the site serves meanwhile; its end is reported and it is not restarted.
3. Starts the named PROCESSes from the Procfile and watches them. A process that dies is
   named with its exit status or signal and restarted after a pause that grows while it
   keeps dying quickly (1 s doubling to 30 s). If one dies N times in a row (default 5),
   each within QUICK_SECONDS of its start, everything is stopped with a message saying which
   process and why. PostgreSQL and Redis are watched and restarted the same way.
4. Ctrl-C (or SIGTERM) stops every process, then Redis, then PostgreSQL, and exits.

Work survives a crash: Celery acknowledges a task only after it ran (acks_late) and Redis
hands an unacknowledged task out again (see CELERY_BROKER_TRANSPORT_OPTIONS), and the
periodic sweepers requeue what was in flight.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from services import (
    MissingBinary,
    PostgresService,
    RedisService,
    Service,
    StartupError,
    log,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK_SECONDS = 30.0
MAX_QUICK_DEATHS = 5
MAX_PAUSE = 30.0
STOP_SECONDS = 10.0
_print_lock = threading.Lock()


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return f"killed by signal {name}"
    return f"exited with status {returncode}"


def emit(name: str, width: int, line: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    with _print_lock:
        sys.stdout.write(f"{stamp} {name:<{width}} | {line}")
        if not line.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()


def parse_procfile(path: str) -> dict[str, str]:
    processes: dict[str, str] = {}
    with open(path) as handle:
        for raw in handle:
            line = raw.strip()
            if not line or line.startswith("#") or ":" not in line:
                continue
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


@dataclass
class Unit:
    """One watched thing: a Procfile process, a server (PostgreSQL, Redis), or a one-off job
    that runs beside them (``oneshot``: never restarted)."""

    name: str
    command: str = ""
    oneshot: bool = False
    done: bool = False
    service: Service | None = None
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    last_lines: list[str] = field(default_factory=list)

    def alive(self) -> bool:
        if self.service is not None:
            return self.service.alive()
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self) -> str:
        if self.proc is not None and self.proc.returncode is not None:
            return describe_exit(self.proc.returncode)
        return "is no longer running"


class Supervisor:
    def __init__(
        self, units: list[Unit], env: dict[str, str], width: int, max_quick_deaths: int
    ) -> None:
        self.max_quick_deaths = max_quick_deaths
        self.units = units
        self.env = env
        self.width = width
        self.stopping = False
        self.failure: str | None = None

    # -- starting -------------------------------------------------------------------------
    def start(self, unit: Unit) -> None:
        unit.started_at = time.monotonic()
        unit.restart_at = None
        if unit.service is not None:
            unit.service.start()
            log(f"{unit.name} running on 127.0.0.1:{unit.service.port} (pid {unit.service.pid})")
            return
        unit.proc = subprocess.Popen(
            ["/bin/sh", "-c", unit.command],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._pump, args=(unit, unit.proc), daemon=True).start()
        log(f"{unit.name} started (pid {unit.proc.pid})")

    def _pump(self, unit: Unit, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace")
            unit.last_lines = (unit.last_lines + [line.rstrip("\n")])[-10:]
            emit(unit.name, self.width, line)

    # -- watching -------------------------------------------------------------------------
    def watch(self) -> int:
        while not self.stopping:
            now = time.monotonic()
            for unit in self.units:
                if unit.done:
                    continue
                if unit.restart_at is not None:
                    if now >= unit.restart_at:
                        self._restart(unit)
                    continue
                if not unit.alive():
                    self._died(unit, now)
                    if self.failure:
                        return 1
            time.sleep(0.2)
        return 0 if self.failure is None else 1

    def _died(self, unit: Unit, now: float) -> None:
        if unit.proc is not None:
            unit.proc.wait()
            _kill_group(unit.proc.pid)  # orphans of a killed leader (pool children)
        lived = now - unit.started_at
        if unit.oneshot:
            unit.done = True
            finished = unit.proc is not None and unit.proc.returncode == 0
            outcome = "finished" if finished else f"failed: {unit.exit_description()}"
            log(f"{unit.name} {outcome} after {lived:.0f} s")
            return
        unit.quick_deaths = unit.quick_deaths + 1 if lived < QUICK_SECONDS else 1
        how = unit.exit_description()
        if unit.quick_deaths >= self.max_quick_deaths:
            self.failure = (
                f"{unit.name} {how} and has died {unit.quick_deaths} times in a row, each "
                f"within {QUICK_SECONDS:.0f} s of starting; stopping everything."
            )
            log(self.failure)
            for line in unit.last_lines:
                log(f"  {unit.name} | {line}")
            return
        pause = min(MAX_PAUSE, 2.0 ** (unit.quick_deaths - 1))
        log(f"{unit.name} {how} after {lived:.0f} s; restarting it in {pause:.0f} s "
            f"(the other processes keep running)")  # fmt: skip
        unit.restart_at = now + pause

    def _restart(self, unit: Unit) -> None:
        try:
            self.start(unit)
        except (StartupError, OSError) as error:
            log(f"{unit.name} could not be restarted: {error}")
            unit.started_at = time.monotonic()
            unit.proc = None
            self._died(unit, time.monotonic())

    # -- stopping -------------------------------------------------------------------------
    def stop_all(self) -> None:
        self.stopping = True
        processes = [
            (u.name, u.proc) for u in self.units if u.service is None and u.proc is not None
        ]
        for _, proc in processes:
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for name, proc in processes:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log(f"{name} ignored SIGTERM for {STOP_SECONDS:.0f} s; killing it")
            _kill_group(proc.pid)
        servers = [(u.name, u.service) for u in self.units if u.service is not None]
        for name, service in reversed(servers):
            log(f"{name}: {service.stop()}")


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(pid: int) -> None:
    _signal_group(pid, signal.SIGKILL)


def run_setup(commands: list[str], env: dict[str, str]) -> None:
    for command in commands:
        log(f"$ {command}")
        returncode = subprocess.call(["/bin/sh", "-c", command], cwd=ROOT, env=env)
        if returncode != 0:
            raise StartupError(f"setup step failed ({describe_exit(returncode)}): {command}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", default=os.path.join(ROOT, "var"))
    parser.add_argument("--procfile", default=os.path.join(ROOT, "Procfile"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--setup", action="append", default=[])
    parser.add_argument("--background-setup", action="append", default=[])
    parser.add_argument("--max-quick-deaths", type=int, default=MAX_QUICK_DEATHS)
    parser.add_argument("processes", nargs="+")
    args = parser.parse_args(argv)

    procfile = parse_procfile(args.procfile)
    unknown = [name for name in args.processes if name not in procfile]
    if unknown:
        log(f"not in {args.procfile}: {', '.join(unknown)}")
        return 2

    env = dict(os.environ)
    env["PORT"] = str(args.port)
    servers: list[Service] = []
    if not env.get("DATABASE_URL"):
        servers.append(PostgresService(os.path.join(args.var, "postgres"), durable=True))
    if not env.get("REDIS_URL"):
        servers.append(RedisService(os.path.join(args.var, "redis"), durable=True))
    units = [Unit(name=s.name, service=s) for s in servers]
    units += [Unit(name=name, command=procfile[name]) for name in args.processes]
    units += [
        Unit(name=f"setup{n}" if n else "setup", command=command, oneshot=True)
        for n, command in enumerate(args.background_setup)
    ]
    width = max(len(unit.name) for unit in units)
    supervisor = Supervisor(units, env, width, args.max_quick_deaths)

    def on_signal(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts us in the background has it ignored, and we inherit that.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)
    status = 0
    try:
        for service in servers:
            service.check()
        for unit, service in zip(units[: len(servers)], servers, strict=True):
            supervisor.start(unit)
            env.update(service.env())
        for key in ("DATABASE_URL", "REDIS_URL"):
            log(f"{key}={env[key]}")
        run_setup(args.setup, env)
        for unit in units[len(servers) :]:
            supervisor.start(unit)
        status = supervisor.watch()
    except MissingBinary as error:
        log(str(error))
        status = 2
    except StartupError as error:
        log(str(error))
        status = 1
    except KeyboardInterrupt:
        log("stopping everything")
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        supervisor.stop_all()
        log("stopped")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
