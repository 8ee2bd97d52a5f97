"""PostgreSQL refuses any UPDATE or DELETE of an issued report, whatever the code path.

``Report.save`` already refuses in Python; this covers raw SQL, ``QuerySet.update`` and a
future bug. SQLite (the embedded default of ``make run``) relies on the Python check alone.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION appraisals_report_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'an issued report is immutable; issue a new version instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER appraisals_report_immutable
    BEFORE UPDATE OR DELETE ON appraisals_report
    FOR EACH ROW EXECUTE FUNCTION appraisals_report_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS appraisals_report_immutable ON appraisals_report;
DROP FUNCTION IF EXISTS appraisals_report_immutable();
"""


def _create(apps, schema_editor):  # noqa: ANN001, ANN202
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def _drop(apps, schema_editor):  # noqa: ANN001, ANN202
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0004_expert_review")]

    operations = [migrations.RunPython(_create, _drop)]
