"""PostgreSQL refuses any UPDATE or DELETE of an issued report, whatever the code path.

``Report.save`` already refuses in Python; this covers raw SQL, ``QuerySet.update`` and a
future bug.
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


class Migration(migrations.Migration):
    dependencies = [("appraisals", "0004_expert_review")]

    operations = [migrations.RunSQL(CREATE, DROP)]
