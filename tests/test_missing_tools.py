"""A test that needs a missing tool fails in CI and names it; elsewhere it skips."""

from __future__ import annotations

import pytest

from tests.tools import require_tool

ABSENT = "authplatform-no-such-tool"


def test_it_fails_with_the_tools_name_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match=ABSENT):
        require_tool(ABSENT, package="nothing")


def test_it_skips_on_a_developers_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)

    with pytest.raises(pytest.skip.Exception, match=ABSENT):
        require_tool(ABSENT, package="nothing")


def test_a_present_tool_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")

    assert require_tool("sh", package="dash").endswith("/sh")
