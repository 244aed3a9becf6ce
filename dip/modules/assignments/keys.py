"""The programme's signing keys: Ed25519, made on first use, rotated by a command, kept locked.

Keys live in the database, so every web host and worker signs with the same one and a backup
carries it; the private half is stored as PKCS#8 encrypted with a passphrase derived (HKDF)
from ``SECRET_KEY``, which no backup contains. A database dump alone therefore cannot sign.
Rotation retires the signing key but keeps its public half published in the JWKS, so every
credential it signed still verifies.
"""
import base64
import hashlib
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from jwcrypto import jwk, jws
from jwcrypto.common import JWException, json_encode
from sqlalchemy import select

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.assignments.models import IssuerKey

ALG = "EdDSA"
#: VC-JOSE-COSE §3.1.1: a credential secured with JOSE is typed ``vc+jwt``, its content ``vc``.
HEADER = {"alg": ALG, "typ": "vc+jwt", "cty": "vc"}
_unlocked: dict[tuple[str, bytes], jwk.JWK] = {}  # unlocking costs a KDF; keys never change


class KeyLocked(RuntimeError):
    """The signing key cannot be unlocked: SECRET_KEY is not the one it was stored with."""


def _passphrase() -> bytes:
    """The passphrase of the stored private keys, derived from SECRET_KEY."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"dip issuer signing key v1").derive(secret)
    return base64.urlsafe_b64encode(raw)


def _new_key() -> IssuerKey:
    key = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    kid = key.thumbprint_uri()  # RFC 9278: the kid names the key itself, whatever the domain
    public = key.export_public(as_dict=True)
    public.update(kid=kid, use="sig", alg=ALG)
    pem = key.export_to_pem(private_key=True, password=_passphrase()).decode()
    return IssuerKey(kid=kid, public_jwk=public, private_pem=pem, created_at=utcnow())


def signing_key() -> IssuerKey | None:
    """The key that signs now, if one was made (never makes one)."""
    # Two processes may make a first key at the same moment: both then pick the same (oldest).
    return db.session.scalar(select(IssuerKey).where(IssuerKey.retired_at.is_(None))
                             .order_by(IssuerKey.created_at, IssuerKey.kid).limit(1))


def active_key() -> IssuerKey:
    """The key that signs now, made the first time one is needed."""
    row = signing_key()
    if row is None:
        db.session.add(_new_key())
        db.session.commit()
        row = signing_key()
    return row


def rotate() -> IssuerKey:
    """Make a new signing key; the keys before it stop signing but stay published."""
    now = utcnow()
    for row in db.session.scalars(select(IssuerKey).where(IssuerKey.retired_at.is_(None))):
        row.retired_at = now
    row = _new_key()
    db.session.add(row)
    db.session.commit()
    return row


def all_keys() -> list[IssuerKey]:
    """Every issuer key, the newest first."""
    return list(db.session.scalars(select(IssuerKey).order_by(IssuerKey.created_at.desc(),
                                                              IssuerKey.kid)))


def key_by_kid(kid) -> IssuerKey | None:
    """The published key named ``kid`` (anything that is not a short string finds nothing)."""
    if not isinstance(kid, str) or not 0 < len(kid) <= 120:
        return None
    return db.session.get(IssuerKey, kid)


def jwks() -> dict:
    """The JSON Web Key Set of every issuer public key, each with its ``kid``."""
    return {"keys": [dict(row.public_jwk) for row in all_keys()]}


def public_key(row: IssuerKey) -> jwk.JWK:
    """The public half of ``row`` as a jwcrypto key (never the private one)."""
    return jwk.JWK(**row.public_jwk)


def private_key(row: IssuerKey) -> jwk.JWK:
    """Unlock the private half of ``row``; raise KeyLocked when SECRET_KEY cannot."""
    passphrase = _passphrase()
    cache_key = (row.kid, hashlib.sha256(passphrase).digest())
    key = _unlocked.get(cache_key)
    if key is None:
        try:
            key = jwk.JWK.from_pem(row.private_pem.encode(), password=passphrase)
        except (ValueError, TypeError, JWException) as exc:
            raise KeyLocked("the issuer key cannot be unlocked with this SECRET_KEY") from exc
        if key.thumbprint_uri() != row.kid:
            raise KeyLocked("the stored issuer key does not match its kid")
        _unlocked[cache_key] = key
    return key


def unlocks(row: IssuerKey) -> bool:
    """Whether this instance's SECRET_KEY unlocks ``row``."""
    try:
        private_key(row)
    except KeyLocked:
        return False
    return True


def sign(payload: dict) -> str:
    """``payload`` (a credential) as a compact JWS signed EdDSA by the active key."""
    row = active_key()
    token = jws.JWS(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())
    token.add_signature(private_key(row), None, json_encode(dict(HEADER, kid=row.kid)))
    return token.serialize(compact=True)
