"""scripts/system-packages.sh, the one list of Debian packages that make run, make test,
.ci/run and the Dockerfile install from, run as a user who may not install."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import ROOT

SCRIPT = ROOT / "scripts" / "system-packages.sh"


def run_as_nobody(*roles: str, package_list: Path | None = None) -> subprocess.CompletedProcess:
    """The script as a user who may not install: ``nobody`` when we are root; otherwise this
    user, with a ``sudo`` first on PATH that refuses, as one that asks for a password does."""
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    if package_list is not None:
        env["AUTHPLATFORM_SYSTEM_PACKAGES_LIST"] = str(package_list)
    if os.geteuid() == 0:
        # A copy in a folder anyone may enter: the clone itself may sit under a 0700 folder
        # (mktemp -d makes one) that nobody cannot open.
        readable = Path(tempfile.mkdtemp(prefix="authplatform-packages-", dir="/tmp"))
        readable.chmod(0o755)
        for name in ("system-packages.sh", "system-packages.txt"):
            shutil.copy(SCRIPT.parent / name, readable / name)
            (readable / name).chmod(0o644)
        command = ["runuser", "-u", "nobody", "--", "sh", str(readable / SCRIPT.name), *roles]
    else:
        refusing = Path(tempfile.mkdtemp(prefix="authplatform-nosudo-"))
        (refusing / "sudo").write_text("#!/bin/sh\nexit 1\n")
        (refusing / "sudo").chmod(0o755)
        env["PATH"] = f"{refusing}:{env['PATH']}"
        command = ["sh", str(SCRIPT), *roles]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd="/")


def test_it_prints_the_one_command_to_run_when_it_may_not_install() -> None:
    # Outside pytest's own temporary folder, which only root may enter.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", dir="/tmp") as listing:
        listing.write("# a comment\nbash app # installed everywhere\nauthplatform-absent app\n")
        listing.flush()
        os.chmod(listing.name, 0o644)
        result = run_as_nobody("app", package_list=Path(listing.name))

    assert result.returncode == 2, result.stderr
    assert "missing Debian packages: authplatform-absent" in result.stderr
    assert (
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends "
        "authplatform-absent\n" in result.stderr
    )


def test_it_does_nothing_when_every_package_is_installed() -> None:
    # make test has installed them; an unprivileged run must then pass without asking.
    result = run_as_nobody("app", "services", "test")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_an_unknown_role_is_refused() -> None:
    result = subprocess.run(["sh", str(SCRIPT), "docs"], capture_output=True, text=True)

    assert result.returncode == 2
    assert "unknown role 'docs'" in result.stderr
