"""The web and worker processes run with Python's own recursion limit, although py_ecc (loaded
through the Ethereum libraries) raises it to 100000 when imported: at that height a deeply
nested structure overflows the C stack and kills the process instead of raising."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.servers import ROOT

# CPython's default recursion limit.
PYTHON_DEFAULT = 1000

# What gunicorn does (authplatform.wsgi sets Django up), then everything that pulls in the
# chain libraries, then the deep structure the outside test sent.
PROBE = """
import json, sys
from authplatform.wsgi import application
import eth_account, eth_keys, py_ecc, web3
import provenance.anchoring, provenance.bundles, provenance.chain, provenance.signing
import provenance.verify, api.verification, authplatform.health
print(sys.getrecursionlimit())
try:
    json.loads("[" * 100_000)
except RecursionError:
    print("RecursionError")
"""


def test_it_restores_the_recursion_limit_after_the_chain_libraries() -> None:
    # A fresh interpreter: this test process may have loaded py-evm (eth-tester), which raises
    # the limit for its own unit tests.
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="authplatform.settings.test")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert probe.returncode == 0, f"exit {probe.returncode}\n{probe.stderr[-3000:]}"
    assert probe.stdout.split() == [str(PYTHON_DEFAULT), "RecursionError"]
