"""The member's own membership pages. Each reads its data from ``membership.selectors.pages``
for the signed-in member only; buying or cancelling a pass and the invoices are billing's
pages, linked by URL name."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from members.http import AuthenticatedHttpRequest
from membership.selectors.pages import membership_overview, plans_on_offer, points_page
from membership.selectors.points import POINTS_EXPIRING_WITHIN
from membership.services.points import POINTS_LIFETIME_MONTHS

POINTS_PER_PAGE = 25

# The benefits both pages show, in order (membership/partials/benefit.html words each).
BENEFIT_ROWS = [
    ("appraisals", gettext_lazy("Free appraisals")),
    ("priority", gettext_lazy("Review priority")),
    ("sla", gettext_lazy("Expert response")),
    ("dispute", gettext_lazy("Dispute fee")),
    ("guarantee", gettext_lazy("Guarantee")),
    ("template", gettext_lazy("Report")),
]


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "membership/overview.html",
        {"overview": membership_overview(request.user), "benefit_rows": BENEFIT_ROWS},
    )


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    """Readable by anyone; a signed-in member sees which plans they hold."""
    member = request.user if request.user.is_authenticated else None
    return render(
        request,
        "membership/plan_list.html",
        {"offers": plans_on_offer(member), "benefit_rows": BENEFIT_ROWS},
    )


@login_required
@require_GET
def points(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = points_page(request.user)
    # get_page, not page: a missing, non-numeric or too large ?page= shows a real page, no 404.
    entries = Paginator(data.history, POINTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "points": data,
        "entries": entries,
        "expiring_days": POINTS_EXPIRING_WITHIN.days,
        "lifetime_months": POINTS_LIFETIME_MONTHS,
    }
    return render(request, "membership/points.html", context)
