"""Wherever a count meets a noun, the words go through ngettext: Arabic has six plural forms
("دقيقة واحدة", "دقيقتان", "6 دقائق", "11 دقيقة"…), Swahili and French their own; a sentence
written once with "%(n)s lessons" is wrong in all of them but English."""
import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
NOUNS = ("word|lesson|learner|day|row|step|item|tag|minute|hour|week|version|proposal|character|"
         "people|person|time|submission|entr(?:y|ies)|file|month|assignment|question|answer|"
         "tr(?:y|ies)|group|sentence|class|classe|point|cell|paragraph|second")
NOT_COUNTS = ("kinds", "name", "title", "time", "file", "week")  # placeholders that hold no count
COUNT_NOUN_RE = re.compile(r"%\((?!(?:" + "|".join(NOT_COUNTS) + r")\))\w+\)s (?:" + NOUNS
                           + r")s?\b", re.I)
# Strings of pages other branches are changing in parallel (outcomes, accounts, earnings,
# the grading aids' work limits): to be worded with ngettext there. Remove each as it is.
PENDING = {
    "The import was tried %(n)s times without finishing. Send the file again or ask for help.",
    "The file has more than %(limit)s rows. Export a shorter period and import each part.",
}


def _messages():
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None, lazy_pgettext=((1, "c"), 2))
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    for filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / "dip", method_map, options, keywords):
        yield filename, message


def test_a_count_before_a_noun_has_plural_forms():
    singular_only = {}
    for filename, message in _messages():
        if isinstance(message, tuple):
            continue  # ngettext: (singular, plural)
        if COUNT_NOUN_RE.search(message) and "Privacy:" not in message:
            singular_only[message] = filename
    assert set(singular_only) - PENDING == set(), {
        m: f for m, f in singular_only.items() if m not in PENDING}
