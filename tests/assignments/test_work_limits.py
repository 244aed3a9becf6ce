"""Grading aids stop after a bounded amount of work and say so (issue 11).

A 3 KB .docx with 200,000 empty paragraphs, or a 5 KB .xlsx with a cell at XFD1048576, kept a
worker busy for minutes; now reading stops at the paragraph, cell or time limit of
``dip.core.office`` and the checklist says where it stopped. (No test here measures time: each
asserts how much was read.)
"""
import io
import zipfile

import jobs.grading
from dip.core import office, uploads
from dip.extensions import db
from dip.modules.assignments import checks, services
from tests.assignments.conftest import docx_bytes

WORD_CHECKS = ["docx_headings", "docx_list", "docx_table", "word_count"]
XLSX_CHECKS = ["xlsx_formulas", "xlsx_no_errors", "xlsx_header_row"]
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def empty_paragraphs_docx(count: int = 200_000) -> bytes:
    """A real (if odd) Word file: ``count`` empty paragraphs, a few KB once zipped."""
    body = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + "<w:p/>" * count + "</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", body)
    return out.getvalue()


def far_cell_xlsx() -> bytes:
    """A workbook whose only far cell makes a naive reader walk 17 billion empty cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["XFD1048576"] = "Item", "Cost", "far"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _limit_item(items):
    return next((i for i in items if i["code"] == "work_limit"), None)


def test_a_small_docx_with_200000_empty_paragraphs_is_read_only_to_the_limit():
    data = empty_paragraphs_docx()
    assert len(data) < 5 * 1024
    assert uploads.sniff(data) == "docx"  # it passes the upload checks
    items = checks.check_docx(data, WORD_CHECKS)
    stop = _limit_item(items)
    assert stop is not None and stop["values"]["stopped"] == "paragraphs"
    assert stop["values"]["paragraphs"] == office.Limits().paragraphs
    assert {i["code"] for i in items} == set(WORD_CHECKS) | {"work_limit"}


def test_a_workbook_with_a_far_cell_is_read_only_to_the_cell_limit():
    data = far_cell_xlsx()
    assert len(data) < 6 * 1024
    items = checks.check_xlsx(data, XLSX_CHECKS)
    stop = _limit_item(items)
    assert stop["values"]["stopped"] == "cells"
    assert stop["values"]["cells"] == office.Limits().cells
    header = next(i for i in items if i["code"] == "xlsx_header_row")
    assert header["ok"] and header["values"]["header"] == "Item, Cost"
    scrape = checks.check_scrape(data)
    assert _limit_item(scrape)["values"]["stopped"] == "cells"


def test_reading_also_stops_after_the_time_limit(monkeypatch):
    ticks = iter(range(0, 10_000, 1))
    monkeypatch.setattr(office, "monotonic", lambda: float(next(ticks)))
    items = checks.check_docx(docx_bytes(words=200), WORD_CHECKS,
                              limits=office.Limits(seconds=3))
    assert _limit_item(items)["values"]["stopped"] == "seconds"


def test_a_huge_shared_strings_part_is_not_loaded():
    data = far_cell_xlsx()
    items = checks.check_xlsx(data, XLSX_CHECKS, office.Limits(part_bytes=100))
    assert [i["code"] for i in items] == ["work_limit"]
    assert items[0]["values"]["stopped"] == "size"


def test_an_ordinary_file_is_read_whole_and_says_nothing_more():
    assert _limit_item(checks.check_docx(docx_bytes(), WORD_CHECKS)) is None


def test_the_trainer_reads_where_the_aid_stopped(app, client, auth, course):
    assignment = course["docx"]
    checked = uploads.check(empty_paragraphs_docx(), "cv.docx", set(assignment.accept))
    sub = services.submit(assignment, course["learner"].id, file=(checked.data, "cv.docx"))
    jobs.grading.check_submission(sub.id)
    db.session.refresh(sub)
    assert sub.checks_status == "done"
    auth.login("trainer.a")
    page = client.get(f"/grading/{sub.id}").get_data(as_text=True)
    assert "read only its first 20,000 paragraphs" in page
