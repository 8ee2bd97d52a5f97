"""docs/api.md's quickstarts, run as a partner runs them, so the manual cannot drift from the
API: the curl quickstart in bash, and the generated-client quickstart (the client generated
from the live schema by the doc's own commands, then the doc's Python against it), each against
a real gunicorn with a sandbox key and a photo per slot in the working folder. The TypeScript
example is type-checked against types generated from the same schema.

A block runs when the line before its fence is ``<!-- quickstart: NAME -->``; the blocks of one
name run as one script, in order. What a quickstart prints must contain the lines of its
``<!-- quickstart: NAME output -->`` block in that order (other lines may come between them);
an expected line ending in ``…`` matches any line that starts with the text before it.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from api.models import ApiKey
from api.tests.conftest import ALL_SCOPES, partner_make
from api.tests.generated import NODE_BIN, typescript_check, typescript_generate
from appraisals.models import Category
from tests.browser import chain, server  # noqa: F401 (fixtures: ganache, gunicorn)
from tests.photos import good_jpeg
from tests.servers import BIN, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = ROOT / "docs" / "api.md"
_MARKED_BLOCK = re.compile(
    r"^<!-- quickstart: (?P<name>[a-z ]+) -->\n```[a-z]*\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
# A sandbox case runs the photo check, the AI and the bot in the server: seconds, but a busy
# machine may be slow, and the quickstarts poll for up to three minutes.
QUICKSTART_TIMEOUT = 300


def quickstart(name: str) -> str:
    """The blocks marked ``name`` in docs/api.md, in order, as one script."""
    blocks = [m["body"] for m in _MARKED_BLOCK.finditer(DOCS.read_text()) if m["name"] == name]
    assert blocks, f"docs/api.md has no block marked <!-- quickstart: {name} -->"
    return "\n".join(blocks)


def expected_output(name: str) -> list[str]:
    return quickstart(f"{name} output").splitlines()


def output_check(output: str, expected: list[str]) -> None:
    """``expected``, in order, among the lines of ``output``: the docs' promise."""
    lines = iter(output.splitlines())
    for want in expected:
        if want.endswith("…"):
            found = any(line.startswith(want[:-1]) for line in lines)
        else:
            found = any(line == want for line in lines)
        assert found, f"the docs say it prints {want!r} (after the lines before it):\n{output}"


def partner_folder(tmp_path: Path) -> Path:
    """A partner's working folder: a good photo per handbag slot, named after its code."""
    folder = tmp_path / "partner"
    folder.mkdir()
    slots = Category.objects.get(slug="handbag").slots.order_by("position", "id")
    for index, slot in enumerate(slots):
        (folder / f"{slot.code}.jpg").write_bytes(good_jpeg(index))
    return folder


def sandbox_key() -> str:
    partner = partner_make("Docs Market")
    return ApiKey.issue(partner=partner, label="docs", scopes=ALL_SCOPES, sandbox=True)[1]


def run(command: list[str], *, cwd: Path, base: str, key: str) -> str:
    """``command`` as the partner runs it: BASE and KEY set, the venv's and node's tools first
    on PATH. Its output, stdout then stderr; it must exit 0."""
    env = {
        **os.environ,
        "BASE": base,
        "KEY": key,
        "PATH": f"{BIN}:{NODE_BIN}:{os.environ.get('PATH', '')}",
    }
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True,
        timeout=QUICKSTART_TIMEOUT, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command[0]} exited {done.returncode}:\n{output}"
    return done.stdout


def run_bash(script: str, *, cwd: Path, base: str, key: str) -> str:
    path = cwd / "quickstart.sh"
    path.write_text(script)
    return run(["bash", "-euo", "pipefail", str(path)], cwd=cwd, base=base, key=key)


def test_the_curl_quickstart_goes_from_catalog_to_a_verified_report(
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = partner_folder(tmp_path)
    output = run_bash(quickstart("shell"), cwd=folder, base=server, key=sandbox_key())
    output_check(output, expected_output("shell"))


def test_the_generated_clients_quickstart_goes_from_catalog_to_a_verified_report(
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = partner_folder(tmp_path)
    key = sandbox_key()
    run_bash(quickstart("generate"), cwd=folder, base=server, key=key)
    assert (folder / "partner_client" / "api" / "submissions" / "submission_create.py").exists()
    script = folder / "quickstart.py"
    script.write_text(quickstart("python"))
    output = run([str(BIN / "python"), str(script)], cwd=folder, base=server, key=key)
    output_check(output, expected_output("python"))

    # The TypeScript example, against types generated from the schema the doc's curl fetched.
    typescript_generate(folder / "api.json", folder / "api.d.ts")
    example = folder / "example.ts"
    example.write_text(quickstart("typescript"))
    typescript_check(example)


def test_an_expected_line_must_appear_in_order() -> None:
    output_check("a\nb: 1\nc\n", ["a", "b: …", "c"])
    with pytest.raises(AssertionError):
        output_check("a\nb: 1\nc\n", ["c", "a"])
    with pytest.raises(AssertionError):
        output_check("a\nb: 1\n", ["b: 2"])
