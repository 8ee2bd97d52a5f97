"""Celery tasks of provenance. They run on the "anchoring" queue, served by one worker with
concurrency 1 (the Procfile's anchorer); the advisory lock inside `anchor_tick` backs it up."""

from __future__ import annotations

import logging

from celery import shared_task

from provenance.anchoring import anchor_tick as tick

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def anchor_tick() -> dict[str, object]:
    report = tick()
    if report.sealed or report.moved:
        logger.info("anchoring: sealed %s, moved %s", report.sealed, report.moved)
    return {"sealed": report.sealed, "moved": report.moved, "error": report.error}
