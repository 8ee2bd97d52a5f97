"""Trust model v2 (docs/provenance.md, "Item identity"): a typed serial only proposes a link.

Schema: items no longer have one row per serial (the unique constraint becomes an index), and
``ItemLinkProposal`` records each proposed link and who decided it.

Data, for rows made while a serial alone chose the item:

- A case whose report was put on an item that someone else owned at the time (by the item's
  accepted transfers) was a hijack or an accident. It is split off: a new item owned by its
  submitter takes its appraisal and dispute events, and a flagged proposal (two owners, state
  proposed) links it to the old passport for an expert and staff to look at. The events'
  anchored documents still name the passport they were recorded on; they can't change, and
  verifying each one still works. The old passport's page no longer shows them.
- A later case of the item's owner at the time stays where it is: one person, nobody's rights
  moved. It is not turned into a proposal after the fact.
- Every case's holder follows the chain of custody: its submitter, then whoever accepted a
  transfer of its item (or of the passport it was linked into) from the holder of the day.

Going back does not merge split items again, and fails once two items share a serial: the old
unique constraint can't return.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SPLIT_NOTE = (
    "Split off by the trust model v2 migration: its report had been put on another owner's "
    "passport because the typed serial matched."
)


def _owner_at(founder_owner_id, transfers, when):  # noqa: ANN001, ANN202
    owner = founder_owner_id
    for transfer in transfers:
        if transfer.decided_at <= when:
            owner = transfer.to_user_id
    return owner


def split_serial_merges(apps, schema_editor):  # noqa: ANN001, ANN201
    Item = apps.get_model("passports", "Item")
    PassportEvent = apps.get_model("passports", "PassportEvent")
    Transfer = apps.get_model("passports", "Transfer")
    Proposal = apps.get_model("passports", "ItemLinkProposal")
    Report = apps.get_model("appraisals", "Report")
    for item in Item.objects.exclude(serial="").order_by("id").iterator():
        appraisals = list(
            PassportEvent.objects.filter(item=item, report__isnull=False)
            .select_related("report__submission")
            .order_by("occurred_at", "id")
        )
        if not appraisals:
            continue
        first_seen = {}
        for event in appraisals:
            first_seen.setdefault(event.report.submission_id, (event.occurred_at, event))
        founder = appraisals[0].report.submission
        transfers = list(
            Transfer.objects.filter(item=item, state="accepted").order_by("decided_at", "id")
        )
        for submission_id, (when, event) in first_seen.items():
            submission = event.report.submission
            if submission_id == founder.pk:
                continue
            if submission.owner_id == _owner_at(founder.owner_id, transfers, when):
                continue
            split = Item.objects.create(
                category_id=item.category_id,
                brand_id=item.brand_id,
                product_model_id=submission.product_model_id,
                serial=item.serial,
                owner_id=submission.owner_id,
                created_at=when,
            )
            uids = [
                str(u)
                for u in Report.objects.filter(submission_id=submission_id).values_list(
                    "uid", flat=True
                )
            ]
            PassportEvent.objects.filter(item=item, report__submission_id=submission_id).update(
                item=split
            )
            PassportEvent.objects.filter(
                item=item, kind="dispute", document__body__report__in=uids
            ).update(item=split)
            Proposal.objects.create(
                item=split,
                target=item,
                submission_id=submission_id,
                owners_differ=True,
                created_at=when,
                note=SPLIT_NOTE,
            )


def holders_from_transfers(apps, schema_editor):  # noqa: ANN001, ANN201
    Item = apps.get_model("passports", "Item")
    PassportEvent = apps.get_model("passports", "PassportEvent")
    Transfer = apps.get_model("passports", "Transfer")
    Submission = apps.get_model("appraisals", "Submission")
    first_events = {}
    events = PassportEvent.objects.filter(report__isnull=False).select_related("report")
    for event in events.order_by("occurred_at", "id").iterator():
        first_events.setdefault(event.report.submission_id, event)
    for submission_id, event in first_events.items():
        submission = Submission.objects.get(pk=submission_id)
        chain, item = [], Item.objects.get(pk=event.item_id)
        while item is not None and item.pk not in chain:
            chain.append(item.pk)
            item = Item.objects.filter(pk=item.merged_into_id).first()
        holder = submission.owner_id
        later = Transfer.objects.filter(
            item__in=chain, state="accepted", decided_at__gt=event.occurred_at
        ).order_by("decided_at", "id")
        for transfer in later:
            if transfer.from_user_id == holder:
                holder = transfer.to_user_id
        if holder != submission.owner_id:
            Submission.objects.filter(pk=submission_id).update(holder_id=holder)


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0008_submission_holder_private_serials"),
        ("passports", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ItemLinkProposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("proposed", "Waiting for an expert"),
                            ("confirmed", "Confirmed: the same item"),
                            ("rejected", "Rejected: a different item"),
                        ],
                        default="proposed",
                        max_length=12,
                    ),
                ),
                ("owners_differ", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("note", models.CharField(blank=True, max_length=500)),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="item",
            name="one_item_per_serial",
        ),
        migrations.AddIndex(
            model_name="item",
            index=models.Index(
                condition=models.Q(("serial", ""), _negated=True),
                fields=["category", "brand", "serial"],
                name="item_serial_idx",
            ),
        ),
        migrations.AddField(
            model_name="itemlinkproposal",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="itemlinkproposal",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="link_proposals",
                to="passports.item",
            ),
        ),
        migrations.AddField(
            model_name="itemlinkproposal",
            name="submission",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="appraisals.submission",
            ),
        ),
        migrations.AddField(
            model_name="itemlinkproposal",
            name="target",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="link_claims",
                to="passports.item",
            ),
        ),
        migrations.AddIndex(
            model_name="itemlinkproposal",
            index=models.Index(
                condition=models.Q(("state", "proposed")),
                fields=["owners_differ"],
                name="proposal_open_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="itemlinkproposal",
            constraint=models.UniqueConstraint(
                fields=("item", "target"), name="one_proposal_per_pair"
            ),
        ),
        migrations.AddConstraint(
            model_name="itemlinkproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(("item", models.F("target")), _negated=True),
                name="proposal_not_self",
            ),
        ),
        migrations.AddConstraint(
            model_name="itemlinkproposal",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decided_at__isnull", True), ("state", "proposed")),
                    models.Q(
                        models.Q(("state", "proposed"), _negated=True),
                        ("decided_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="proposal_decided_has_time",
            ),
        ),
        migrations.RunPython(split_serial_merges, migrations.RunPython.noop),
        migrations.RunPython(holders_from_transfers, migrations.RunPython.noop),
    ]
