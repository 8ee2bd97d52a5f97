"""Enqueueing appraisals' background work from its services, by task name.

``appraisals/tasks.py`` imports the services it runs; if the services imported the tasks to
enqueue them, the two would form one import cycle. So a service names the task instead, and
this imports it by that name once the service's transaction commits: a rolled-back change
enqueues nothing.
"""

from __future__ import annotations

import importlib
from typing import Literal

from django.db import transaction

TaskName = Literal[
    "appraisals.tasks.submission_check_photos",
    "appraisals.tasks.submission_prescreen",
    "appraisals.tasks.sandbox_review",
]


def task_enqueue_on_commit(name: TaskName, *args: int) -> None:
    """Enqueue the task ``name`` with ``args`` (ids, a round) after the commit."""
    module, function = name.rsplit(".", 1)

    def enqueue() -> None:
        # Imported when first needed, as the services' lazy imports did before: by name, so
        # the modules' import graph has no edge back from the services to the tasks.
        getattr(importlib.import_module(module), function).delay(*args)

    transaction.on_commit(enqueue)
