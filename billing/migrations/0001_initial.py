import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# What Django can't express (billing/models/ledger.py and invoices.py say why each is there).
LEDGER_SQL = r"""
CREATE SEQUENCE billing_invoice_number START 1;

CREATE FUNCTION billing_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the money ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER billing_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON billing_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();

CREATE FUNCTION billing_ledger_check_refunds() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    paid bigint;
    returned bigint;
BEGIN
    IF NEW.invoice_id IS NULL THEN
        RETURN NULL;
    END IF;
    -- Lock the invoice so two refunds committing at once are checked one after the other.
    PERFORM 1 FROM billing_invoice WHERE id = NEW.invoice_id FOR UPDATE;
    SELECT COALESCE(SUM(cents) FILTER (WHERE kind = 'payment'), 0),
           COALESCE(SUM(cents) FILTER (WHERE kind IN ('refund', 'chargeback')), 0)
        INTO paid, returned
        FROM billing_ledgerentry WHERE invoice_id = NEW.invoice_id;
    IF returned > paid THEN
        RAISE EXCEPTION 'invoice %: % cents refunded of % paid', NEW.invoice_id, returned, paid
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER billing_ledgerentry_refunds_within_payments
    AFTER INSERT ON billing_ledgerentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_check_refunds();
"""

LEDGER_SQL_REVERSE = r"""
DROP TRIGGER billing_ledgerentry_refunds_within_payments ON billing_ledgerentry;
DROP FUNCTION billing_ledger_check_refunds();
DROP TRIGGER billing_ledgerentry_append_only ON billing_ledgerentry;
DROP FUNCTION billing_ledger_append_only();
DROP SEQUENCE billing_invoice_number;
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("membership", "0007_credit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PassSubscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("renews", models.BooleanField(default=True, verbose_name="renews")),
                ("ended_at", models.DateTimeField(blank=True, null=True, verbose_name="ended at")),
                (
                    "cancelled_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="cancelled at"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pass_subscriptions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="membership.membership",
                        verbose_name="current membership",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        limit_choices_to={"kind": "pass"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="pass_subscriptions",
                        to="membership.plan",
                        verbose_name="pass",
                    ),
                ),
            ],
            options={
                "verbose_name": "pass subscription",
                "verbose_name_plural": "pass subscriptions",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Invoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.CharField(
                        editable=False, max_length=20, unique=True, verbose_name="number"
                    ),
                ),
                (
                    "purpose",
                    models.CharField(
                        choices=[
                            ("appraisal", "Appraisal"),
                            ("pass", "Pass"),
                            ("dispute_fee", "Dispute fee"),
                        ],
                        max_length=12,
                        verbose_name="purpose",
                    ),
                ),
                ("reference", models.CharField(max_length=200, verbose_name="reference")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("due", "Due"),
                            ("paid", "Paid"),
                            ("void", "Void"),
                            ("refunded", "Refunded"),
                        ],
                        default="due",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "currency",
                    models.CharField(default="EUR", max_length=3, verbose_name="currency"),
                ),
                ("subtotal_cents", models.BigIntegerField(verbose_name="subtotal (cents)")),
                ("points_used", models.BigIntegerField(default=0, verbose_name="points used")),
                (
                    "discount_cents",
                    models.BigIntegerField(default=0, verbose_name="points discount (cents)"),
                ),
                ("total_cents", models.BigIntegerField(verbose_name="total (cents)")),
                (
                    "provider",
                    models.CharField(
                        choices=[("invoice", "Invoice (paid by transfer)"), ("stripe", "Stripe")],
                        default="invoice",
                        max_length=10,
                        verbose_name="payment provider",
                    ),
                ),
                (
                    "provider_session",
                    models.CharField(blank=True, max_length=255, verbose_name="checkout session"),
                ),
                (
                    "provider_payment",
                    models.CharField(blank=True, max_length=255, verbose_name="provider payment"),
                ),
                (
                    "issued_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="issued at"
                    ),
                ),
                ("due_at", models.DateTimeField(verbose_name="due at")),
                ("paid_at", models.DateTimeField(blank=True, null=True, verbose_name="paid at")),
                (
                    "voided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="voided at"),
                ),
                (
                    "refunded_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="refunded at"),
                ),
                (
                    "void_reason",
                    models.CharField(blank=True, max_length=500, verbose_name="void reason"),
                ),
                (
                    "refund_reason",
                    models.CharField(blank=True, max_length=500, verbose_name="refund reason"),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
                (
                    "membership",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="membership.membership",
                        verbose_name="membership granted",
                    ),
                ),
                (
                    "paid_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices_marked_paid",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="marked paid by",
                    ),
                ),
                (
                    "subscription",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="invoices",
                        to="billing.passsubscription",
                        verbose_name="pass subscription",
                    ),
                ),
            ],
            options={
                "verbose_name": "invoice",
                "verbose_name_plural": "invoices",
                "ordering": ["-issued_at", "-id"],
                "permissions": [("settle_invoice", "Can mark an invoice paid, void or refund it")],
            },
        ),
        migrations.CreateModel(
            name="PaymentEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "provider",
                    models.CharField(
                        choices=[("invoice", "Invoice (paid by transfer)"), ("stripe", "Stripe")],
                        max_length=10,
                        verbose_name="provider",
                    ),
                ),
                ("event_id", models.CharField(max_length=255, verbose_name="event id")),
                ("type", models.CharField(max_length=100, verbose_name="type")),
                ("created", models.DateTimeField(verbose_name="created by the provider at")),
                (
                    "received_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="received at"),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("applied", "Applied"),
                            ("ignored_replay", "Ignored (replayed)"),
                            ("ignored_stale", "Ignored (stale)"),
                            ("rejected", "Rejected"),
                            ("ignored", "Ignored (nothing to do)"),
                            ("deferred", "Kept until its payment arrives"),
                        ],
                        db_index=True,
                        max_length=16,
                        verbose_name="outcome",
                    ),
                ),
                ("detail", models.CharField(blank=True, max_length=500, verbose_name="detail")),
                ("payload", models.JSONField(default=dict, verbose_name="payload")),
                (
                    "invoice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="payment_events",
                        to="billing.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            options={
                "verbose_name": "payment event",
                "verbose_name_plural": "payment events",
                "ordering": ["-received_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="InvoiceLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(verbose_name="position")),
                ("description", models.CharField(max_length=300, verbose_name="description")),
                ("cents", models.BigIntegerField(verbose_name="amount (cents)")),
                (
                    "invoice",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="billing.invoice",
                        verbose_name="invoice",
                    ),
                ),
            ],
            options={
                "verbose_name": "invoice line",
                "verbose_name_plural": "invoice lines",
                "ordering": ["invoice", "position"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("invoice", "position"), name="billing_invoiceline_position_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="LedgerEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("charge", "Charge"),
                            ("payment", "Payment"),
                            ("refund", "Refund"),
                            ("payout", "Payout"),
                            ("chargeback", "Chargeback"),
                        ],
                        max_length=12,
                        verbose_name="kind",
                    ),
                ),
                ("cents", models.BigIntegerField(verbose_name="amount (cents)")),
                (
                    "reference",
                    models.CharField(max_length=255, unique=True, verbose_name="reference"),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True, db_index=True, verbose_name="created at"
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                (
                    "invoice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to="billing.invoice",
                        verbose_name="invoice",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="ledger_entries",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "ledger entry",
                "verbose_name_plural": "ledger entries",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cents__gt", 0)), name="billing_ledger_cents_positive"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("invoice__isnull", True), ("kind", "payout")),
                            models.Q(
                                models.Q(("kind", "payout"), _negated=True),
                                ("invoice__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="billing_ledger_invoice_unless_payout",
                    ),
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="passsubscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_at__isnull", True)),
                fields=("member",),
                name="billing_passsubscription_one_live_per_member",
                violation_error_message="The member already has a live pass subscription.",
            ),
        ),
        migrations.AddConstraint(
            model_name="passsubscription",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("cancelled_at__isnull", True), ("renews", False), _connector="OR"
                ),
                name="billing_passsubscription_cancelled_does_not_renew",
            ),
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(
                fields=["member", "-issued_at"], name="billing_invoice_member_issued"
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "void"), _negated=True),
                fields=("reference",),
                name="billing_invoice_reference_live_unique",
                violation_error_message="A live invoice already exists for that reference.",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(("currency", "EUR")),
                name="billing_invoice_currency_eur",
                violation_error_message="Invoices are in euros.",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("discount_cents__gte", 0),
                    ("points_used__gte", 0),
                    ("subtotal_cents__gte", 0),
                    ("total_cents__gte", 0),
                ),
                name="billing_invoice_amounts_not_negative",
                violation_error_message="An invoice's amounts cannot be negative.",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "total_cents",
                        django.db.models.expressions.CombinedExpression(
                            models.F("subtotal_cents"), "-", models.F("discount_cents")
                        ),
                    )
                ),
                name="billing_invoice_total_is_subtotal_less_discount",
                violation_error_message="The total is the subtotal less the discount.",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("paid_at__isnull", True), ("status", "due"), ("voided_at__isnull", True)
                    ),
                    models.Q(
                        ("paid_at__isnull", False), ("status", "paid"), ("voided_at__isnull", True)
                    ),
                    models.Q(
                        ("paid_at__isnull", True), ("status", "void"), ("voided_at__isnull", False)
                    ),
                    models.Q(
                        ("paid_at__isnull", False),
                        ("refunded_at__isnull", False),
                        ("status", "refunded"),
                    ),
                    _connector="OR",
                ),
                name="billing_invoice_status_has_its_dates",
                violation_error_message="An invoice's status and its dates disagree.",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("refunded_at__isnull", True), ("status", "refunded"), _connector="OR"
                ),
                name="billing_invoice_refunded_at_only_when_refunded",
            ),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("purpose", "pass"), ("subscription__isnull", False)),
                    models.Q(
                        models.Q(("purpose", "pass"), _negated=True),
                        ("membership__isnull", True),
                        ("subscription__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="billing_invoice_pass_names_its_subscription",
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentevent",
            constraint=models.UniqueConstraint(
                fields=("provider", "event_id"), name="billing_paymentevent_once"
            ),
        ),
        migrations.RunSQL(LEDGER_SQL, LEDGER_SQL_REVERSE),
    ]
