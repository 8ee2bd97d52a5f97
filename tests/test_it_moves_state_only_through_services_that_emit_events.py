"""The code base refuses the two back-doors that events (events/, docs/events.md) replace:

- a case's ``status`` is set only by appraisals/services/transitions.py (and the model's own
  ``mark_submitted``, which that module wraps), so no path that moves a case skips its
  ``SubmissionStatusChanged`` event, and no bulk ``update(status=…)`` goes around it;
- no app connects a receiver to another app's model signals (``post_save`` and the like):
  those miss ``QuerySet.update`` and hide the flow from the reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.tools import source_trees

APPS = ["appraisals", "api", "authplatform", "community", "events", "members", "membership",
        "billing", "ml", "passports", "provenance", "webhooks"]  # fmt: skip
# A case's status is set in transitions.py (and its model's own step); an invoice's only by its
# model's mark_* methods, which billing's services call beside the event each change emits.
STATUS_SETTERS = {"appraisals/services/transitions.py", "appraisals/models/submissions.py",
                  "billing/models/invoices.py"}  # fmt: skip
MODEL_SIGNALS = {"pre_init", "post_init", "pre_save", "post_save", "pre_delete", "post_delete",
                 "m2m_changed"}  # fmt: skip


def _status_writes(tree: ast.Module) -> Iterator[int]:
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        # ``a.status, a.paid_at = ...`` sets it too.
        targets = [
            t
            for target in targets
            for t in (target.elts if isinstance(target, ast.Tuple) else [target])
        ]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                yield node.lineno
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update" and any(k.arg == "status" for k in node.keywords):
                yield node.lineno


def test_only_the_transitions_module_sets_a_cases_status() -> None:
    found = [
        f"{path}:{line}"
        for path, tree in source_trees(APPS)
        if path not in STATUS_SETTERS
        for line in _status_writes(tree)
    ]
    assert not found, "status set outside its setters (STATUS_SETTERS): " + ", ".join(found)


def _imported_from(tree: ast.Module) -> dict[str, str]:
    """Name -> the top-level package it is imported from."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = node.module.split(".")[0]
    return names


def _senders(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, sender name) of each receiver connected to a model signal."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        signal = None
        if isinstance(func, ast.Name) and func.id == "receiver" and node.args:
            first = node.args[0]
            signal = first.id if isinstance(first, ast.Name) else None
        elif isinstance(func, ast.Attribute) and func.attr == "connect":
            value = func.value
            signal = value.id if isinstance(value, ast.Name) else None
        if signal not in MODEL_SIGNALS:
            continue
        for keyword in node.keywords:
            if keyword.arg == "sender" and isinstance(keyword.value, ast.Name):
                yield node.lineno, keyword.value.id


def test_no_app_listens_to_another_apps_model_signals() -> None:
    found = []
    for path, tree in source_trees(APPS):
        app = path.split("/")[0]
        imported = _imported_from(tree)
        for line, sender in _senders(tree):
            origin = imported.get(sender, app)
            if origin != app:
                found.append(f"{path}:{line} listens to {origin}'s {sender}")
    assert not found, "; ".join(found)


def test_the_checks_see_what_they_look_for() -> None:
    """The scanners find a status write and a foreign receiver when there is one."""
    status = ast.parse("locked.status = 'queued'\nSubmission.objects.update(status='x')\n")
    assert list(_status_writes(status)) == [1, 2]
    foreign = ast.parse(
        "from appraisals.models import Report\n"
        "@receiver(post_save, sender=Report)\ndef f(**kw): pass\n"
        "post_init.connect(f, sender=Report)\n"
    )
    assert [sender for _, sender in _senders(foreign)] == ["Report", "Report"]
    assert _imported_from(foreign)["Report"] == "appraisals"
