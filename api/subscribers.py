"""What the partner API does when other apps report a change (events/, docs/events.md): the
cached answers about reports (api/report_cache.py) are retired when a report is issued, a batch
moves or a deployment is retired."""

from __future__ import annotations

from api.report_cache import answers_retire
from appraisals.events import ReportIssued
from events.registry import subscriber
from provenance.events import BatchStateChanged, DeploymentRetired


@subscriber(ReportIssued, name="api.report_cache.report_issued")
def report_issued(event: ReportIssued) -> None:
    answers_retire()


@subscriber(BatchStateChanged, name="api.report_cache.batch_moved")
def batch_moved(event: BatchStateChanged) -> None:
    answers_retire()


@subscriber(DeploymentRetired, name="api.report_cache.deployment_retired")
def deployment_retired(event: DeploymentRetired) -> None:
    answers_retire()
