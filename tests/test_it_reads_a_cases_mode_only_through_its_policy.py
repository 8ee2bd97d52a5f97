"""The domain and engine apps never branch on a case's mode: they ask its policy.

Only ``appraisals/policies.py`` reads or writes ``Submission.sandbox``, as an attribute or as a
query lookup (``sandbox=``, ``submission__sandbox=``). The interfaces (``api/``, ``webhooks/``)
may: they choose the mode from the partner's key and keep each key's data to its own mode.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.tools import source_trees

CORE_APPS = ["appraisals", "billing", "community", "disputes", "events", "members", "membership",
             "ml", "passports", "provenance"]  # fmt: skip
POLICY_MODULE = "appraisals/policies.py"


def _mode_reads(tree: ast.Module) -> Iterator[int]:
    """Lines that touch the stored mode: ``x.sandbox``, or a lookup on it in a call."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "sandbox":
            yield node.lineno
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                parts = (keyword.arg or "").split("__")
                if "sandbox" in parts:
                    yield node.lineno


def test_no_core_module_reads_the_mode_but_the_policy() -> None:
    found = [
        f"{path}:{line}"
        for path, tree in source_trees(CORE_APPS, skip=(POLICY_MODULE,))
        for line in _mode_reads(tree)
    ]
    assert not found, "ask policy_for(submission) instead of the mode: " + ", ".join(found)


def test_the_scan_covers_the_modules_that_used_to_branch() -> None:
    scanned = {path for path, _ in source_trees(CORE_APPS, skip=(POLICY_MODULE,))}
    assert {
        "appraisals/services/prescreen.py",
        "appraisals/services/reports.py",
        "appraisals/services/sla.py",
        "appraisals/selectors/reviews.py",
        "appraisals/tasks.py",
        "passports/services.py",
    } <= scanned
    assert POLICY_MODULE not in scanned


def test_the_scan_sees_what_it_looks_for() -> None:
    tree = ast.parse(
        "if case.sandbox: pass\n"
        "Submission.objects.filter(sandbox=False)\n"
        "Review.objects.filter(submission__sandbox__in=[True])\n"
        "case.sandbox_outcome\n"
        "f(sandbox_outcome='x')\n"
    )
    assert list(_mode_reads(tree)) == [1, 2, 3]
