"""Uploads are judged by their content, stored under random names, sent as attachments."""
import io
import zipfile

import pytest
from docx import Document
from openpyxl import Workbook

from dip.core import uploads
from dip.core.errors import ServiceError


def _docx() -> bytes:
    buffer = io.BytesIO()
    document = Document()
    document.add_heading("Amani Kabila", 1)
    document.save(buffer)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def test_real_files_pass_and_are_recognised():
    assert uploads.check(_docx(), "cv.docx", {"docx"}).kind == "docx"
    assert uploads.check(_xlsx(), "budget.xlsx", {"xlsx"}).kind == "xlsx"
    assert uploads.check(b"%PDF-1.7 ...", "cv.pdf", {"pdf"}).kind == "pdf"


@pytest.mark.parametrize("data,name", [
    (b"%PDF-1.7 pretending", "cv.docx"),         # a PDF renamed to .docx
    (b"hello, I am text", "cv.docx"),           # not even a zip
    (None, "budget.docx"),                      # an Excel file renamed to .docx
])
def test_renamed_or_fake_files_are_refused(data, name):
    data = data if data is not None else _xlsx()
    with pytest.raises(ServiceError, match="not a real .docx file"):
        uploads.check(data, name, {"docx"})


def test_too_big_and_empty_files_are_refused():
    with pytest.raises(ServiceError, match="larger than 5 MB"):
        uploads.check(b"%PDF-" + b"0" * (5 * uploads.MB), "big.pdf", {"pdf"})
    with pytest.raises(ServiceError, match="empty"):
        uploads.check(b"", "empty.pdf", {"pdf"})


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w/>")
        z.writestr("filler.bin", b"\0" * (uploads.MAX_UNZIPPED + 1))
    with pytest.raises(ServiceError):
        uploads.check(buffer.getvalue(), "cv.docx", {"docx"})


def test_stored_under_random_name_outside_web_root(app):
    checked = uploads.check(_docx(), "../../etc/passwd.docx", {"docx"})
    key = uploads.store(checked)
    assert "passwd" not in key and ".." not in key
    assert uploads.read(key) == checked.data
    assert checked.filename == "passwd.docx"
    with pytest.raises(ValueError):
        uploads.path_of("../../secret")


def test_download_is_an_attachment(app):
    key = uploads.store(uploads.check(_docx(), "cv.docx", {"docx"}))
    with app.test_request_context():
        response = uploads.send(key, "cv.docx", "docx")
        assert response.headers["Content-Disposition"].startswith("attachment")
        response.close()
