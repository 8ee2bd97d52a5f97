"""The five plans the platform starts with.

The figures are illustrative defaults, not a pricing decision: staff edit every one of them in
the admin (Membership › Plans). Free appraisals are per calendar month; review priority is
higher-is-sooner; a null SLA means the service tier's own turnaround.

- Free: one free appraisal a month, standard everything.
- Pass (monthly €19, annual €190): unlimited basic appraisals and priority in the expert queue;
  the annual pass adds the exclusive report template (the research's "annual pass").
- Black card: earned by €1,000 spent in 12 months; 24 h expert response, double Free's free
  appraisals, no dispute fee, guarantee cap ×2.
- Diamond: earned by €5,000 in 12 months; 6 h expert response, reviewed before Black, four
  free appraisals a month, no dispute fee, guarantee cap ×3, exclusive report template.

Reversing removes them only while no membership holds them (the foreign key protects them).
"""

from decimal import Decimal
from typing import Any

from django.db import migrations

PLANS: list[dict[str, Any]] = [
    {
        "code": "free",
        "name": "Free",
        "kind": "free",
        "position": 0,
        "free_appraisals": 1,
    },
    {
        "code": "pass-monthly",
        "name": "Pass (monthly)",
        "kind": "pass",
        "position": 10,
        "unlimited_basic_appraisals": True,
        "review_priority": 10,
        "price_cents": 1900,
        "billing_interval": "month",
    },
    {
        "code": "pass-annual",
        "name": "Pass (annual)",
        "kind": "pass",
        "position": 20,
        "unlimited_basic_appraisals": True,
        "review_priority": 10,
        "report_template": "exclusive",
        "price_cents": 19000,
        "billing_interval": "year",
    },
    {
        "code": "black",
        "name": "Black card",
        "kind": "tier",
        "position": 30,
        "free_appraisals": 2,
        "review_priority": 20,
        "sla_hours": 24,
        "dispute_fee_waived": True,
        "guarantee_multiplier": Decimal("2.00"),
        "spend_threshold_cents": 100_000,
    },
    {
        "code": "diamond",
        "name": "Diamond",
        "kind": "tier",
        "position": 40,
        "free_appraisals": 4,
        "review_priority": 30,
        "sla_hours": 6,
        "dispute_fee_waived": True,
        "guarantee_multiplier": Decimal("3.00"),
        "report_template": "exclusive",
        "spend_threshold_cents": 500_000,
    },
]


def plans_seed(apps: Any, schema_editor: Any) -> None:
    Plan = apps.get_model("membership", "Plan")
    for plan in PLANS:
        # A plan of that code already there (a database restored from before) is staff's: kept.
        Plan.objects.get_or_create(code=plan["code"], defaults=plan)


def plans_unseed(apps: Any, schema_editor: Any) -> None:
    Plan = apps.get_model("membership", "Plan")
    Plan.objects.filter(code__in=[p["code"] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("membership", "0002_plans")]

    operations = [migrations.RunPython(plans_seed, plans_unseed)]
