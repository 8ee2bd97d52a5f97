"""``User.email_verified_at``, and PostgreSQL clears it whenever the address changes.

The verification proves one address reaches the person; a new address must be proven again.
The trigger covers the admin, ``QuerySet.update`` and raw SQL alike. A change of case only
(``Ana@…`` to ``ana@…``) is the same mailbox and keeps the verification.
"""

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION members_user_email_unverify() RETURNS trigger AS $$
BEGIN
    IF lower(NEW.email) IS DISTINCT FROM lower(OLD.email) THEN
        NEW.email_verified_at := NULL;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER members_user_email_unverify
    BEFORE UPDATE OF email ON members_user
    FOR EACH ROW EXECUTE FUNCTION members_user_email_unverify();
"""

DROP = """
DROP TRIGGER IF EXISTS members_user_email_unverify ON members_user;
DROP FUNCTION IF EXISTS members_user_email_unverify();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_expert_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="email verified at"),
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
