"""Readiness checks of a proposal: clear rules computed on the server, each saying why it matters.

``run(body, job_title, client_description, deadline, item_titles, portfolio_url, today)``
returns a list of ``Check``; ``describe`` turns one into translated words for the page.
No external service: word lists and regular expressions only, so the same text always
gives the same answer and a trainer can explain every result.
"""
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from dip.core.words import count as word_count, fits

MIN_WORDS, MAX_WORDS = 80, 300
MAX_SENTENCE_WORDS = 35
MIN_CLIENT_WORDS = 3
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Openings clients skip: they could be sent to anyone.
GENERIC_OPENING_RE = re.compile(
    r"^\W*(dear\s+(sir|madam|sirs|hiring\s+manager|client|employer)|to\s+whom\s+it\s+may\s+concern"
    r"|hello\s+sir|hi\s+sir|greetings|good\s+(morning|afternoon|evening)\s+sir|respected\s+sir)\b",
    re.I)
# A short greeting before the first real sentence is fine ("Hi Maria," / "Hello,").
GREETING_RE = re.compile(r"^\W*(hi|hello|hey|dear)\b[^.!?\n,]{0,30}[,!.\n]\s*", re.I)
PLACEHOLDER_RE = re.compile(
    r"\[[^\]\n]{1,40}\]|\{[^}\n]{1,40}\}|<[^>\n]{1,40}>|\bx{3,}\b|\bTODO\b|\bTBD\b|lorem ipsum"
    r"|_{3,}", re.I)
SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30, "few": 3, "couple": 2}
UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30}
DURATION_RE = re.compile(
    r"\b(\d{1,3}|" + "|".join(NUMBER_WORDS) + r")(?:\s*(?:-|to|or)\s*(\d{1,3}))?\s*"
    r"(?:working\s+|business\s+|full\s+)?(hour|hr|day|week|month)s?\b", re.I)
SOON_RE = re.compile(r"\b(today|tonight|tomorrow|same\s+day|within\s+24\s*h)\b", re.I)
ISO_DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_DATE_RE = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*"
    r"|(" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\s+(\d{1,2})(?:st|nd|rd|th)?)\b", re.I)
STOPWORDS = frozenset("""
about above after again against also another anyone because been before being below between
both but cannot could did does doing down during each even every from further have having
here hers herself himself into itself just like looking make many more most much must myself
need needs only other ought ours ourselves over own same should some such than that their
theirs them themselves then there these they this those through under until very want wants
what when where which while whom will with within would your yours yourself yourselves please
good great work working someone person people help job project client thanks thank hello dear
able well know new get also using used use time experience experienced looking freelancer
""".split())


@dataclass
class Check:
    """The result of one rule: ``ok``, and the values the explanation shows."""

    code: str
    ok: bool
    values: dict = field(default_factory=dict)


LABELS = {
    "length": _l("Length"),
    "opening": _l("Opening"),
    "client_words": _l("The client's own words"),
    "timeline": _l("Timeline"),
    "question": _l("A question for the client"),
    "portfolio": _l("A portfolio item"),
    "placeholders": _l("No leftover placeholders"),
    "sentences": _l("Short sentences"),
}
WHY = {
    "length": _l("Clients read many proposals. A very short one looks careless; a long one is "
                 "not read to the end."),
    "opening": _l("The first lines are all a client sees in the list. Start with their need, "
                  "not with “Dear Sir”, which could be sent to anyone."),
    "client_words": _l("Using the client's own words shows you read their post and understood "
                       "what they need."),
    "timeline": _l("Clients worry about deadlines. Say when you will deliver, and make it fit "
                   "their date."),
    "question": _l("A good question starts a conversation and shows you thought about the "
                   "work."),
    "portfolio": _l("A sample of similar work is the best proof that you can do the job."),
    "placeholders": _l("A forgotten “[name]” shows the text was copied and not written for "
                       "this client."),
    "sentences": _l("Many clients read English as a second language. Short sentences are "
                    "easier to understand."),
}


def words(text: str) -> list[str]:
    """The words of ``text`` (letters only), as written."""
    return WORD_RE.findall(text or "")


def keywords(text: str) -> list[str]:
    """Distinct meaningful words of ``text`` (four letters or more, not common ones), lower case."""
    seen: dict[str, None] = {}
    for word in words(text):
        w = word.lower()
        if len(w) >= 4 and w not in STOPWORDS:
            seen.setdefault(w, None)
    return list(seen)


def _stem(word: str) -> str:
    """A crude stem so "translate", "translation" and "translating" match."""
    for suffix in ("ations", "ation", "ings", "ing", "ers", "er", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _shared(text_words: list[str], client_words: list[str]) -> list[str]:
    stems = {_stem(w.lower()) for w in text_words}
    return [w for w in client_words if _stem(w) in stems]


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (split at . ! ? and line breaks)."""
    return [s.strip() for s in SENTENCE_RE.findall(text or "") if words(s)]


def _days_stated(text: str, today: date) -> list[float]:
    """Every delivery time the text states, in days from ``today``."""
    days = []
    for match in DURATION_RE.finditer(text):
        first, second, unit = match.group(1).lower(), match.group(2), match.group(3).lower()
        unit = "hour" if unit == "hr" else unit
        amount = int(second) if second else (int(first) if first.isdigit() else NUMBER_WORDS[first])
        days.append(amount * UNIT_DAYS[unit])
    if SOON_RE.search(text):
        days.append(1)
    for y, m, d in ISO_DATE_RE.findall(text):
        try:
            days.append((date(int(y), int(m), int(d)) - today).days)
        except ValueError:
            pass
    for day1, month1, month2, day2 in MONTH_DATE_RE.findall(text):
        month = [m[:3] for m in MONTHS].index((month1 or month2).lower()[:3]) + 1
        try:
            stated = date(today.year, month, int(day1 or day2))
        except ValueError:
            continue
        if stated < today:  # "5 January" written in December means next year
            stated = stated.replace(year=today.year + 1)
        days.append((stated - today).days)
    return days


def run(body: str, job_title: str, client_description: str, deadline: date | None,
        item_titles: list[str], portfolio_url: str | None, today: date) -> list[Check]:
    """Apply every rule to a proposal's ``body``; return the checks in a stable order."""
    body = body or ""
    body_words = words(body)
    client = keywords(f"{job_title} {client_description}")
    count = word_count(body)  # as the versions page and a word processor count
    checks = [Check("length", fits(count, MIN_WORDS, MAX_WORDS),
                    {"count": count, "min": MIN_WORDS, "max": MAX_WORDS})]

    generic = bool(GENERIC_OPENING_RE.match(body))
    rest = GREETING_RE.sub("", body.strip(), count=1)
    first = sentences(rest)[:1]
    addresses = bool(first) and bool(_shared(words(first[0]), client))
    checks.append(Check("opening", addresses and not generic,
                        {"generic": generic, "first": first[0][:120] if first else ""}))

    shared = _shared(body_words, client)
    needed = min(MIN_CLIENT_WORDS, len(client))
    checks.append(Check("client_words", bool(client) and len(shared) >= needed,
                        {"found": ", ".join(shared[:8]), "count": len(shared), "min": needed}))

    stated = _days_stated(body, today)
    if not stated:
        checks.append(Check("timeline", False, {"state": "none"}))
    elif deadline is None:
        checks.append(Check("timeline", True, {"state": "no_deadline"}))
    else:
        left = (deadline - today).days
        longest = max(stated)
        checks.append(Check("timeline", 0 <= longest <= left and left >= 0,
                            {"state": "fits" if 0 <= longest <= left else "late",
                             "days": int(-(-longest // 1)), "left": left}))

    checks.append(Check("question", any(s.endswith("?") for s in sentences(body)) or "?" in body))

    lowered = body.lower()
    linked = [t for t in item_titles if t and t.lower() in lowered]
    has_link = bool(portfolio_url and portfolio_url in body)
    checks.append(Check("portfolio", bool(linked) or has_link,
                        {"title": linked[0] if linked else "", "link": has_link,
                         "items": len(item_titles)}))

    found = [m.group(0) for m in PLACEHOLDER_RE.finditer(body)]
    checks.append(Check("placeholders", not found, {"found": ", ".join(found[:5])}))

    long_ones = [s for s in sentences(body) if len(words(s)) > MAX_SENTENCE_WORDS]
    checks.append(Check("sentences", not long_ones,
                        {"max": MAX_SENTENCE_WORDS, "count": len(long_ones),
                         "start": " ".join(words(long_ones[0])[:8]) if long_ones else ""}))
    return checks


def _days(n: int) -> str:
    """``3 days`` in the reader's language, with its plural form."""
    return ngettext("%(num)s day", "%(num)s days", n)


def describe(check: Check) -> str:
    """What the check found, in plain words (translated)."""
    v = check.values
    if check.code == "length":
        return ngettext("%(num)s word; aim for %(min)s to %(max)s.",
                        "%(num)s words; aim for %(min)s to %(max)s.", v["count"],
                        min=v["min"], max=v["max"])
    if check.code == "opening":
        if v["generic"]:
            return _("It opens with a greeting that could be sent to anyone.")
        if check.ok:
            return _("It opens with the client's need.")
        return _("The first sentence does not mention what the client asked for.")
    if check.code == "client_words":
        if check.ok:
            return _("Uses the client's words: %(found)s.", found=v["found"])
        return ngettext("Uses %(num)s of the client's words (at least %(min)s needed).",
                        "Uses %(num)s of the client's words (at least %(min)s needed).",
                        v["count"], min=v["min"])
    if check.code == "timeline":
        if v["state"] == "none":
            return _("No delivery time found. Say, for example, “in 3 days”.")
        if v["state"] == "no_deadline":
            return _("A delivery time is stated (the job post gave no deadline).")
        if v["left"] < 0:
            return _("The client's deadline has passed.")
        days, left = _days(v["days"]), _days(v["left"])
        if check.ok:
            return _("You deliver in %(days)s; the deadline is in %(left)s.", days=days, left=left)
        return _("You say %(days)s, but the deadline is in %(left)s.", days=days, left=left)
    if check.code == "question":
        return _("It asks a question.") if check.ok else _("Ask the client at least one question.")
    if check.code == "portfolio":
        if v["link"]:
            return _("It links your public portfolio.")
        if check.ok:
            return _("It mentions your item “%(title)s”.", title=v["title"])
        if not v["items"]:
            return _("Add a portfolio item first, then mention it here.")
        return _("Mention one of your portfolio items, or paste your portfolio link.")
    if check.code == "placeholders":
        return _("Nothing left to fill in.") if check.ok else _("Fill in: %(found)s", **v)
    if check.code == "sentences":
        if check.ok:
            return ngettext("Every sentence has at most %(num)s word.",
                            "Every sentence has at most %(num)s words.", v["max"])
        return ngettext("%(num)s sentence is longer than %(max)s words: “%(start)s…”.",
                        "%(num)s sentences are longer than %(max)s words, e.g. “%(start)s…”.",
                        v["count"], max=v["max"], start=v["start"])
    return ""
