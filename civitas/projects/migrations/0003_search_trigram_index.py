from django.db import migrations

# icontains becomes UPPER(search_text) LIKE UPPER('%word%') on PostgreSQL; a trigram
# index on that expression keeps word search off a full table scan. SQLite has no
# such index and scans, which is fine at the scales it serves.


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS projects_project_search_trgm "
        "ON projects_project USING gin (UPPER(search_text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS projects_project_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_calendar_tokens_waitlist_limit")]
    operations = [migrations.RunPython(create_index, drop_index)]
