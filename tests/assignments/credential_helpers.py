"""A verifier that knows no database, for the credential tests.

``offline_verify`` and ``status_bit`` use only jwcrypto and the standard library on the two
public documents a verifier holds (the credential file and the JWKS, the status list file):
nothing of the platform, so they check what any outside verifier would.
"""
import base64
import gzip
import json

from jwcrypto import jwk, jws


def offline_verify(token: str, jwks_json: str) -> tuple[dict, dict]:
    """Verify a compact JWS against a JWKS document; return (header, claims) or raise."""
    keyset = jwk.JWKSet.from_json(jwks_json)
    parsed = jws.JWS()
    parsed.allowed_algs = ["EdDSA"]
    parsed.deserialize(token)
    header = parsed.jose_header
    key = keyset.get_key(header["kid"])
    if key is None:
        raise LookupError("no published key has this kid")
    parsed.verify(key)
    return header, json.loads(parsed.payload)


def status_bit(encoded_list: str, index: int) -> int:
    """Bitstring Status List: multibase 'u' + base64url(gzip(bits)), index 0 the left-most."""
    assert encoded_list.startswith("u")
    data = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    assert len(bits) * 8 >= 131072
    return (bits[index // 8] >> (7 - index % 8)) & 1
