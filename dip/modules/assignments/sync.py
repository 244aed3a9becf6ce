"""Curriculum assignments: reading ``<module>/assignments/<key>.md`` files (and their
translations) and loading them into the database by key."""
import re
from pathlib import Path

from sqlalchemy import select

from dip.extensions import db
from dip.modules.assignments.models import FILE_KINDS, KINDS, Assignment
from dip.modules.curriculum.content import front_matter

KNOWN_CHECKS = frozenset({
    "docx_headings", "docx_list", "docx_table", "word_count", "xlsx_formulas", "xlsx_no_errors",
    "xlsx_header_row", "scrape_matches_practice",
})
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")


def _parse(path: Path) -> dict:
    """Read one assignment file; raise ValueError with the reason when it is malformed."""
    meta, body = front_matter(path.read_text(encoding="utf-8"))
    key = meta.get("key")
    if not isinstance(key, str) or not KEY_RE.match(key):
        raise ValueError("key missing or not lower-case-with-dashes")
    titles = meta.get("title")
    if isinstance(titles, str):
        titles = {"en": titles}
    if not isinstance(titles, dict) or not isinstance(titles.get("en"), str) or not titles["en"].strip():
        raise ValueError("title.en missing")
    kind = meta.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    accept = meta.get("accept") or []
    if kind == "file" and (not isinstance(accept, list) or not accept
                           or not set(accept) <= set(FILE_KINDS)):
        raise ValueError(f"accept must list some of {', '.join(FILE_KINDS)}")
    due = meta.get("due_week")
    if due is not None and (not isinstance(due, int) or isinstance(due, bool) or not 1 <= due <= 26):
        raise ValueError("due_week must be a week from 1 to 26")
    checks = meta.get("checks") or []
    if not isinstance(checks, list) or not set(checks) <= KNOWN_CHECKS:
        raise ValueError(f"unknown check in {checks!r}")
    rubric = _rubric(meta.get("rubric"))
    low, high = _words(meta.get("words"))
    if "word_count" in checks and low is None and high is None:
        raise ValueError("the word_count check needs a rule: words: {min: …, max: …}")
    return {
        "key": key, "title": titles["en"].strip()[:200],
        "titles": {k: str(v).strip() for k, v in titles.items() if v},
        "kind": kind, "accept": list(accept) if kind == "file" else [], "due_week": due,
        "required": bool(meta.get("required", True)), "checks": list(checks), "rubric": rubric,
        "instructions": body.strip(), "min_words": low, "max_words": high,
    }


def _words(rule) -> tuple[int | None, int | None]:
    """``words: {min: 120, max: 200}`` (either may be left out): the answer's length rule."""
    if rule is None:
        return None, None
    if not isinstance(rule, dict) or not rule or set(rule) - {"min", "max"}:
        raise ValueError("words must be {min: N, max: N} (either may be left out)")
    low, high = rule.get("min"), rule.get("max")
    for value in (low, high):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or not 1 <= value <= 10_000):
            raise ValueError("words: min and max are whole numbers from 1 to 10000")
    if low is not None and high is not None and low > high:
        raise ValueError("words: min is more than max")
    return low, high


def _rubric(rubric) -> list[dict]:
    if not isinstance(rubric, list) or not rubric:
        raise ValueError("rubric must list criteria with points")
    out = []
    for item in rubric:
        if not isinstance(item, dict) or not str(item.get("criterion") or "").strip():
            raise ValueError("each rubric item needs a criterion")
        points = item.get("points")
        if not isinstance(points, int) or isinstance(points, bool) or not 1 <= points <= 100:
            raise ValueError("each rubric item needs whole points from 1 to 100")
        out.append({"criterion": str(item["criterion"]).strip(), "points": points})
    return out


def parse_translation(path: Path, english: dict) -> dict:
    """Read ``<key>.<lang>.md``: ``rubric:`` (plain strings, as many as the English) and the
    instructions; raise ValueError with the reason when it does not match the English."""
    meta, body = front_matter(path.read_text(encoding="utf-8"))
    rubric = meta.get("rubric")
    if set(meta) - {"rubric"}:
        raise ValueError("a translation's front matter holds only rubric")
    if not isinstance(rubric, list) or not all(isinstance(c, str) and c.strip() for c in rubric):
        raise ValueError("rubric must be a list of the translated criteria as plain strings")
    if len(rubric) != len(english["rubric"]):
        raise ValueError(f"rubric has {len(rubric)} criteria, the English has "
                         f"{len(english['rubric'])}")
    if not body.strip():
        raise ValueError("the instructions are missing")
    return {"instructions": body.strip(), "rubric": [c.strip() for c in rubric]}


def sync_assignments(content_root: Path) -> list[tuple[str, str]]:
    """Upsert every ``<module>/assignments/<key>.md`` under ``content_root`` by key, with its
    translations ``<key>.<lang>.md``.

    Returns ``(path, reason)`` for each malformed file (and duplicate keys); the good files
    are saved either way. Running it twice changes nothing.
    """
    from dip.modules.curriculum.content import LANGS, lesson_lang

    problems: list[tuple[str, str]] = []
    parsed: dict[str, dict] = {}
    by_file: dict[Path, dict] = {}
    paths = sorted(Path(content_root).glob("*/assignments/*.md"))
    for path in (p for p in paths if lesson_lang(p) == "en"):
        try:
            data = _parse(path)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append((str(path), str(exc)))
            continue
        if data["key"] in parsed:
            problems.append((str(path), f"duplicate key {data['key']}"))
            continue
        data["module_key"] = path.parent.parent.name
        data["texts"] = {}
        parsed[data["key"]] = by_file[path] = data
    for path in (p for p in paths if lesson_lang(p) != "en"):
        lang, english = lesson_lang(path), by_file.get(path.with_name(path.name.split(".")[0] + ".md"))
        try:
            if lang not in LANGS or lang == "en":
                raise ValueError(f"unknown language '{lang}'")
            if english is None:
                raise ValueError("a translation without a loaded English file")
            english["texts"][lang] = parse_translation(path, english)
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append((str(path), str(exc)))
    existing = {a.key: a for a in db.session.scalars(
        select(Assignment).where(Assignment.key.in_(list(parsed))))} if parsed else {}
    for key, data in parsed.items():
        assignment = existing.get(key)
        if assignment is None:
            assignment = Assignment(key=key)
            db.session.add(assignment)
        for field, value in data.items():
            if getattr(assignment, field) != value:
                setattr(assignment, field, value)
        assignment.active = True
    db.session.commit()
    return problems
