"""Word matching shared by the search languages.

A *word* is a maximal run of alphanumeric characters (``str.isalnum``), compared casefolded;
everything else separates words. A term matches a text when the term's words occur in the
text's words as one contiguous run: ``meet`` does not match ``meeting``; ``"q3 plan"`` matches
``Q3-Plan.docx``; ``alice@example.com`` matches ``Alice <alice@example.com>``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["contains_words", "words"]


def words(text: str) -> list[str]:
    """The casefolded words of ``text``, in order (one pass)."""
    found: list[str] = []
    start = -1
    for index, char in enumerate(text):
        if char.isalnum():
            if start < 0:
                start = index
        elif start >= 0:
            found.append(text[start:index].casefold())
            start = -1
    if start >= 0:
        found.append(text[start:].casefold())
    return found


def contains_words(texts: Iterable[str], needle: list[str]) -> bool:
    """Whether the run of words ``needle`` occurs in one of ``texts`` (an empty needle
    matches everything: a term of punctuation only says nothing)."""
    if not needle:
        return True
    # Words hold no spaces, so a run of words is a substring of the space-joined words
    # bounded by spaces; str's search is linear in practice.
    wanted = " " + " ".join(needle) + " "
    return any(wanted in " " + " ".join(words(text)) + " " for text in texts)
