"""Grading aids: what a trainer would look for first in a Word or Excel file.

The results are a checklist stored on the submission as ``{"code", "ok", "values"}`` items
(no sentences: the page turns each code into a sentence in the reader's language); the
trainer decides the grade. Files are read through ``dip.core.office`` with a bounded amount of
work; when a limit stops the reading, a ``work_limit`` item says so (and after how much).
"""
import logging
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bs4 import BeautifulSoup
from sqlalchemy import select

from dip.core import office, uploads, words
from dip.extensions import db
from dip.modules.assignments.models import Submission

log = logging.getLogger("dip.assignments.checks")
PRACTICE = Path(__file__).resolve().parent.parent / "curriculum" / "content" / "web-scraping" / \
    "practice.html"
FUNCTIONS = ("SUM", "AVERAGE", "IF", "COUNT", "MIN", "MAX")
ERRORS = ("#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#N/A", "#NUM!", "#NULL!")
MIN_WORDS = 50  # a trainer's own Word assignment: its rule unless they give another
SCRAPE_HEADER = ["Item", "Unit", "Price (MWK)", "Seller"]


def _item(code: str, ok: bool, **values) -> dict:
    return {"code": code, "ok": bool(ok), "values": values}


def _limit(budget: office.Budget) -> list[dict]:
    """The item saying the aid stopped early (and after how much), or nothing."""
    if not budget.stopped:
        return []
    return [_item("work_limit", False, **budget.summary())]


def word_count_item(count: int, rule: tuple[int | None, int | None]) -> dict:
    """The ``word_count`` checklist item: ``count`` against the assignment's (min, max) rule."""
    return _item("word_count", words.fits(count, *rule), count=count, min=rule[0], max=rule[1])


def check_docx(data: bytes, wanted: list[str],
               rule: tuple[int | None, int | None] = (MIN_WORDS, None),
               limits: office.Limits | None = None) -> list[dict]:
    """Headings, lists, tables and word count (against ``rule``) of a Word document, bounded
    by ``dip.core.office``."""
    budget = office.Budget(limits or office.Limits())
    document = office.read_docx(data, budget)
    body = [p for p in document.paragraphs if not p.in_table]
    headings = [p for p in body if p.style.lower().startswith(("heading", "title"))]
    lists = [p for p in body if "list" in p.style.lower() or p.numbered]
    count = sum(words.count(p.text) for p in document.paragraphs)
    out = []
    if "docx_headings" in wanted:
        out.append(_item("docx_headings", headings, count=len(headings)))
    if "docx_list" in wanted:
        out.append(_item("docx_list", lists, count=len(lists)))
    if "docx_table" in wanted:
        out.append(_item("docx_table", document.tables, count=document.tables))
    if "word_count" in wanted:
        out.append(word_count_item(count, rule))
    return out + _limit(budget)


def check_text(text: str, wanted: list[str],
               rule: tuple[int | None, int | None] = (MIN_WORDS, None)) -> list[dict]:
    """The word count of a pasted answer against ``rule`` (cheap: done as the answer arrives)."""
    if "word_count" not in wanted:
        return []
    return [word_count_item(words.count(text), rule)]


def check_xlsx(data: bytes, wanted: list[str], limits: office.Limits | None = None) -> list[dict]:
    """Formulas used, error values and a header row in a workbook (bounded: ``dip.core.office``)."""
    budget = office.Budget(limits or office.Limits())
    used, errors, header, first = set(), [], [], None
    for title, row in office.xlsx_rows(data, budget):
        if first is None:  # the first row of the first sheet: the header
            first = title
            header = [c.value for c in row if c.value is not None]
        for cell in row:
            value = cell.value
            if isinstance(value, str) and value.startswith("="):
                used.update(f for f in FUNCTIONS if re.search(rf"\b{f}\s*\(", value.upper()))
                if "#REF!" in value.upper():
                    errors.append(f"{title}!{cell.coordinate}")
            elif isinstance(value, str) and value.strip().upper() in ERRORS:
                errors.append(f"{title}!{cell.coordinate}")
    out = []
    if budget.stopped == "size":
        return _limit(budget)
    if "xlsx_formulas" in wanted:
        out.append(_item("xlsx_formulas", used, functions=", ".join(sorted(used)) or "-"))
    if "xlsx_no_errors" in wanted:
        out.append(_item("xlsx_no_errors", not errors, cells=", ".join(errors[:5])))
    if "xlsx_header_row" in wanted:
        ok = len(header) >= 2 and all(isinstance(c, str) and c.strip() for c in header)
        out.append(_item("xlsx_header_row", ok, header=", ".join(map(str, header[:6]))))
    return out + _limit(budget)


def practice_rows(path: Path = PRACTICE) -> list[list[str]]:
    """The rows of the practice page's price table (header first)."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    table = soup.find("table", id="prices")
    return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]


def _norm(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    try:
        return str(Decimal(text.replace(",", "")).normalize()) if re.fullmatch(r"[\d.,]+", text) else text
    except InvalidOperation:
        return text


def check_scrape(data: bytes, limits: office.Limits | None = None) -> list[dict]:
    """Compare the first sheet with the practice page's table, row by row (bounded)."""
    budget = office.Budget(limits or office.Limits())
    got = []
    for _title, row in office.xlsx_rows(data, budget, data_only=True, first_sheet_only=True):
        values = [c.value for c in row]
        if any(v is not None and str(v).strip() for v in values):
            got.append([_norm(v) for v in values[:4]])
    if budget.stopped == "size":
        return _limit(budget)
    expected = [[_norm(v) for v in row] for row in practice_rows()]
    header_ok = bool(got) and got[0] == expected[0]
    body, want = got[1:] if got else [], expected[1:]
    missing = [r[0] for r in want if r not in body]
    extra = [r[0] for r in body if r not in want]
    return [
        _item("scrape_header", header_ok, header=", ".join(SCRAPE_HEADER)),
        _item("scrape_rows", not missing and not extra and len(body) == len(want),
              matched=len(want) - len(missing), total=len(want), extra=len(extra),
              first_missing=", ".join(missing[:3])),
    ] + _limit(budget)


def run_checks(kind: str, data: bytes, wanted: list[str],
               rule: tuple[int | None, int | None] = (MIN_WORDS, None)) -> list[dict]:
    """The checklist for a file of ``kind`` and the checks an assignment asks for."""
    items: list[dict] = []
    if kind == "docx":
        items += check_docx(data, wanted, rule)
    elif kind == "xlsx":
        if "scrape_matches_practice" in wanted:
            items += check_scrape(data)
        items += check_xlsx(data, [w for w in wanted if w != "xlsx_header_row"
                                   or "scrape_matches_practice" not in wanted])
    limits = [i for i in items if i["code"] == "work_limit"]
    return [i for i in items if i["code"] != "work_limit"] + limits[:1]  # said once


def waiting(older_than_minutes: int = 10) -> list[int]:
    """Submissions whose checks are still queued after ``older_than_minutes`` (a lost job)."""
    from datetime import timedelta

    from dip.core.clock import utcnow

    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    return list(db.session.scalars(select(Submission.id).where(
        Submission.checks_status == "queued", Submission.submitted_at < cutoff)))


def check_submission(submission_id: int) -> None:
    """Run the grading aids of one submission and store them (idempotent)."""
    sub = db.session.scalar(select(Submission).where(Submission.id == submission_id))
    if sub is None or not sub.file_key or sub.checks_status == "done":
        return
    try:
        sub.checks = run_checks(sub.file_kind, uploads.read(sub.file_key), sub.assignment.checks,
                                sub.assignment.word_rule)
        sub.checks_status = "done"
    except Exception:  # noqa: BLE001 - a damaged file must not break grading; the trainer looks
        log.exception("grading aids failed for submission %s", submission_id)
        db.session.rollback()
        sub = db.session.get(Submission, submission_id)
        sub.checks, sub.checks_status = [], "failed"
    db.session.commit()
