from __future__ import annotations

from typing import Any

from django.utils.translation import get_language


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def localized(obj: Any, field: str = "name") -> str:
    """The English variant (``name_en``) of a bilingual field when English is active and set."""
    if is_english():
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)



# ASCII bytes to spaces: a UTF-8 text so blanked stays valid UTF-8 (the bytes of other
# characters are all 0x80 and above), and splits into its runs of other characters.
_ASCII_TO_SPACE = bytes(32 if byte < 128 else byte for byte in range(256))


def search_bigrams(text: str) -> list[str]:
    """The distinct pairs of adjacent characters in ``text`` that are neither ASCII, white
    space nor letters with case: the pairs of Chinese (Japanese, Korean) text, where most
    words are two characters and so hold no trigram for a trigram index to look up. Having
    no case, the pairs are the same however the text is cased, so whenever ``icontains``
    finds a word in a text, the word's pairs are among the text's. Some tens of µs for a
    project's search text."""
    pairs: dict[str, None] = {}
    for run in dict.fromkeys(text.encode().translate(_ASCII_TO_SPACE).decode().split()):
        pieces = [run]
        if not run.lower() == run == run.upper():  # letters with case (é, Ж) break the run
            pieces = "".join(c if c.lower() == c == c.upper() else " " for c in run).split()
        for piece in pieces:
            pairs.update(dict.fromkeys(piece[i : i + 2] for i in range(len(piece) - 1)))
    return list(pairs)
