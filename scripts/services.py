"""PostgreSQL and Redis servers owned by one run, on loopback, stopped by PID.

Shared by scripts/testenv.py (throwaway servers for the tests and benches) and
scripts/runlocal.py (`make run`: durable servers in project-local folders under var/).
Standard library only (Python 3.11).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

DB_NAME = "authplatform"
DB_USER = "postgres"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
PROG = os.path.splitext(os.path.basename(sys.argv[0] or "services"))[0]


class MissingBinary(Exception):
    """A server binary is not installed; the message says which package provides it."""


class StartupError(Exception):
    """A service did not come up."""


def log(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still answers kill(0); reap it if it is one.
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        waited = 0
    return waited != pid


def wait_pid_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def stop_pid(pid: int, first_signal: signal.Signals, timeout: float = STOP_TIMEOUT) -> str:
    """Signal a process, wait for it to exit, escalate to SIGKILL; say how it ended."""
    if pid <= 0:  # never signal a process group by accident
        return f"not stopped: bad pid {pid}"
    try:
        os.kill(pid, first_signal)
    except ProcessLookupError:
        return "already gone"
    if wait_pid_gone(pid, timeout):
        return f"stopped with {first_signal.name}"
    log(f"pid {pid} ignored {first_signal.name} for {timeout:.0f}s; sending SIGKILL")
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return "gone"
    if wait_pid_gone(pid, timeout):
        return "killed"
    return "STILL RUNNING"


def tail(path: str, lines: int = 30) -> str:
    try:
        with open(path, errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])
    except OSError:
        return ""


class Service:
    """One server process owned by a run."""

    name = "service"

    def __init__(self, workdir: str) -> None:
        self.workdir = workdir
        self.pid: int | None = None
        self.port: int | None = None

    def check(self) -> None:
        """Raise MissingBinary if the service cannot be run on this machine."""

    def start(self) -> None:
        raise NotImplementedError

    def alive(self) -> bool:
        return self.pid is not None and pid_alive(self.pid)

    def env(self) -> dict[str, str]:
        return {}

    def stop(self) -> str:
        if self.pid is None:
            return "not running"
        return stop_pid(self.pid, signal.SIGTERM)


class PostgresService(Service):
    """A cluster with one database and superuser ``postgres``.

    Throwaway by default (fsync off, a fresh initdb in ``workdir``). With ``durable`` the
    cluster in ``workdir/data`` is created once and kept, with PostgreSQL's normal
    durability, and stopped with a fast (clean) shutdown. The server binary is started
    directly (not through pg_ctl), so its PID is known from the start. Run as root,
    everything runs as the ``postgres`` system user, which owns ``workdir``.
    """

    name = "postgresql"

    def __init__(self, workdir: str, *, durable: bool = False, port: int | None = None) -> None:
        super().__init__(workdir)
        self.durable = durable
        self.port = port
        self.bindir = ""
        self.datadir = os.path.join(workdir, "data" if durable else "postgres")
        self.logfile = os.path.join(workdir, "postgres.log")
        self.proc: subprocess.Popen | None = None
        self.run_as: dict = {}

    def check(self) -> None:
        self.bindir = find_pg_bindir()
        os.makedirs(self.workdir, mode=0o700, exist_ok=True)
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise MissingBinary(
                    "running as root, but there is no `postgres` system user to run "
                    "PostgreSQL as: install the Debian package `postgresql` "
                    "(apt-get install -y postgresql)"
                ) from None
            self.run_as = {
                "user": account.pw_uid,
                "group": account.pw_gid,
                "extra_groups": [],
            }
            make_traversable(os.path.dirname(os.path.abspath(self.workdir)))
            # The work folder (mode 0700) becomes postgres's; root still manages it.
            os.chown(self.workdir, account.pw_uid, account.pw_gid)

    def _bin(self, program: str) -> str:
        return os.path.join(self.bindir, program)

    def _run(self, argv: list[str], stdin_text: str | None = None) -> tuple[int, str]:
        return run_setup_step(argv, stdin_text, cwd=self.workdir, **self.run_as)

    def initialized(self) -> bool:
        return os.path.exists(os.path.join(self.datadir, "PG_VERSION"))

    def start(self) -> None:
        if not (self.durable and self.initialized()):
            self._create_cluster()
        self._stop_leftover()
        fast = [] if self.durable else ["-c", "fsync=off", "-c", "synchronous_commit=off",
                                        "-c", "full_page_writes=off"]  # fmt: skip
        for attempt in range(3):
            if self.port is None or attempt:
                self.port = free_port()
            with open(self.logfile, "ab") as logfile:
                self.proc = subprocess.Popen(
                    [
                        self._bin("postgres"),
                        "-D",
                        self.datadir,
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.port),
                        "-k",
                        self.workdir,
                        *fast,
                        "-c",
                        "max_connections=200",
                    ],
                    cwd=self.workdir,
                    env=server_env(),
                    stdin=subprocess.DEVNULL,
                    stdout=logfile,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    **self.run_as,
                )
            self.pid = self.proc.pid
            if self._wait_ready(self.proc):
                return
            self.proc.wait()
            self.pid = None
            if "could not bind" not in tail(self.logfile) or attempt == 2:
                break
            log(f"port {self.port} was taken meanwhile; retrying")
        raise StartupError(f"PostgreSQL did not start; its log:\n{tail(self.logfile)}")

    def _create_cluster(self) -> None:
        if os.path.exists(self.datadir):
            shutil.rmtree(self.datadir)
        returncode, output = self._run(
            [
                self._bin("initdb"),
                "--pgdata",
                self.datadir,
                "--username",
                DB_USER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--no-locale",
                *([] if self.durable else ["--no-sync"]),
            ]
        )
        if returncode != 0:
            raise StartupError(f"initdb failed:\n{output}")
        # Single-user mode creates the database before the server listens, so no client
        # binaries (createdb, psql) are needed.
        returncode, output = self._run(
            [self._bin("postgres"), "--single", "-D", self.datadir, "postgres"],
            stdin_text=f"CREATE DATABASE {DB_NAME};\n",
        )
        if returncode != 0 or "ERROR" in output:
            raise StartupError(f"creating database {DB_NAME} failed:\n{output}")

    def _stop_leftover(self) -> None:
        """A server of an earlier run that was not stopped still holds the data folder."""
        pid = self._pid_from_file()
        if pid is not None and pid > 0 and pid_alive(pid):
            log(f"a PostgreSQL of an earlier run (pid {pid}) still holds {self.datadir}; "
                "stopping it")  # fmt: skip
            stop_pid(pid, signal.SIGINT)

    def _wait_ready(self, proc: subprocess.Popen) -> bool:
        """Wait until postmaster.pid says "ready" (PostgreSQL 10+) for our PID."""
        pidfile = os.path.join(self.datadir, "postmaster.pid")
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            try:
                with open(pidfile) as handle:
                    lines = handle.read().splitlines()
            except OSError:
                lines = []
            if len(lines) >= 8 and lines[0].strip() == str(self.pid):
                if lines[7].strip() == "ready":
                    return True
            time.sleep(0.05)
        return False

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": f"postgres://{DB_USER}@127.0.0.1:{self.port}/{DB_NAME}"}

    def stop(self) -> str:
        pid = self.pid or (self.proc.pid if self.proc else None) or self._pid_from_file()
        if pid is None:
            return "not running"
        self.pid = pid
        # SIGINT is a fast, clean shutdown (the kept cluster needs no recovery); SIGQUIT
        # an immediate one, right for a cluster about to be deleted. The postmaster waits
        # for its backends before it exits.
        outcome = stop_pid(pid, signal.SIGINT if self.durable else signal.SIGQUIT)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        return outcome

    def _pid_from_file(self) -> int | None:
        # A standalone backend (initdb, single-user mode) records its PID negated.
        try:
            with open(os.path.join(self.datadir, "postmaster.pid")) as handle:
                return abs(int(handle.readline().strip())) or None
        except (OSError, ValueError):
            return None


class RedisService(Service):
    """redis-server, daemonized, PID from its pidfile.

    Throwaway by default (no persistence). With ``durable`` it keeps an append-only file
    in ``workdir``, so queued tasks survive a restart.
    """

    name = "redis"

    def __init__(self, workdir: str, *, durable: bool = False, port: int | None = None) -> None:
        super().__init__(workdir)
        self.durable = durable
        self.port = port
        self.binary = ""
        self.folder = workdir if durable else os.path.join(workdir, "redis")
        self.pidfile = os.path.join(self.folder, "redis.pid")
        self.logfile = os.path.join(self.folder, "redis.log")

    def check(self) -> None:
        self.binary = find_redis_server()

    def start(self) -> None:
        os.makedirs(self.folder, exist_ok=True)
        leftover = self._pid_from_file()
        if leftover is not None and pid_alive(leftover):
            log(f"a Redis of an earlier run (pid {leftover}) is still running; stopping it")
            stop_pid(leftover, signal.SIGTERM)
        persistence = (["--appendonly", "yes", "--appendfsync", "everysec"] if self.durable
                       else ["--save", "", "--appendonly", "no"])  # fmt: skip
        for attempt in range(3):
            if self.port is None or attempt:
                self.port = free_port()
            self.pid = None
            returncode, output = run_setup_step(
                [
                    self.binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    *persistence,
                    "--daemonize",
                    "yes",
                    "--pidfile",
                    self.pidfile,
                    "--logfile",
                    self.logfile,
                    "--dir",
                    self.folder,
                ],
                cwd=self.folder,
            )
            if returncode != 0:
                raise StartupError(f"redis-server failed:\n{output}{tail(self.logfile)}")
            if self._wait_ready():
                return
            if self.pid is not None:
                stop_pid(self.pid, signal.SIGTERM)
                self.pid = None
            if "Address already in use" not in tail(self.logfile) or attempt == 2:
                break
            log(f"port {self.port} was taken meanwhile; retrying")
        raise StartupError(f"Redis did not start; its log:\n{tail(self.logfile)}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.pid is None:
                self.pid = self._pid_from_file()
            elif not pid_alive(self.pid):
                return False
            if self.pid is not None and self._ping():
                return True
            time.sleep(0.05)
        return False

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def _pid_from_file(self) -> int | None:
        try:
            with open(self.pidfile) as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None

    def env(self) -> dict[str, str]:
        # Broker and cache share the server; Celery's keys and the cache's never clash.
        url = f"redis://127.0.0.1:{self.port}/0"
        return {"REDIS_URL": url, "CELERY_BROKER_URL": url}

    def stop(self) -> str:
        pid = self.pid or self._pid_from_file()
        if pid is None and os.path.isdir(self.folder):
            # Interrupted while daemonizing: the daemon may be about to write its pidfile.
            deadline = time.monotonic() + 2
            while pid is None and time.monotonic() < deadline:
                time.sleep(0.05)
                pid = self._pid_from_file()
        if pid is None:
            return "not running"
        self.pid = pid
        return stop_pid(pid, signal.SIGTERM)


def run_setup_step(argv: list[str], stdin_text: str | None = None, **kwargs) -> tuple[int, str]:
    """Run a short setup program in its own process group; return (status, output).

    If anything interrupts the wait, the whole group is killed, so helpers it spawned
    (initdb's bootstrap backends, say) do not outlive it.
    """
    proc = subprocess.Popen(
        argv,
        env=server_env(),
        stdin=subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        **kwargs,
    )
    try:
        output, _ = proc.communicate(stdin_text)
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
        raise
    return proc.returncode, output


def server_env() -> dict[str, str]:
    """A small, predictable environment for the servers (no PG*/locale surprises)."""
    keep = {"PATH", "TZ"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.setdefault("PATH", os.defpath)
    env["LC_ALL"] = "C"
    return env


def _version_key(path: str) -> tuple:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def find_pg_bindir() -> str:
    """The folder with initdb and postgres: TESTENV_PG_BINDIR, then PATH, then Debian's."""
    wanted = ("initdb", "postgres")
    hint = (
        "PostgreSQL server binaries (initdb, postgres) not found: install the Debian "
        "package `postgresql` (apt-get install -y postgresql)"
    )
    override = os.environ.get("TESTENV_PG_BINDIR")
    if override:
        if all(os.access(os.path.join(override, p), os.X_OK) for p in wanted):
            return override
        raise MissingBinary(f"{hint}; TESTENV_PG_BINDIR={override} does not hold them")
    candidates = []
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(os.path.dirname(os.path.realpath(initdb)))
        candidates.append(os.path.dirname(initdb))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for folder in candidates:
        if all(os.access(os.path.join(folder, p), os.X_OK) for p in wanted):
            return folder
    raise MissingBinary(hint)


def find_redis_server() -> str:
    hint = (
        "Redis server binary (redis-server) not found: install the Debian package "
        "`redis-server` (apt-get install -y redis-server)"
    )
    override = os.environ.get("TESTENV_REDIS_SERVER")
    if override:
        if os.access(override, os.X_OK):
            return override
        raise MissingBinary(f"{hint}; TESTENV_REDIS_SERVER={override} is not executable")
    found = shutil.which("redis-server")
    if found:
        return found
    for path in ("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"):
        if os.access(path, os.X_OK):
            return path
    raise MissingBinary(hint)


def traversable_by_others(path: str) -> bool:
    path = os.path.realpath(path)
    while True:
        try:
            mode = os.stat(path).st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
        parent = os.path.dirname(path)
        if parent == path:
            return True
        path = parent


def make_traversable(path: str) -> None:
    """As root, let the postgres user reach a project-local folder (search bit only).

    A clone under /root, say, is closed to other users; PostgreSQL refuses to run as root,
    so the folders above its data folder get o+x (not o+r: nothing can be listed).
    """
    path = os.path.realpath(path)
    if traversable_by_others(path):
        return
    current = path
    while True:
        mode = os.stat(current).st_mode
        if not mode & stat.S_IXOTH:
            log(f"letting the postgres user pass through {current} (chmod o+x)")
            os.chmod(current, stat.S_IMODE(mode) | stat.S_IXOTH)
        parent = os.path.dirname(current)
        if parent == current:
            return
        current = parent
