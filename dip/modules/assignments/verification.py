"""Checking a credential the way any verifier would: issuer key, signature, then status.

The check uses only what the programme publishes — the public keys of the JWKS and the
signed status list — so the page shows a reader exactly what an offline verifier holding
those two documents would conclude. Anything pasted or uploaded is untrusted: every step
fails into a plain answer, never an exception.
"""
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from jwcrypto import jws
from jwcrypto.common import JWException

from dip.modules.assignments import credentials, keys
from dip.modules.assignments.models import Certificate, IssuerKey

#: Largest credential accepted for checking (a DIP credential is about 5 KB).
MAX_BYTES = 64 * 1024
COMPACT_RE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
LIST_RE = re.compile(r"/credentials/status/([0-9]{1,6})$")


@dataclass
class Check:
    """What checking one credential found; a step left ``None`` could not be taken."""

    fingerprint: str | None = None
    readable: bool = False              # a compact JWS whose header names a key
    key: IssuerKey | None = None        # the programme's key it names, if any
    signature: bool | None = None       # the signature matches that key
    revoked: bool | None = None         # what the signed status list says
    revoked_at: datetime | None = None
    signed_at: datetime | None = None
    claims: dict | None = None          # the credential, once its signature holds
    certificate: Certificate | None = None

    @property
    def valid(self) -> bool:
        """Signed by a programme key, unchanged, and not revoked."""
        return bool(self.key and self.signature and self.revoked is False)

    @property
    def shown(self) -> dict:
        """Name, achievement, programme and date as the (verified) credential states them."""
        claims = self.claims or {}
        subject = claims.get("credentialSubject") if isinstance(claims, dict) else None
        subject = subject if isinstance(subject, dict) else {}
        names = [i.get("identityHash") for i in subject.get("identifier") or []
                 if isinstance(i, dict) and i.get("identityType") == "name"]
        achievement = subject.get("achievement") if isinstance(subject.get("achievement"),
                                                               dict) else {}
        issuer = claims.get("issuer") if isinstance(claims.get("issuer"), dict) else {}
        return {"name": _text(names[0] if names else None),
                "achievement": _text(achievement.get("name")),
                "programme": _text(issuer.get("name")),
                "issued": _day(claims.get("validFrom"))}


def _text(value) -> str | None:
    return value[:200] if isinstance(value, str) else None


def _day(value):
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _verified(token: str, key: IssuerKey) -> dict | None:
    """The claims of ``token`` if its EdDSA signature holds under ``key``, else None."""
    parsed = jws.JWS()
    parsed.allowed_algs = [keys.ALG]  # nothing else, however the header asks
    try:
        parsed.deserialize(token)
        parsed.verify(keys.public_key(key))
        claims = json.loads(parsed.payload)
    except (JWException, ValueError, TypeError):
        return None
    return claims if isinstance(claims, dict) else None


def _header(token: str) -> dict | None:
    parsed = jws.JWS()
    try:
        parsed.deserialize(token)
        header = parsed.jose_header
    except (JWException, ValueError, TypeError, KeyError):
        return None
    return header if isinstance(header, dict) else None


def check(token) -> Check:
    """Check ``token`` (the text of a credential file): key, signature, then status."""
    token = token.strip() if isinstance(token, str) else ""
    result = Check()
    if not token or len(token) > MAX_BYTES or not COMPACT_RE.match(token):
        return result
    result.fingerprint = credentials.fingerprint(token)
    header = _header(token)
    if header is None:
        return result
    result.readable = True
    result.key = keys.key_by_kid(header.get("kid"))
    if result.key is None:
        return result
    claims = _verified(token, result.key)
    result.signature = claims is not None
    if claims is None:
        return result
    result.claims = claims
    if isinstance(claims.get("iat"), int) and 0 < claims["iat"] < 2 ** 34:
        result.signed_at = datetime.fromtimestamp(claims["iat"], UTC).replace(tzinfo=None)
    _status(result, claims.get("credentialStatus"))
    return result


def _status(result: Check, entry) -> None:
    """Read the credential's bit in the programme's signed status list."""
    entries = entry if isinstance(entry, list) else [entry]
    entry = next((e for e in entries if isinstance(e, dict)
                  and e.get("type") == "BitstringStatusListEntry"
                  and e.get("statusPurpose") == "revocation"), None)
    if entry is None:
        return
    url, index = entry.get("statusListCredential"), entry.get("statusListIndex")
    found = LIST_RE.search(url) if isinstance(url, str) else None
    if not found or not isinstance(index, str) or not index.isdigit() or len(index) > 7:
        return
    number, index = int(found.group(1)), int(index)
    if number not in credentials.status_lists():
        return
    base = url[:found.start()]
    try:
        listed = credentials.signed_status_list(number, base)
    except keys.KeyLocked:  # the list cannot be signed now: the status stays unknown
        return
    status = _verified(listed, keys.key_by_kid(_header(listed)["kid"]))
    try:
        bit = credentials.bit_at(status["credentialSubject"]["encodedList"], index)
    except (TypeError, KeyError, ValueError, OSError, EOFError):
        return
    result.revoked = bool(bit)
    result.certificate = credentials.certificate_at(number, index)
    if result.revoked and result.certificate is not None:
        result.revoked_at = result.certificate.revoked_at
