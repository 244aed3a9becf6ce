"""A learner's Word or Excel file as a page a trainer reads without downloading it.

Read through ``dip.core.office`` with a small budget: a preview shows the beginning of a long
file and says where it stopped, and a hostile file costs the server no more than a short one.
Everything shown is the file's text, escaped by the template; nothing of the file is run.
"""
import logging
from dataclasses import dataclass, field

from dip.core import office, uploads
from dip.modules.assignments.models import Submission

log = logging.getLogger("dip.assignments.preview")
PREVIEWABLE = ("docx", "xlsx")
#: What one preview reads and shows at most: enough for any CV, letter or monthly budget.
LIMITS = office.Limits(paragraphs=400, cells=20_000, seconds=3.0, part_bytes=4 * 1024 * 1024)
SHEETS, ROWS, COLUMNS = 2, 60, 20
LIST_STYLES = ("list", "bullet")


@dataclass
class Preview:
    """What the preview page shows: ``blocks`` of a document (``{"kind": "h"|"p"|"ul"|"ol"|
    "table", …}``) or ``sheets`` of a workbook, and why it stopped early, if it did."""

    kind: str
    blocks: list = field(default_factory=list)
    sheets: list = field(default_factory=list)
    stopped: str | None = None  # "paragraphs", "cells", "seconds", "size", "unreadable"
    more_sheets: bool = False
    limits: office.Limits = LIMITS
    shown_rows: int = ROWS
    shown_columns: int = COLUMNS


def can_preview(sub: Submission) -> bool:
    """Whether ``sub`` carries a file this page can show."""
    return bool(sub.file_key) and sub.file_kind in PREVIEWABLE


def _heading_level(style: str) -> int | None:
    name = style.lower()
    if name == "title":
        return 2
    if name.startswith("heading"):
        digits = name.removeprefix("heading").strip()
        return min(int(digits) + 1, 6) if digits.isdigit() else 3
    return None


def _document_blocks(document: office.WordDocument) -> list[dict]:
    """Paragraphs as headings, paragraphs and runs of list items; tables as rows."""
    blocks: list[dict] = []
    for block in document.blocks:
        if isinstance(block, office.Table):
            if any(any(c.strip() for c in row) for row in block.rows):
                blocks.append({"kind": "table", "rows": block.rows})
            continue
        text = block.text.strip()
        if not text:
            continue
        level = _heading_level(block.style)
        style = block.style.lower()
        if level:
            blocks.append({"kind": "h", "level": level, "text": text})
        elif block.numbered or any(s in style for s in LIST_STYLES):
            kind = "ol" if "number" in style else "ul"
            if not blocks or blocks[-1]["kind"] != kind:
                blocks.append({"kind": kind, "items": []})
            blocks[-1]["items"].append(text)
        else:
            blocks.append({"kind": "p", "text": text})
    return blocks


def preview(sub: Submission) -> Preview:
    """Read ``sub``'s .docx or .xlsx within ``LIMITS`` and return what the page shows."""
    data = uploads.read(sub.file_key)
    budget = office.Budget(LIMITS)
    found = Preview(sub.file_kind)
    try:
        if sub.file_kind == "docx":
            found.blocks = _document_blocks(office.read_docx(data, budget))
        else:
            found.sheets, found.more_sheets = office.xlsx_sheets(data, budget, SHEETS, ROWS,
                                                                 COLUMNS)
    except Exception:  # noqa: BLE001 - a damaged file gets a sentence, not an error page
        log.warning("submission %s: its file cannot be previewed", sub.id, exc_info=True)
        found.stopped = "unreadable"
        return found
    found.stopped = budget.stopped
    return found
