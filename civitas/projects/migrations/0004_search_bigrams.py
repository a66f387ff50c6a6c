from django.db import migrations, models

# A word of two Chinese characters holds no trigram, so the trigram index of 0003 cannot
# serve it and PostgreSQL reads every project's search text. search_bigrams keeps the
# search text's pairs of Chinese characters, and a GIN index on them as an array finds the
# projects holding all of a word's pairs; the icontains stays the exact check. SQLite
# keeps the column (the services write it on both engines) but needs no index.

# ASCII bytes to spaces: the rest of a UTF-8 text stays valid and splits into its runs
# of other characters.
ASCII_TO_SPACE = bytes(32 if byte < 128 else byte for byte in range(256))


def search_bigrams(text):
    """civitas.core.text.search_bigrams as of this migration."""
    pairs = {}
    for run in dict.fromkeys(text.encode().translate(ASCII_TO_SPACE).decode().split()):
        pieces = [run]
        if not run.lower() == run == run.upper():
            pieces = "".join(c if c.lower() == c == c.upper() else " " for c in run).split()
        for piece in pieces:
            pairs.update(dict.fromkeys(piece[i : i + 2] for i in range(len(piece) - 1)))
    return list(pairs)


def fill(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    last = 0
    while True:
        # By ranges of ids, as SQLite reads no further on a cursor once the table changes.
        batch = list(Project.objects.filter(pk__gt=last).order_by("pk").only("pk", "search_text")[:2000])
        if not batch:
            return
        for project in batch:
            project.search_bigrams = " ".join(search_bigrams(project.search_text))
        Project.objects.bulk_update(batch, ["search_bigrams"])
        last = batch[-1].pk


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS projects_project_search_bigrams "
        "ON projects_project USING gin (string_to_array(search_bigrams, ' '))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS projects_project_search_bigrams")


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_search_trigram_index")]
    operations = [
        migrations.AddField(
            model_name="project",
            name="search_bigrams",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
