"""Uploaded files: checked by their content, stored outside the web root under random names.

Every feature that accepts a file (submissions, portfolio samples, statements) goes
through ``check`` and ``store``; downloads go through ``send`` as attachments.
"""
import os
import secrets
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l

from dip.core.errors import ServiceError

MB = 1024 * 1024
MAX_UNZIPPED = 100 * MB
MAX_ZIP_MEMBERS = 5000
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "csv": "text/csv",
}
# The part every real Word or Excel file has inside its zip container.
OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class Checked:
    """A file that passed the checks: its kind (extension), content and original name."""

    kind: str
    data: bytes
    filename: str


def sniff(data: bytes) -> str | None:
    """Return the kind of file ``data`` really is (by content), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, ValueError):
            return None
        # A "zip bomb" unpacks to gigabytes and would stall the grading aids (ASVS 12.1.2).
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED:
            return None
        names = {m.filename for m in members}
        for kind, part in OOXML_PART.items():
            if part in names:
                return kind
    return None


def check(data: bytes, filename: str, allowed: set[str] | frozenset[str], max_mb: int = 5) -> Checked:
    """Accept ``data`` only if its content is one of ``allowed`` kinds and it is small enough.

    The name's extension must agree with the content: a PDF renamed to .docx is refused.
    """
    if not data:
        raise ServiceError(_l("The file is empty."), "file")
    if len(data) > max_mb * MB:
        raise ServiceError(_l("The file is larger than %(mb)s MB. Make it smaller and send it "
                              "again.", mb=max_mb), "file")
    ext = Path(filename or "").suffix.lower().lstrip(".")
    ext = "jpg" if ext == "jpeg" else ext
    kind = sniff(data)
    names = ", ".join("." + k for k in sorted(allowed))
    if kind is None or kind not in allowed or (ext and ext != kind):
        raise ServiceError(_l("This file is not a real %(kinds)s file. Save it in one of these "
                              "formats and send it again.", kinds=names), "file")
    safe_name = "".join(c for c in Path(filename).name if c.isalnum() or c in "._- ")[:100]
    return Checked(kind=kind, data=data, filename=safe_name or f"file.{kind}")


def store(checked: Checked) -> str:
    """Save a checked file under a random name; return that storage key."""
    root = Path(current_app.config["UPLOAD_PATH"])
    key = f"{secrets.token_hex(2)}/{secrets.token_urlsafe(24)}.{checked.kind}"
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(checked.data)
    os.replace(tmp, path)  # never leave half a file under the final name
    return key


def path_of(key: str) -> Path:
    """The path of stored file ``key`` (refusing anything that escapes the upload folder)."""
    root = Path(current_app.config["UPLOAD_PATH"]).resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("bad storage key")
    return path


def read(key: str) -> bytes:
    """The content of stored file ``key``."""
    return path_of(key).read_bytes()


def send(key: str, download_name: str, kind: str):
    """Send stored file ``key`` as a download (never shown inline in the browser)."""
    return send_file(path_of(key), mimetype=MIME.get(kind, "application/octet-stream"),
                     as_attachment=True, download_name=download_name, max_age=0)
