"""The database itself refuses to change an audit entry, so even SQL typed by hand cannot
rewrite history. PostgreSQL also refuses to delete one (emptying a whole test database
uses TRUNCATE, which stays possible for the table's owner); SQLite cannot tell a flush
from a delete, so there only updates are refused."""

from django.db import migrations

TABLE = "accounts_auditentry"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
            "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE OR REPLACE FUNCTION civitas_audit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION civitas_audit_append_only();"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update;")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
        schema_editor.execute("DROP FUNCTION IF EXISTS civitas_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_backfill_consent_history")]
    operations = [migrations.RunPython(create, drop)]
