"""The issuer key survives a backup and restore, and no backup ever holds it in clear."""
import base64
import json
import shutil
import subprocess
import tarfile

import pytest

from dip.extensions import db
from dip.modules.assignments import credentials, keys
from dip.modules.assignments.models import Certificate
from tests.assignments.credential_helpers import offline_verify


def _archive_database(archive: str, tmp_path) -> bytes:
    """The database inside a backup, as bytes a text search can read."""
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    unpacked = tmp_path / "unpacked"
    if (unpacked / "database.sqlite3").exists():
        return (unpacked / "database.sqlite3").read_bytes()
    # pg_dump's custom format is compressed: read it back as SQL text.
    return subprocess.run(["pg_restore", "--data-only", "-f", "-",
                           str(unpacked / "database.pgdump")],
                          capture_output=True, check=True).stdout


def _private_forms(row) -> list[bytes]:
    """Every way the private key could appear in clear."""
    from cryptography.hazmat.primitives import serialization

    private = keys.private_key(row)
    d = private.export_private(as_dict=True)["d"]
    raw = base64.urlsafe_b64decode(d + "=" * (-len(d) % 4))
    pem = private.export_to_pem(private_key=True, password=None)
    der = private.get_op_key("sign").private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    return [d.encode(), raw, raw.hex().encode(), pem, der, b"BEGIN PRIVATE KEY"]


def test_the_issuer_key_round_trips_through_backup_and_restore(app, client, runner, certified,
                                                               tmp_path):
    if db.engine.url.get_backend_name() == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    token = client.get(f"/verify/{certified['cert'].code}/credential.jwt").get_data(as_text=True)
    other = certified["cert2"].id
    original = keys.signing_key()
    kid, clear = original.kid, _private_forms(original)
    result = runner.invoke(args=["dip", "backup", "--dir", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = result.output.split("Backup written: ")[1].strip()

    dumped = _archive_database(archive, tmp_path)
    assert b"BEGIN ENCRYPTED PRIVATE KEY" in dumped  # the key is in the backup…
    for form in clear:
        assert form not in dumped  # …but never in clear
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["issuer_keys"] == [kid]

    keys.rotate()  # what happens after the backup is lost with the restore
    assert keys.signing_key().kid != kid
    result = runner.invoke(args=["dip", "restore", archive, "--yes"])
    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output

    assert keys.signing_key().kid == kid  # the same key signs again…
    jwks = client.get("/.well-known/jwks.json").get_data(as_text=True)
    assert [k["kid"] for k in json.loads(jwks)["keys"]] == [kid]
    offline_verify(token, jwks)  # …old credentials verify…
    fresh = credentials.credential_of(db.session.get(Certificate, other), "http://localhost")
    header, _claims = offline_verify(fresh, jwks)  # …and new ones are signed with it
    assert header["kid"] == kid


def test_a_restore_without_the_secret_key_says_so_and_old_credentials_still_verify(
        app, client, runner, certified, tmp_path):
    if db.engine.url.get_backend_name() == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed (apt-get install postgresql-client)")
    token = client.get(f"/verify/{certified['cert'].code}/credential.jwt").get_data(as_text=True)
    other = certified["cert2"].id
    result = runner.invoke(args=["dip", "backup", "--dir", str(tmp_path / "backups")])
    archive = result.output.split("Backup written: ")[1].strip()

    app.config["SECRET_KEY"] = "a new machine whose operator lost the old secret"
    result = runner.invoke(args=["dip", "restore", archive, "--yes"])
    assert result.exit_code == 0
    assert "cannot unlock the restored certificate signing key" in result.output
    assert runner.invoke(args=["dip", "credentials", "rotate-key"]).exit_code == 0
    jwks = client.get("/.well-known/jwks.json").get_data(as_text=True)
    offline_verify(token, jwks)  # the old public key is still published
    fresh = credentials.credential_of(db.session.get(Certificate, other), "http://localhost")
    header, _c = offline_verify(fresh, jwks)
    assert header["kid"] == keys.signing_key().kid
