"""A pass invoice records the pass it buys (a late payment for an old invoice grants what was
paid for, not the subscription's pass now), and a case's refunded fee no longer holds its
reference (the case can be paid for again): one due or paid invoice per reference.

Existing pass invoices take their pass from what they granted (paid, refunded) or from their
subscription (due: choosing another pass voids the due invoice); void ones stay unknown.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE billing_invoice AS i SET plan_id = m.plan_id
  FROM membership_membership AS m
 WHERE i.purpose = 'pass' AND i.membership_id = m.id;
UPDATE billing_invoice AS i SET plan_id = s.plan_id
  FROM billing_passsubscription AS s
 WHERE i.purpose = 'pass' AND i.status = 'due' AND i.subscription_id = s.id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("membership", "0007_credit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="invoice",
            name="billing_invoice_reference_live_unique",
        ),
        migrations.AddField(
            model_name="invoice",
            name="plan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="membership.plan",
                verbose_name="pass bought",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["due", "paid"])),
                fields=("reference",),
                name="billing_invoice_reference_live_unique",
                violation_error_message="A live invoice already exists for that reference.",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("purpose", "pass"), ("plan__isnull", True), _connector="OR"),
                name="billing_invoice_plan_only_on_a_pass",
            ),
        ),
    ]
