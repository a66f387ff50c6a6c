import re
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str) -> list[dict[str, str]]:
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line):
                key = match.group(1)
                entry[key] = match.group(2)
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
        entries.append(entry)
    return entries


def test_chinese_catalog_is_complete_and_compiled():
    entries = [e for e in _entries(CATALOG.read_text(encoding="utf-8")) if e.get("msgid")]
    assert len(entries) > 250
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert entry.get("msgstr") or entry.get("msgstr[0]"), entry["msgid"]
    assert CATALOG.with_suffix(".mo").stat().st_size > 10_000
