"""English and Simplified Chinese are both complete: every catalog has every message."""

from pathlib import Path

import polib
import pytest

CATALOGS = sorted(Path(__file__).resolve().parents[2].glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_messages_has_a_catalog():
    assert len(CATALOGS) >= 3


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-5])
def test_catalog_is_complete_and_compiled(path):
    catalog = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert not untranslated, f"untranslated in {path}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:10]}"
    compiled = path.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run make messages"
    shipped = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
               for entry in polib.mofile(str(compiled))}
    stale = [entry.msgid for entry in catalog.translated_entries()
             if shipped.get((entry.msgctxt, entry.msgid)) != (entry.msgstr or entry.msgstr_plural.get(0))]
    assert not stale, f"{compiled} does not match its .po (run compilemessages): {stale[:5]}"
