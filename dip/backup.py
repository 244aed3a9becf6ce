"""Consistent backups and restores: the database and the uploaded files in one archive.

SQLite is copied with its online backup API (consistent while the site runs); PostgreSQL
with ``pg_dump`` in custom format and restored with ``pg_restore``. Uploads are added to
the same ``.tar.gz``, so one file brings a site back.

The issuer keys that sign certificates travel inside the database, their private halves
encrypted with a key derived from ``SECRET_KEY`` — which no backup contains. Keep
``SECRET_KEY`` apart from the backups (DEPLOY.md): with it a restore signs again with the same
key; without it the restore still publishes every old public key (old credentials verify) and
``flask dip credentials rotate-key`` makes a new signing key.
"""
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from dip.extensions import db

DB_SQLITE, DB_PG, MANIFEST = "database.sqlite3", "database.pgdump", "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _pg_env(url) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore, the password passed in the environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres",
            "-d", url.database]
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def backup(target_dir: str | Path) -> Path:
    """Write a backup archive into ``target_dir`` and return its path."""
    url = _url()
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"dip-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as tmp:
        if url.get_backend_name() == "sqlite":
            dump = Path(tmp) / DB_SQLITE
            source = sqlite3.connect(url.database)
            copy = sqlite3.connect(dump)
            with copy:
                source.backup(copy)  # consistent even while the site writes
            source.close()
            copy.close()
        elif url.get_backend_name() == "postgresql":
            dump = Path(tmp) / DB_PG
            args, env = _pg_env(url)
            _run(["pg_dump", "--format=custom", "--no-owner", "-f", str(dump), *args], env)
        else:
            raise BackupError(f"no backup method for {url.get_backend_name()}")
        manifest = {"made_at": stamp, "database": url.get_backend_name(),
                    "alembic": db.session.execute(db.text("SELECT version_num FROM alembic_version"))
                    .scalars().all(),
                    "issuer_keys": [row.kid for row in _issuer_keys()]}
        uploads = Path(current_app.config["UPLOAD_PATH"])
        partial = archive.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            if uploads.exists():
                tar.add(uploads, arcname="uploads")
        os.replace(partial, archive)
    return archive


def restore(archive: str | Path) -> dict:
    """Replace the database and uploads with those in ``archive``; return its manifest."""
    url = _url()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")
            manifest = json.loads((folder / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(f"{archive} is not a DIP backup ({exc})") from exc
        if manifest["database"] != url.get_backend_name():
            raise BackupError(f"this backup is of a {manifest['database']} database")
        db.session.remove()
        db.engine.dispose()
        if url.get_backend_name() == "sqlite":
            check = sqlite3.connect(folder / DB_SQLITE)
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the database in this backup is damaged")
            target = sqlite3.connect(url.database)
            with target:
                check.backup(target)
            check.close()
            target.close()
        else:
            args, env = _pg_env(url)
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  *args, str(folder / DB_PG)], env)
        uploads = Path(current_app.config["UPLOAD_PATH"])
        if (folder / "uploads").exists():
            if uploads.exists():
                shutil.rmtree(uploads)
            shutil.copytree(folder / "uploads", uploads)
    manifest["issuer_key_unlocks"] = _signing_key_unlocks()
    return manifest


def _issuer_keys():
    from dip.modules.assignments import keys

    return keys.all_keys()


def _signing_key_unlocks() -> bool | None:
    """Whether this instance's SECRET_KEY unlocks the restored signing key (None: no key yet)."""
    from dip.modules.assignments import keys

    row = keys.signing_key()
    return keys.unlocks(row) if row is not None else None
