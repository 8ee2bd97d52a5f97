"""Enqueueing appraisals' background work from its services, by task name.

``appraisals/tasks.py`` imports the services it runs; if the services imported the tasks to
enqueue them, the two would form one import cycle. So a service names the task instead, and
this looks it up in the Celery app's registry (which imports every app's ``tasks.py``), once
the service's transaction commits: a rolled-back change enqueues nothing.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from celery import current_app
from django.db import transaction

TaskName = Literal[
    "appraisals.tasks.submission_check_photos",
    "appraisals.tasks.submission_prescreen",
    "appraisals.tasks.sandbox_review",
]


def task_enqueue_on_commit(name: TaskName, *args: int) -> None:
    """Enqueue the task ``name`` with ``args`` (ids, a round) after the commit."""
    transaction.on_commit(lambda: _registry()[name].delay(*args))


@functools.cache
def _registry() -> Any:
    """The Celery app's tasks, every app's ``tasks.py`` imported. A worker imports them at
    start; a web process has not, so this asks the loader to, once."""
    current_app.loader.import_default_modules()
    return current_app.tasks
