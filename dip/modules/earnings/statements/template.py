"""The platform's own statement template (CSV or XLSX): its columns, its reader, the files.

``date, amount, currency, platform, client, kind, description``; the example row the
template ships with is skipped.
"""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from dip.modules.earnings.statements.rows import Context, Row, RowProblem, cell, make_row
from dip.modules.earnings.statements.table import columns
from dip.modules.earnings.statements.values import kind_code, platform_code

NAME = "template"
TEMPLATE_HEADER = ("date", "amount", "currency", "platform", "client", "kind", "description")
TEMPLATE_EXAMPLE_MARK = "EXAMPLE (delete this row)"
TEMPLATE_EXAMPLE = ("2026-01-15", "25.00", "USD", "upwork", "Example client", "translation",
                    TEMPLATE_EXAMPLE_MARK + ": French to English, 2,000 words")


def matches(names: set[str]) -> bool:
    """Whether a header's normalised column names are this layout's."""
    return set(TEMPLATE_HEADER) <= names


def reader(header: list[str]):
    """``(read, date column, amount column)`` for a template header."""
    cols = columns(header)
    c = {name: cols.get(name) for name in TEMPLATE_HEADER}

    def read(line: int, cells: list[str], ctx: Context) -> Row:
        description = cell(cells, c["description"])
        if description.startswith(TEMPLATE_EXAMPLE_MARK):
            raise RowProblem(_l("This is the template's example row."), skip=True)
        return make_row(line, ctx, raw_date=cell(cells, c["date"]),
                        raw_amount=cell(cells, c["amount"]),
                        raw_currency=cell(cells, c["currency"]),
                        platform=platform_code(cell(cells, c["platform"])),
                        client=cell(cells, c["client"]), description=description,
                        kind=kind_code(cell(cells, c["kind"])), external_id=None)

    return read, c["date"], c["amount"]


def template_csv() -> bytes:
    """The import template as CSV (UTF-8 with a BOM so Excel shows accents right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(TEMPLATE_EXAMPLE)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The import template as XLSX: the header, one example row, sensible column widths."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "earnings"
    sheet.append(list(TEMPLATE_HEADER))
    example = list(TEMPLATE_EXAMPLE)
    example[0] = date.fromisoformat(example[0])
    example[1] = Decimal(example[1])
    sheet.append(example)
    sheet["A2"].number_format = "yyyy-mm-dd"
    sheet["B2"].number_format = "0.00"
    for letter, width in zip("ABCDEFG", (12, 12, 10, 14, 24, 16, 60)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
