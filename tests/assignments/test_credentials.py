"""Certificates as signed Open Badges 3.0 credentials: what an outside verifier can prove with
only the public documents, and what a tampered or revoked credential looks like."""
import base64
import hashlib
import json

import pytest
from jwcrypto.common import JWException

from dip.modules.assignments import completion, credentials, keys
from tests.assignments.credential_helpers import offline_verify, status_bit
from tests.conftest import form
from tests.helpers import assert_light_page

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def _visible_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").main.get_text(" ")


def _download(client, cert) -> str:
    response = client.get(f"/verify/{cert.code}/credential.jwt")
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_data(as_text=True)


def _jwks(client) -> str:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and response.is_json
    return response.get_data(as_text=True)


def test_a_downloaded_credential_verifies_with_only_the_jwks(client, certified):
    token, jwks = _download(client, certified["cert"]), _jwks(client)
    header, claims = offline_verify(token, jwks)  # jwcrypto and the two files, nothing else

    assert header == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": header["kid"]}
    assert header["kid"].startswith("urn:ietf:params:oauth:jwk-thumbprint:sha-256:")
    published = json.loads(jwks)["keys"]
    assert [k["kid"] for k in published] == [header["kid"]]
    assert all("d" not in k for k in published)  # never the private half
    assert claims["@context"] == CONTEXTS
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["issuer"]["type"] == ["Profile"]
    assert claims["issuer"]["name"] == "Digital Inclusion Program"
    assert claims["validFrom"] == f"{certified['cert'].issued_on.isoformat()}T00:00:00Z"
    # The JWT claims Open Badges 3.0 reads agree with the credential.
    assert (claims["iss"], claims["jti"], claims["sub"]) == (
        claims["issuer"]["id"], claims["id"], claims["credentialSubject"]["id"])
    subject = claims["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [{"type": "IdentityObject", "identityType": "name",
                                      "hashed": False, "identityHash": "Learner.A"}]
    achievement = subject["achievement"]
    assert achievement["name"] == "DIP freelancer-readiness certificate"
    assert achievement["achievementType"] == "Certificate"
    narrative = achievement["criteria"]["narrative"]
    assert "211 hours" in narrative and "Spreadsheets (30 hours)" in narrative
    assert "at least 60%" in narrative and "at least 80% of classes" in narrative
    modules = [a["targetName"] for a in achievement["alignment"]
               if a["targetFramework"] == "DIP curriculum"]
    assert len(modules) == 6 and modules[0] == "Digital culture"
    assert {r["status"] for r in subject["result"]} == {"Completed"}
    assert {r["resultDescription"] for r in subject["result"]} == {
        d["id"] for d in achievement["resultDescription"]}
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].endswith("/credentials/status/1")
    assert 0 <= int(status["statusListIndex"]) < 131072
    # The certificate and the programme, never the cohort, the camp or the account.
    text = json.dumps(claims)
    for private in ("A1", "Dzaleka", "learner.a", certified["learner"].username):
        assert f'"{private}"' not in text and private not in narrative
    assert "Dzaleka" not in text and "Cohort" not in text


def test_the_credential_stays_the_same_file_until_the_name_changes(client, auth, certified):
    first = _download(client, certified["cert"])
    assert _download(client, certified["cert"]) == first  # the fingerprint on paper stays true
    auth.login("learner.a")
    client.post(f"/certificates/{certified['cert'].id}", data=form(name="Amina K."))
    renamed = _download(client, certified["cert"])
    _header, claims = offline_verify(renamed, _jwks(client))
    assert renamed != first
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Amina K."


def _tampered(token: str, position: int) -> str:
    """``token`` with one byte of its credential (the decoded payload) changed."""
    head, payload, signature = token.split(".")
    data = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data[position] ^= 0x01
    return ".".join((head, base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode(),
                     signature))


def test_one_changed_byte_in_the_credential_fails_verification(client, certified):
    token, jwks = _download(client, certified["cert"]), _jwks(client)
    size = len(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    # About 400 positions spread over the whole credential, its first and last byte included.
    for position in sorted(set(range(0, size, max(1, size // 400))) | {size - 1}):
        with pytest.raises(JWException):
            offline_verify(_tampered(token, position), jwks)
    # One changed character of the signature fails too.
    head, payload, signature = token.split(".")
    for i in range(0, len(signature) - 1, 7):  # (the last character has unused bits)
        other = "A" if signature[i] != "A" else "B"
        with pytest.raises(JWException):
            offline_verify(".".join((head, payload, signature[:i] + other + signature[i + 1:])),
                           jwks)
    # The check page says so, in words.
    name_at = base64.urlsafe_b64decode(token.split(".")[1] + "==").index(b"Learner.A")
    html = client.post("/verify/", data={"token": _tampered(token, name_at)}).get_data(
        as_text=True)
    assert "Signature: it does not match" in html and "Not a valid credential" in html
    assert token.split(".")[2] not in html  # the answer comes back, not the 10 KB pasted


def test_a_revoked_certificate_is_revoked_in_its_signed_status_list(client, auth, certified):
    token, token2 = _download(client, certified["cert"]), _download(client, certified["cert2"])
    auth.login("coord.a")
    client.post(f"/certificates/{certified['cert'].id}/revoke", data=form(reason="Mistake"))
    auth.logout()
    jwks = _jwks(client)
    _h, claims = offline_verify(token, jwks)  # still a signature of the programme…
    entry = claims["credentialStatus"]
    listed = client.get(entry["statusListCredential"].replace("http://localhost", ""))
    assert listed.status_code == 200 and listed.mimetype == "application/vc+jwt"
    header, status_list = offline_verify(listed.get_data(as_text=True), jwks)  # …signed too
    assert header["typ"] == "vc+jwt"
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["id"] == entry["statusListCredential"]
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    assert status_bit(subject["encodedList"], int(entry["statusListIndex"])) == 1  # revoked
    _h, claims2 = offline_verify(token2, jwks)
    assert status_bit(subject["encodedList"],
                      int(claims2["credentialStatus"]["statusListIndex"])) == 0  # not revoked

    day = certified["cert"].revoked_at.strftime("%b %-d, %Y")
    page = client.get(f"/verify/{certified['cert'].code}").get_data(as_text=True)
    assert "Revoked" in page and "Valid" not in page
    assert f"Status: revoked on {day}" in page
    checked = client.post("/verify/", data={"token": token}).get_data(as_text=True)
    assert f"Status: revoked on {day}" in checked and "Signature: it matches" in checked


def test_the_check_page_shows_what_was_checked_and_not_the_cohort_or_camp(client, certified):
    response = client.get(f"/verify/{certified['cert'].code}")
    html = response.get_data(as_text=True)
    assert "Valid" in html and "Learner.A" in html and "Digital Inclusion Program" in html
    for step in ("Issuer key: a key the Digital Inclusion Program publishes",
                 "Signature: it matches", "Status: not revoked"):
        assert step in html
    token = _download(client, certified["cert"])
    assert credentials.fingerprint(token) in html
    assert credentials.fingerprint(token).replace(" ", "") == \
        hashlib.sha256(token.encode()).hexdigest().upper()[:16]
    shown = _visible_text(html).replace(certified["cert"].code, "").replace(
        credentials.fingerprint(token), "")  # random letters could spell anything
    assert "A1" not in shown and "Dzaleka" not in shown and "Cohort" not in shown
    assert '<script' not in html and 'enctype="multipart/form-data"' in html
    assert_light_page(client, response)


def test_anyone_uploads_a_credential_file_to_check_it(client, certified):
    token = _download(client, certified["cert"])
    import io
    response = client.post(f"/verify/{certified['cert2'].code}", content_type="multipart/form-data",
                           data={"upload": (io.BytesIO(token.encode()), "mine.jwt")})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("Signature: it matches") == 2  # the page's own check and the upload's
    assert "Learner.A" in html and credentials.fingerprint(token) in html


@pytest.mark.parametrize("payload", [
    b"", b"\x00\xff\xfe garbage", b"a.b.c", b"eyJ.eyJ.eyJ", b"{\"@context\": []}",
    b"eyJhbGciOiJub25lIn0.eyJhIjoxfQ.",  # alg none, no signature
    base64.urlsafe_b64encode(b'{"alg":"EdDSA","kid":{"x":1}}').rstrip(b"=") + b".e30.AAAA",
    base64.urlsafe_b64encode(b'["not", "an", "object"]').rstrip(b"=") + b".e30.AAAA",
    b"x" * 70_000,
])
def test_garbage_is_answered_in_words_never_a_server_error(client, certified, payload):
    import io
    for data in ({"token": payload.decode("latin-1")},
                 {"upload": (io.BytesIO(payload), "credential.jwt")}):
        response = client.post("/verify/", data=data, content_type="multipart/form-data")
        assert response.status_code == 200, payload[:40]
        html = response.get_data(as_text=True)
        assert "Valid</strong>" not in html


def test_a_credential_signed_with_another_key_is_not_the_programmes(client, certified):
    from jwcrypto import jwk, jws

    token = _download(client, certified["cert"])
    stranger = jwk.JWK.generate(kty="OKP", crv="Ed25519")
    forged = jws.JWS(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    forged.add_signature(stranger, None, json.dumps(
        {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": stranger.thumbprint_uri()}))
    html = client.post("/verify/", data={"token": forged.serialize(compact=True)}).get_data(
        as_text=True)
    assert "Issuer key: not a key of the Digital Inclusion Program" in html
    # Naming the programme's kid does not help: the signature is the stranger's.
    same_kid = jws.JWS(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    same_kid.add_signature(stranger, None, json.dumps(
        {"alg": "EdDSA", "kid": json.loads(_jwks(client))["keys"][0]["kid"]}))
    html = client.post("/verify/", data={"token": same_kid.serialize(compact=True)}).get_data(
        as_text=True)
    assert "Signature: it does not match" in html


def test_rotation_keeps_old_credentials_verifiable(client, runner, certified):
    old = _download(client, certified["cert"])
    result = runner.invoke(args=["dip", "credentials", "rotate-key"])
    assert result.exit_code == 0, result.output
    new = _download(client, certified["cert2"])
    jwks = _jwks(client)
    old_header, _c = offline_verify(old, jwks)  # the old key is still published
    new_header, _c = offline_verify(new, jwks)
    assert old_header["kid"] != new_header["kid"]
    assert len(json.loads(jwks)["keys"]) == 2
    assert keys.active_key().kid == new_header["kid"]
    html = client.get(f"/verify/{certified['cert'].code}").get_data(as_text=True)
    assert "Valid" in html and "stays published" in html
    listing = runner.invoke(args=["dip", "credentials", "keys"])
    assert old_header["kid"] in listing.output and "retired" in listing.output


def test_the_private_key_is_stored_encrypted_and_locked_without_the_secret(app, certified):
    from dip.modules.assignments.models import IssuerKey
    from dip.extensions import db

    credentials.credential_of(certified["cert"], "https://dip.example.org")
    row = db.session.scalar(db.select(IssuerKey))
    assert row.private_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert keys.unlocks(row)
    app.config["SECRET_KEY"] = "another secret"
    assert not keys.unlocks(row)
    with pytest.raises(keys.KeyLocked):
        keys.sign({"a": 1})


def test_places_in_the_status_list_are_distinct_and_spread(app, world, make_user):
    from datetime import date

    from dip.core.access import Role
    from dip.extensions import db
    from dip.modules.assignments.models import Certificate

    certs = []
    for n in range(40):
        learner = make_user(Role.LEARNER, cohort=world["cohort_a"])
        cert = Certificate(code=f"code-{n}", learner_id=learner.id, cohort_id=world["cohort_a"].id,
                           shown_name="X", program="P", issued_on=date(2026, 1, 5),
                           issued_by_id=world["coordinator"].id)
        db.session.add(cert)
        certs.append(cert)
    db.session.commit()
    for cert in certs:
        credentials._place(cert)
    indexes = [c.status_index for c in certs]
    assert len(set(indexes)) == 40
    assert max(indexes) - min(indexes) > 131072 // 4  # random, not 0, 1, 2… (no ordering leak)
    revoked = set(indexes[:7])
    encoded = credentials.encode_bits(revoked)
    assert all(status_bit(encoded, i) == (i in revoked) for i in indexes)
    assert all(credentials.bit_at(encoded, i) == (i in revoked) for i in indexes)


def test_keys_and_lists_are_public_documents(client, certified):
    _download(client, certified["cert"])
    issuer = client.get("/.well-known/jwt-vc-issuer").get_json()
    assert issuer == {"issuer": "http://localhost",
                      "jwks_uri": "http://localhost/.well-known/jwks.json"}
    assert client.get("/credentials/status/1").status_code == 200
    assert client.get("/credentials/status/2").status_code == 404
    assert client.get("/verify/no-such-code/credential.jwt").status_code == 404


def test_public_url_names_the_site_inside_credentials(app, client, certified):
    app.config["PUBLIC_URL"] = "https://dip.example.org/"
    _header, claims = offline_verify(
        client.get(f"/verify/{certified['cert'].code}/credential.jwt",
                   headers={"Host": "evil.example"}).get_data(as_text=True), _jwks(client))
    assert claims["issuer"]["id"] == "https://dip.example.org"
    assert claims["id"] == f"https://dip.example.org/verify/{certified['cert'].code}"
    assert claims["credentialStatus"]["statusListCredential"] == \
        "https://dip.example.org/credentials/status/1"


def test_a_learner_whose_certificate_was_renamed_keeps_the_same_place(client, auth, certified):
    _download(client, certified["cert"])
    place = certified["cert"].status_index
    completion.set_shown_name(certified["cert"], "Amina K.")
    _download(client, certified["cert"])
    assert certified["cert"].status_index == place


def _same_bytes(value, token) -> bool:
    """Whether ``value`` decodes to the same header, payload and signature as ``token`` (a
    base64url text can differ in the unused bits of its last character and mean the same)."""
    try:
        parts = [base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in value.split(".")]
    except ValueError:
        return False
    return parts == [base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in token.split(".")]


@pytest.mark.slow
def test_any_text_or_file_gets_an_answer_never_a_server_error(client, certified):
    import io

    from hypothesis import HealthCheck, given, settings, strategies as st

    token = _download(client, certified["cert"])
    segments = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                       max_size=200)
    looks_like_a_jws = st.tuples(segments, segments, segments).map(".".join)
    near_misses = st.integers(0, len(token) - 1).flatmap(
        lambda i: st.sampled_from("A._-=+/ \x00é").map(lambda c: token[:i] + c + token[i + 1:]))

    @settings(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.one_of(st.text(max_size=500), st.binary(max_size=500), looks_like_a_jws,
                     near_misses))
    def check(value):
        if isinstance(value, bytes):
            data = {"upload": (io.BytesIO(value), "x.jwt")}
        else:
            data = {"token": value}
        response = client.post("/verify/", data=data, content_type="multipart/form-data")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        if not (isinstance(value, str) and _same_bytes(value.strip(), token)):
            assert "<strong>Valid</strong>" not in html

    check()


def test_a_locked_signing_key_never_breaks_the_pages(app, client, auth, certified):
    keys.active_key()  # made with this SECRET_KEY…
    app.config["SECRET_KEY"] = "not the secret the key was stored with"  # …then it changed
    auth.login("learner.a")
    page = client.get(f"/certificates/{certified['cert'].id}")
    assert page.status_code == 200 and "Fingerprint" not in page.get_data(as_text=True)
    auth.logout()
    check = client.get(f"/verify/{certified['cert'].code}")
    assert check.status_code == 200
    assert "could not be checked" in check.get_data(as_text=True)
    assert client.get(f"/verify/{certified['cert'].code}/credential.jwt").status_code == 503
    assert client.get("/credentials/status/1").status_code == 503
