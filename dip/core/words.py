"""Counting words once for every page and check, the way a learner's word processor does.

A word is a run of characters between spaces that holds at least one letter or digit, in any
script: "25,50", "e-mail" and "مرحبا" are one word each, a lone dash or bullet is none.
``dip/static/assignments.js`` counts the same way while the learner types.
"""
import re

TOKEN_RE = re.compile(r"\S+")
WORDISH_RE = re.compile(r"[^\W_]")


def count(text: str | None) -> int:
    """How many words ``text`` holds."""
    return sum(1 for token in TOKEN_RE.findall(text or "") if WORDISH_RE.search(token))


def fits(count: int, low: int | None, high: int | None) -> bool:
    """Whether ``count`` words keep a length rule of ``low`` to ``high`` (None: no limit)."""
    return (low is None or count >= low) and (high is None or count <= high)
