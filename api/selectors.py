"""Whose data a request may see: a partner key sees its organisation's submissions of its own
mode (sandbox or live); a signed-in website user sees their own. Disputes follow the report's
holder instead (disputes/selectors.py). Anything else is a 404, so existence never
leaks."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.request import Request

from api.models import ApiKey, Partner
from appraisals.models import Report, Submission
from disputes.models import Dispute
from disputes.selectors import disputes_followed_by
from members.models import User


def request_partner(request: Request) -> Partner | None:
    return request.auth.partner if isinstance(request.auth, ApiKey) else None


def request_sandbox(request: Request) -> bool:
    return isinstance(request.auth, ApiKey) and request.auth.sandbox


def request_user(request: Request) -> User:
    """The member the request acts as: the key's partner account, or the signed-in user.

    HasScope, every view's permission, lets no anonymous request through.
    """
    return cast(User, request.user)


def request_owner(request: Request) -> User:
    """Whose submissions the request acts on: the key's partner account, or the user."""
    partner = request_partner(request)
    return partner.account if partner is not None else request_user(request)


def submissions_visible(*, request: Request) -> QuerySet[Submission]:
    return Submission.objects.filter(
        owner=request_owner(request), sandbox=request_sandbox(request)
    ).select_related("category", "brand", "product_model")


def submission_visible_get(*, request: Request, uid: Any) -> Submission:
    try:
        return submissions_visible(request=request).get(uid=uid)
    except (Submission.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such submission.") from error


def reports_visible(*, request: Request) -> QuerySet[Report]:
    return Report.objects.filter(
        submission__owner=request_owner(request), submission__sandbox=request_sandbox(request)
    ).select_related("submission", "supersedes", "superseded_by")


def report_visible_get(*, request: Request, uid: Any) -> Report:
    try:
        return reports_visible(request=request).get(uid=uid)
    except (Report.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such report.") from error


def report_visible_check(*, request: Request, owner_id: int, sandbox: bool) -> None:
    """The rule of ``reports_visible`` for a report whose owner and mode are already known (a
    cached body): anyone else gets the same 404. A submission's owner and mode never change."""
    if owner_id != request_owner(request).pk or sandbox != request_sandbox(request):
        raise Http404("No such report.")


def disputes_visible(*, request: Request) -> QuerySet[Dispute]:
    """Disputes by the chain of custody, not by who submitted the case: those of the reports
    the request's account holds now and those it opened (``disputes_followed_by``)."""
    return (
        disputes_followed_by(user=request_owner(request))
        .filter(report__submission__sandbox=request_sandbox(request))
        .select_related("report")
    )


def dispute_visible_get(*, request: Request, uid: Any) -> Dispute:
    try:
        return disputes_visible(request=request).get(uid=uid)
    except (Dispute.DoesNotExist, ValueError, TypeError) as error:
        raise Http404("No such dispute.") from error
