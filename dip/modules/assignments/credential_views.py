"""Signed certificates in public: the check page, the credential file, the issuer keys, the
status lists. Every route here is open to anyone, signed in or not, and shows nothing but
the certificate and the programme (never the cohort or the camp)."""
import logging

from flask import Response, abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from dip.core.access import public
from dip.modules.assignments import completion, credentials, keys, verification
from dip.modules.assignments.blueprint import bp
from dip.modules.assignments.forms import CheckForm
from dip.modules.assignments.models import Certificate

log = logging.getLogger("dip.credentials")


def base_url() -> str:
    """The public address credentials name: ``PUBLIC_URL``, else the one this request used."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def qr_svg(url: str) -> Markup:
    """``url`` as a QR code, inline SVG (black on white, with its quiet zone)."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(omitsize=True, svgclass="qr", lineclass=None, border=4,
                                  title=url))


def credential_or_none(cert: Certificate) -> str | None:
    """The certificate's signed credential, or None while the signing key is locked (a
    SECRET_KEY that is not the one the key was stored with): pages still answer."""
    try:
        return credentials.credential_of(cert, base_url())
    except keys.KeyLocked:
        log.error("cannot sign certificate %s: the issuer key is locked; set the SECRET_KEY it "
                  "was made with, or run `flask dip credentials rotate-key`", cert.id)
        return None


def _open_to_all(response: Response) -> Response:
    # Wallets and verifiers in other sites' pages fetch these public documents.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _submitted(form: CheckForm) -> str | None:
    """The credential text a visitor pasted or uploaded, or None (errors set on the form)."""
    if not form.validate_on_submit():
        return None
    upload = form.upload.data
    if upload is not None and getattr(upload, "filename", ""):
        data = upload.stream.read(verification.MAX_BYTES + 1)
        if len(data) > verification.MAX_BYTES:
            form.upload.errors.append(_("This file is too big to be a credential."))
            return None
        return data.decode("utf-8", errors="replace")
    if (form.token.data or "").strip():
        return form.token.data
    form.token.errors.append(_("Paste the credential, or choose its file."))
    return None


def _check_form() -> tuple[CheckForm, verification.Check | None]:
    form = CheckForm()
    checked = None
    if request.method == "POST":
        token = _submitted(form)
        checked = verification.check(token) if token is not None else None
        form.token.data = ""  # the answer matters, not 10 KB of base64 sent back over slow data
    return form, checked


@bp.route("/verify/", methods=["GET", "POST"])
@public
def check_page():
    """Anyone checks a credential file here, without its code."""
    form, checked = _check_form()
    return render_template("assignments/verify.html", cert=None, form=form, checked=checked,
                           missing=False)


@bp.route("/verify/<code>", methods=["GET", "POST"])
@public
def verify(code: str):
    """Public check of a certificate: the name shown, the programme, the date and what was
    checked (signature, issuer key, status); anyone may check a credential file here too."""
    form, checked = _check_form()
    found = completion.certificate_by_code(code[:40])
    if found is None:
        return render_template("assignments/verify.html", cert=None, form=form, checked=checked,
                               missing=True), 404
    cert = found[0]
    token = credential_or_none(cert)
    return render_template("assignments/verify.html", cert=cert, form=form, checked=checked,
                           own=verification.check(token) if token else None, missing=False)


@bp.route("/verify/<code>/credential.jwt")
@public
def credential_file(code: str):
    """The certificate as a signed Open Badges 3.0 credential (VC-JOSE, ``application/vc+jwt``)."""
    found = completion.certificate_by_code(code[:40])
    if found is None:
        abort(404)
    token = credential_or_none(found[0])
    if token is None:
        abort(503)
    return _open_to_all(Response(token, mimetype=credentials.MEDIA_TYPE, headers={
        "Content-Disposition": f"attachment; filename=dip-certificate-{found[0].code}.jwt"}))


@bp.route("/.well-known/jwks.json")
@public
def jwks():
    """Every public key the programme signs with or signed with, each with its ``kid``."""
    return _open_to_all(jsonify(keys.jwks()))


@bp.route("/.well-known/jwt-vc-issuer")
@public
def issuer_metadata():
    """Where a verifier that starts from the issuer's address finds its keys (SD-JWT VC)."""
    base = base_url()
    return _open_to_all(jsonify({"issuer": base, "jwks_uri": f"{base}/.well-known/jwks.json"}))


@bp.route("/credentials/status/<int:number>")
@public
def status_list(number: int):
    """Revocation status list ``number``, signed (a Bitstring Status List credential)."""
    if number not in credentials.status_lists():
        abort(404)
    try:
        token = credentials.signed_status_list(number, base_url())
    except keys.KeyLocked:
        log.error("cannot sign status list %s: the issuer key is locked", number)
        abort(503)
    return _open_to_all(Response(token, mimetype=credentials.MEDIA_TYPE))
