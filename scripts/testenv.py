#!/usr/bin/env python3
"""Run a command against throwaway PostgreSQL and Redis servers, then tear them down.

Usage: scripts/testenv.py -- CMD [ARGS...]

Each run gets a fresh PostgreSQL cluster and a Redis server on free loopback ports, in a
temporary folder that is removed afterwards. CMD runs with DATABASE_URL, REDIS_URL,
CELERY_BROKER_URL and DJANGO_SETTINGS_MODULE pointing at them; its exit status becomes
this script's (pytest's 5, "no tests collected", passes through unchanged). The servers
are stopped and waited for whether CMD passes, fails, or this script is interrupted
(Ctrl-C, SIGTERM, SIGHUP).

There is deliberately no SQLite fallback: without the server binaries this exits 2.

Environment knobs:
  TESTENV_PG_BINDIR     folder holding initdb and postgres (skips the search)
  TESTENV_REDIS_SERVER  path of redis-server (skips the search)

Adding a service (a ganache node, say): subclass Service, implement start() (launch it,
wait until it answers, set self.pid and self.port), env() (the variables to export) and,
if needed, stop(); then add it to the list built in main(). Services start in list order
and stop in reverse order.

The servers themselves are scripts/services.py. Standard library only (Python 3.11).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from services import (
    MissingBinary,
    PostgresService,
    RedisService,
    Service,
    StartupError,
    log,
    traversable_by_others,
)

CHILD_TERM_TIMEOUT = 15.0


class Interrupted(Exception):
    """A termination signal arrived before the command was started."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def make_workdir() -> str:
    """A private temporary folder; as root, one under a path the postgres user can reach."""
    base = tempfile.gettempdir()
    if os.geteuid() == 0 and not traversable_by_others(base):
        base = "/tmp"
    return tempfile.mkdtemp(prefix="authplatform-testenv-", dir=base)


class Runner:
    """Starts the services, runs the command, and always cleans up."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.child: subprocess.Popen | None = None
        self.signals_seen = 0
        self.last_signal: int | None = None

    def _on_signal(self, signum: int, frame) -> None:
        self.signals_seen += 1
        self.last_signal = signum
        child = self.child
        if child is None:
            raise Interrupted(signum)
        if child.poll() is not None:
            return
        if self.signals_seen > 1:
            log(f"{signal.Signals(signum).name} again: killing the command")
            _signal_child(child, signal.SIGKILL)
        elif signum == signal.SIGINT and _child_shares_terminal():
            # Ctrl-C in a terminal already reached the command (same process group).
            log("SIGINT: waiting for the command to finish")
        else:
            forward = signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM
            log(f"{signal.Signals(signum).name}: passing {forward.name} to the command")
            _signal_child(child, forward)

    def run(self) -> int:
        handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        for signum in handled:
            signal.signal(signum, self._on_signal)

        services: list[Service] = []
        started: list[Service] = []
        workdir = None
        try:
            workdir = make_workdir()
            services = [PostgresService(workdir), RedisService(workdir)]
            missing = []
            for service in services:
                try:
                    service.check()
                except MissingBinary as error:
                    missing.append(str(error))
            if missing:
                raise MissingBinary("\n".join(missing))
            env = dict(os.environ)
            for service in services:
                started.append(service)
                service.start()
                log(f"{service.name} started on 127.0.0.1:{service.port} (pid {service.pid})")
                env.update(service.env())
            env["DJANGO_SETTINGS_MODULE"] = "authplatform.settings.test"

            try:
                self.child = subprocess.Popen(self.command, env=env)
            except OSError as error:
                log(f"cannot run {self.command[0]}: {error.strerror}")
                return 127 if isinstance(error, FileNotFoundError) else 126
            returncode = self._wait_child()
            if returncode < 0:
                return 128 - returncode
            return returncode
        except MissingBinary as error:
            for line in str(error).splitlines():
                log(line)
            return 2
        except StartupError as error:
            log(str(error))
            return 1
        except Interrupted as error:
            log(f"{error}: stopping before the command started")
            return 128 + error.signum
        finally:
            # Nothing may interrupt the cleanup; each wait inside it is bounded.
            for signum in handled:
                signal.signal(signum, signal.SIG_IGN)
            for service in reversed(started):
                try:
                    outcome = service.stop()
                except Exception as error:  # keep stopping the others
                    outcome = f"stop failed: {error!r}"
                where = f"on 127.0.0.1:{service.port} " if service.port else ""
                log(f"{service.name} {where}(pid {service.pid}): {outcome}")
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)

    def _wait_child(self) -> int:
        assert self.child is not None
        deadline = None
        while True:
            try:
                return self.child.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                pass
            # After SIGTERM/SIGHUP give the command a bounded time to finish.
            if self.last_signal in (signal.SIGTERM, signal.SIGHUP):
                if deadline is None:
                    deadline = time.monotonic() + CHILD_TERM_TIMEOUT
                elif time.monotonic() > deadline:
                    log("the command did not exit after SIGTERM; killing it")
                    _signal_child(self.child, signal.SIGKILL)
                    deadline = time.monotonic() + CHILD_TERM_TIMEOUT


def _signal_child(child: subprocess.Popen, signum: int) -> None:
    try:
        child.send_signal(signum)
    except ProcessLookupError:
        pass


def _child_shares_terminal() -> bool:
    """True when our process group is the terminal's foreground one (Ctrl-C hits both)."""
    for fd in (0, 1, 2):
        try:
            return os.tcgetpgrp(fd) == os.getpgrp()
        except OSError:
            continue
    return False


def main(argv: list[str]) -> int:
    if "--" in argv:
        command = argv[argv.index("--") + 1 :]
    else:
        command = argv
    if not command or command[0] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    return Runner(command).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
