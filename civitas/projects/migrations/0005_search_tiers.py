from django.db import migrations, models

# A search ranks its matches in tiers (title, summary, the rest), each read newest first
# and stopping at a page (selectors.ProjectRanking): the (created_at, id) index gives that
# order on both engines. On PostgreSQL a tier the word is rare in is looked up instead:
# words of three characters and more, pinyin and Latin in trigram indexes on the titles
# and the summary, words of two Chinese characters (no trigram) in indexes of the pairs of
# adjacent characters of the same texts. Expressions as the selectors write them. A project's
# status is one of ProjectStatus, so visitors' searches can name the hidden ones instead.

# Pairs repeated are kept (the index holds each once): without DISTINCT the function costs
# about 7 µs for a title against 12, which a search pays on every row it reads in order.
PAIRS_FUNCTION = """
CREATE OR REPLACE FUNCTION projects_text_pairs(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT substr(value, i, 2) FROM generate_series(1, char_length(value) - 1) AS i)
$$
"""
INDEXES = {
    "projects_project_title_trgm": "gin (UPPER((title || ' ' || title_en)) gin_trgm_ops)",
    "projects_project_summary_trgm": "gin (UPPER(summary) gin_trgm_ops)",
    "projects_project_title_pairs": "gin (projects_text_pairs((title || ' ' || title_en)))",
    "projects_project_summary_pairs": "gin (projects_text_pairs(summary))",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PAIRS_FUNCTION)
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON projects_project USING {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS projects_text_pairs(text)")


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_search_bigrams")]
    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["created_at", "id"], name="project_created_idx"),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
        migrations.AddConstraint(
            model_name="project",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft", "submitted", "approved", "returned", "rejected", "recruiting", "in_progress",
                        "completed", "evaluated",
                    ]
                ),
                name="project_status_known",
            ),
        ),
    ]
