"""A backup brings the site back: database and uploaded files, on SQLite and PostgreSQL."""
import shutil
from pathlib import Path

import pytest

from dip.extensions import db
from dip.modules.programs.models import Site


def test_backup_and_restore_round_trip(app, runner, make_site, tmp_path):
    if db.engine.url.get_backend_name() == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    make_site("Dzaleka")
    uploads = Path(app.config["UPLOAD_PATH"])
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "cv.docx").write_bytes(b"learner work")
    result = runner.invoke(args=["dip", "backup", "--dir", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = result.output.split("Backup written: ")[1].strip()

    make_site("Kakuma", "KE", "KES", "Africa/Nairobi")  # changes after the backup…
    (uploads / "cv.docx").write_bytes(b"overwritten")
    result = runner.invoke(args=["dip", "restore", archive, "--yes"])
    assert result.exit_code == 0, result.output

    names = set(db.session.scalars(db.select(Site.name)))
    assert names == {"Dzaleka"}  # …are gone, the backed-up state is back
    assert (uploads / "cv.docx").read_bytes() == b"learner work"


def test_restore_refuses_a_damaged_archive(runner, tmp_path):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(b"not an archive")
    result = runner.invoke(args=["dip", "restore", str(bad), "--yes"])
    assert result.exit_code == 1
    assert "is not a DIP backup" in result.output
