"""Certificates as signed Open Badges 3.0 credentials, and the list that revokes them.

A certificate's credential is an ``OpenBadgeCredential`` (W3C VC Data Model 2.0, 1EdTech
Open Badges 3.0) secured with VC-JOSE: a compact JWS signed EdDSA by the active issuer key
(``keys.py``). It is made the first time it is needed and kept, so the fingerprint printed
on paper stays true; it is made again only when the learner changes the name it shows.
Revocation is a W3C Bitstring Status List: each certificate holds a random place in a list
of 131,072 bits, published signed at ``/credentials/status/<n>``.

The credential says what the certificate says and no more: the name the learner chose, the
programme, the achievement, its criteria and the rule met. Never the cohort or the camp.
"""
import base64
import gzip
import hashlib
import io
import secrets
import uuid
from datetime import UTC, datetime, time

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.assignments import completion, keys
from dip.modules.assignments.models import Certificate, IssuerKey

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
MEDIA_TYPE = "application/vc+jwt"
ACHIEVEMENT = "DIP freelancer-readiness certificate"
ISSUER_DESCRIPTION = ("A six-month course that takes refugees from no digital skills to earning "
                      "an income as online freelancers.")
#: Bits in one status list: the specification's minimum, so one index hides among many.
LIST_SIZE = 131072
DIGCOMP_URL = "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"
DIGCOMP = {
    "1.1": "Browsing, searching and filtering data, information and digital content",
    "1.2": "Evaluating data, information and digital content",
    "1.3": "Managing data, information and digital content",
    "2.1": "Interacting through digital technologies",
    "2.2": "Sharing through digital technologies",
    "2.3": "Engaging in citizenship through digital technologies",
    "2.4": "Collaborating through digital technologies", "2.5": "Netiquette",
    "2.6": "Managing digital identity", "3.1": "Developing digital content",
    "3.2": "Integrating and re-elaborating digital content", "3.3": "Copyright and licences",
    "3.4": "Programming", "4.1": "Protecting devices",
    "4.2": "Protecting personal data and privacy", "4.3": "Protecting health and well-being",
    "4.4": "Protecting the environment", "5.1": "Solving technical problems",
    "5.2": "Identifying needs and technological responses",
    "5.3": "Creatively using digital technologies", "5.4": "Identifying digital competence gaps",
}


def fingerprint(token: str) -> str:
    """The short fingerprint printed on paper: the first 64 bits of the file's SHA-256."""
    digest = hashlib.sha256(token.encode()).hexdigest().upper()
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def status_list_url(base: str, number: int) -> str:
    """Where status list ``number`` is published."""
    return f"{base}/credentials/status/{number}"


# ---- the programme and its achievement ----

def programme_modules(lang: str = "en") -> list[dict]:
    """The core modules (key, title, hours, summary, DigComp codes) in teaching order, their
    texts in ``lang`` (English, the credential's language, by default)."""
    from dip.modules.curriculum import services as curriculum

    found = [{"key": m.key, "title": m.title_in(lang), "hours": m.hours,
              "summary": (m.summaries or {}).get(lang) or (m.summaries or {}).get("en", ""),
              "digcomp": list(m.digcomp or [])}
             for m in curriculum.modules() if m.kind == "core"]
    if found:
        return found
    from dip.modules.curriculum import content  # not synced yet: the catalogue says the same

    return [{"key": m["key"], "title": m["titles"].get(lang) or m["titles"]["en"],
             "hours": m["hours"], "digcomp": m["digcomp"],
             "summary": m["summaries"].get(lang) or m["summaries"].get("en", "")}
            for m in content.load_catalogue(content.root()) if m["kind"] == "core"]


def _achievement(base: str, rule, modules: list[dict]) -> dict:
    achievement_id = f"{base}/credentials/achievements/freelancer-readiness"
    pass_pct, attend_pct = (completion.percent_text(v) for v in rule)
    hours = sum(m["hours"] for m in modules)
    listing = "\n".join(f"{i}. {m['title']} ({m['hours']} hours)"
                        for i, m in enumerate(modules, start=1))
    codes = sorted({c for m in modules for c in m["digcomp"] if c in DIGCOMP},
                   key=lambda c: tuple(int(p) for p in c.split(".")))
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": ACHIEVEMENT,
        "description": (f"Awarded for completing the Digital Inclusion Program: {len(modules)} "
                        f"modules, {hours} hours over six months, from first steps with a "
                        "computer to finding and doing paid freelance work online."),
        "criteria": {"narrative": (
            f"Follow the {len(modules)} modules of the course ({hours} hours):\n\n{listing}\n\n"
            "and meet the completion rule:\n\n"
            f"- every required assignment passed with at least {pass_pct}%, graded by a trainer "
            "against its rubric;\n"
            f"- at least {attend_pct}% of classes attended (excused absences not counted).")},
        "humanCode": "DIP-FR",
        "fieldOfStudy": "Digital skills and online freelancing",
        "inLanguage": "en",
        "tag": ["digital skills", "freelancing", "DigComp 2.2"],
        "alignment": [
            {"type": ["Alignment"], "targetName": m["title"], "targetCode": m["key"],
             "targetDescription": f"{m['hours']} hours. {m['summary']}".strip(),
             "targetFramework": "DIP curriculum", "targetUrl": f"{base}/learn/{m['key']}/"}
            for m in modules
        ] + [
            {"type": ["Alignment"], "targetName": DIGCOMP[code], "targetCode": code,
             "targetFramework": "DigComp 2.2", "targetUrl": DIGCOMP_URL}
            for code in codes
        ],
        "resultDescription": [
            {"id": f"{achievement_id}#assignments-{pass_pct}", "type": ["ResultDescription"],
             "name": f"Every required assignment passed with at least {pass_pct}%",
             "resultType": "Status"},
            {"id": f"{achievement_id}#attendance-{attend_pct}", "type": ["ResultDescription"],
             "name": f"At least {attend_pct}% of classes attended", "resultType": "Status"},
        ],
    }


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def build(cert: Certificate, base: str) -> dict:
    """The unsigned OpenBadgeCredential of ``cert`` (it must have its status-list place)."""
    achievement = _achievement(base, completion.rule_of(cert.cohort_id), programme_modules())
    list_url = status_list_url(base, cert.status_list)
    awarded = datetime.combine(cert.issued_on, time())
    issued, credential_id = _stamp(awarded), f"{base}/verify/{cert.code}"
    # An opaque subject id: it names this holder of this certificate and nothing else.
    subject_id = uuid.uuid5(uuid.NAMESPACE_URL, f"dip-certificate:{cert.code}").urn
    return {
        "@context": CONTEXTS,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": ACHIEVEMENT,
        "issuer": {"id": base, "type": ["Profile"], "name": completion.PROGRAM_NAME,
                   "url": f"{base}/", "description": ISSUER_DESCRIPTION},
        "validFrom": issued,
        "awardedDate": issued,
        # The JWT claims Open Badges 3.0 asks of a JWT proof, equal to the credential's own
        # values (VC-JOSE-COSE §3.1.3); iat is when this signature was made.
        "iss": base,
        "jti": credential_id,
        "sub": subject_id,
        "nbf": int(awarded.replace(tzinfo=UTC).timestamp()),
        "iat": int(utcnow().replace(tzinfo=UTC).timestamp()),
        "credentialSubject": {
            "id": subject_id,
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": cert.shown_name}],
            "achievement": achievement,
            "result": [{"type": ["Result"], "resultDescription": rd["id"], "status": "Completed"}
                       for rd in achievement["resultDescription"]],
        },
        "credentialStatus": {
            "id": f"{list_url}#{cert.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(cert.status_index),
            "statusListCredential": list_url,
        },
    }


# ---- making and keeping a certificate's credential ----

def _place(cert: Certificate) -> None:
    """Give ``cert`` a random free place in the open status list (once; safe in parallel)."""
    for _attempt in range(8):
        if cert.status_index is not None:
            return
        number = db.session.scalar(select(func.max(Certificate.status_list))
                                   .where(Certificate.status_index.is_not(None))) or 1
        taken = set(db.session.scalars(select(Certificate.status_index).where(
            Certificate.status_list == number, Certificate.status_index.is_not(None))))
        if len(taken) >= LIST_SIZE // 2:  # keep lists sparse: a new list, not a crowded one
            number, taken = number + 1, set()
        index = secrets.randbelow(LIST_SIZE)
        while index in taken:
            index = secrets.randbelow(LIST_SIZE)
        try:
            db.session.execute(update(Certificate).where(
                Certificate.id == cert.id, Certificate.status_index.is_(None))
                .values(status_list=number, status_index=index))
            db.session.commit()
        except IntegrityError:  # another certificate took that place at the same moment
            db.session.rollback()
        db.session.refresh(cert)
    if cert.status_index is None:
        raise RuntimeError("no free place in the status list")


def credential_of(cert: Certificate, base: str) -> str:
    """The certificate's signed credential (compact JWS), made and kept the first time."""
    if cert.credential:
        return cert.credential
    _place(cert)
    token = keys.sign(build(cert, base))
    # Two first requests at once: the first kept wins, and both answer with it.
    db.session.execute(update(Certificate).where(Certificate.id == cert.id,
                                                 Certificate.credential.is_(None))
                       .values(credential=token))
    db.session.commit()
    db.session.refresh(cert)
    return cert.credential


# ---- the status list ----

def encode_bits(indexes) -> str:
    """Bitstring Status List ``encodedList``: multibase base64url (no padding) of the GZIP of
    LIST_SIZE bits, index 0 the left-most bit of the first byte."""
    bits = bytearray(LIST_SIZE // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)  # mtime 0: the same list, the same bytes
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def bit_at(encoded: str, index: int) -> int:
    """The status bit at ``index`` of an ``encodedList`` (the inverse of ``encode_bits``)."""
    if not encoded.startswith("u"):
        raise ValueError("not base64url multibase")
    data = encoded[1:]
    packed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
        bits = stream.read(LIST_SIZE)  # never more than one list, whatever the file says
    if not 0 <= index < len(bits) * 8:
        raise ValueError("index outside the list")
    return (bits[index // 8] >> (7 - index % 8)) & 1


def status_lists() -> list[int]:
    """The numbers of the published status lists (list 1 always exists)."""
    numbers = set(db.session.scalars(select(Certificate.status_list).where(
        Certificate.status_index.is_not(None)).distinct()))
    return sorted(numbers | {1})


def status_list_credential(number: int, base: str) -> dict:
    """The unsigned BitstringStatusListCredential of list ``number``."""
    revoked = db.session.execute(select(Certificate.status_index, Certificate.revoked_at).where(
        Certificate.status_list == number, Certificate.status_index.is_not(None),
        Certificate.revoked_at.is_not(None))).all()
    # validFrom is the list's last change, so the same list is the same signed document.
    changed = max((r.revoked_at for r in revoked), default=None) or db.session.scalar(
        select(func.min(IssuerKey.created_at))) or utcnow()
    url = status_list_url(base, number)
    return {
        "@context": CONTEXTS[:1],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": base,
        "validFrom": _stamp(changed),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation",
                              "encodedList": encode_bits(r.status_index for r in revoked)},
    }


def signed_status_list(number: int, base: str) -> str:
    """Status list ``number`` signed as VC-JOSE, as served at its stable URL."""
    return keys.sign(status_list_credential(number, base))


def certificate_at(number: int, index: int) -> Certificate | None:
    """The certificate holding place ``index`` of status list ``number``."""
    return db.session.scalar(select(Certificate).where(Certificate.status_list == number,
                                                       Certificate.status_index == index))
