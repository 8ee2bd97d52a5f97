"""Trust model v2 (docs/provenance.md, "Item identity"): a report's holder is stored on its
case, and the serial leaves every public disclosure.

- ``Submission.holder``: null means the submitter holds the report. Who received a report
  through an accepted transfer is worked out from the transfers in passports' next migration,
  which knows them.
- Reports issued before this hold the full serial in their signed document, which can't change
  (it is signed, anchored and protected by a trigger). Their provenance records mark
  ``item.serial`` private, so the verification page, its JSON and the public bundle leave it
  out; their canonical JSON and signed bundle go to their owner only (the views check).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REPORT_TYPE = "authplatform.report"
SERIAL_FIELD = "item.serial"


def serials_private(apps, schema_editor):  # noqa: ANN001, ANN201
    Document = apps.get_model("provenance", "Document")
    documents = Document.objects.filter(doc_type=REPORT_TYPE).only("body", "private_fields")
    for document in documents.iterator():
        item = document.body.get("item") if isinstance(document.body, dict) else None
        if (
            isinstance(item, dict)
            and item.get("serial")
            and SERIAL_FIELD not in (document.private_fields or [])
        ):
            document.private_fields = sorted({*(document.private_fields or []), SERIAL_FIELD})
            document.save(update_fields=["private_fields"])


def serials_public(apps, schema_editor):  # noqa: ANN001, ANN201
    Document = apps.get_model("provenance", "Document")
    for document in Document.objects.filter(doc_type=REPORT_TYPE).iterator():
        if SERIAL_FIELD in (document.private_fields or []):
            document.private_fields = [f for f in document.private_fields if f != SERIAL_FIELD]
            document.save(update_fields=["private_fields"])


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0007_submission_partner_fields"),
        ("provenance", "0003_document_private_fields"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="holder",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="held_submissions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(serials_private, serials_public),
    ]
