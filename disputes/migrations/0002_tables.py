"""The last step of disputes' move out of appraisals (disputes 0001 says how it goes): their
tables take this app's names. A rename: the rows, their ids and every foreign key to them stay
as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0010_disputes_move_out"),
        ("disputes", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="dispute", table=None),
        migrations.AlterModelTable(name="disputeevidence", table=None),
        migrations.AlterModelTable(name="panelvote", table=None),
        migrations.AlterModelTable(name="compensation", table=None),
    ]
