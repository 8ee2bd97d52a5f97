"""A test that needs a missing tool fails and names it; it never skips."""

from __future__ import annotations

import pytest

from tests.tools import require_tool

ABSENT = "authplatform-no-such-tool"


@pytest.mark.parametrize("ci", ["true", ""])
def test_it_fails_with_the_tools_name_in_ci_and_out(
    ci: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", ci)

    with pytest.raises(pytest.fail.Exception, match=f"{ABSENT} is missing: .*package nothing"):
        require_tool(ABSENT, package="nothing")


def test_a_present_tool_is_found() -> None:
    assert require_tool("sh", package="dash").endswith("/sh")
