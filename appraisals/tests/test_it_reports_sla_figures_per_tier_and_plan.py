"""The SLA figures (on-time rate, mean appraisal time) per service tier and per member plan,
each case measured against its own promise, and the staff page that shows them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Submission
from appraisals.services.sla import sla_figures, sla_figures_by, submissions_sla_breaches_record
from appraisals.tests.prioritising import member_with, submitted_paid
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


def _taking(owner: User, category: Any, tier: str, hours: int) -> Submission:
    """A case submitted ``hours`` ago (its due time moved back with it)."""
    draft = submitted_paid(owner, category, tier=tier)
    Submission.objects.filter(pk=draft.pk).update(
        submitted_at=F("submitted_at") - hours * HOUR, due_at=F("due_at") - hours * HOUR
    )
    return draft


@pytest.fixture
def completed(buyer: User, catalog: dict[str, Any]) -> None:
    diamond = member_with("diamond", "diamond@example.com")
    bag = catalog["handbag"]
    cases = [
        _taking(buyer, bag, "standard", 10),  # due in 24 h: on time
        _taking(diamond, bag, "standard", 8),  # due in Diamond's 6 h: late
        _taking(buyer, bag, "priority", 4),  # due in 12 h: on time
        _taking(diamond, bag, "express", 1),  # due in 2 h: on time
    ]
    # The beat task marks what ran past its due time, as it would have while the cases waited.
    assert submissions_sla_breaches_record() == 1
    Submission.objects.filter(pk__in=[c.pk for c in cases]).update(completed_at=timezone.now())


@pytest.mark.usefixtures("completed")
def test_it_gives_the_figures_per_service_tier_and_per_member_plan() -> None:
    overall = sla_figures()
    assert (overall.completed, overall.on_time) == (4, 3)

    by_tier = sla_figures_by(group="tier")
    assert set(by_tier) == {"standard", "priority", "express"}
    assert (by_tier["standard"].completed, by_tier["standard"].on_time) == (2, 1)
    assert (by_tier["priority"].completed, by_tier["priority"].on_time) == (1, 1)
    assert (by_tier["express"].completed, by_tier["express"].on_time) == (1, 1)
    assert by_tier["standard"].mean_hours == pytest.approx(9, abs=0.01)
    assert by_tier["priority"].mean_hours == pytest.approx(4, abs=0.01)

    by_plan = sla_figures_by(group="member_plan")
    assert set(by_plan) == {"free", "diamond"}
    assert (by_plan["diamond"].completed, by_plan["diamond"].on_time) == (2, 1)
    assert by_plan["diamond"].on_time_percent == pytest.approx(50)
    assert by_plan["diamond"].mean_hours == pytest.approx(4.5, abs=0.01)
    assert (by_plan["free"].completed, by_plan["free"].on_time) == (2, 2)
    assert by_plan["free"].mean_hours == pytest.approx(7, abs=0.01)


def test_it_refuses_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="owner"):
        sla_figures_by(group="owner")  # type: ignore[arg-type]


@pytest.mark.usefixtures("completed")
def test_staff_read_the_figures_on_their_page_and_buyers_may_not(buyer: User) -> None:
    client = Client()
    client.force_login(UserFactory(email="staff@example.com", roles=[Role.STAFF]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("staff:sla")).content.decode()

    tiers = page[page.index('id="sla-per-tier"') :].split("</table>")[0]
    assert "<td>Standard (24 h)</td><td>2</td><td>1</td><td>50.0%</td><td>9.0 h</td>" in tiers
    assert tiers.index("Standard (24 h)") < tiers.index("Priority (12 h)")
    plans = page[page.index('id="sla-per-plan"') :].split("</table>")[0]
    assert "<td>Diamond</td><td>2</td><td>1</td><td>50.0%</td><td>4.5 h</td>" in plans

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(reverse("staff:sla")).content.decode()
    assert "<td>钻石</td>" in chinese

    client.force_login(buyer)
    assert client.get(reverse("staff:sla")).status_code == 403
