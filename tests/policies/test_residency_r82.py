"""Red-team round 82 of the residency pack: base64url, Z85 and Ascii85 without its frame, decoded by the
scanner (policies/core/encodings.py) and read by the policy prefilter (policies/core/policy_text.py)
(corpus: tests/corpus/residency/*/r82-*.yaml).
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest
from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

from policies.core.encodings import decoded_text
from policies.core.policy_text import may_hold

FN = "aws:lambda/function:Function"
WHERE = "environment.variables.P.(decoded).Statement.0.Principal"
_Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"


def _policy_of(account: str) -> bytes:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:role/reporting"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::eloket-data", "arn:aws:s3:::eloket-data/*"]}]}).encode()


def _raw_deflate(raw: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(raw) + packer.flush()


def _z85(raw: bytes) -> str:
    """ZeroMQ RFC 32: big-endian 4-byte groups as 5 digits of base 85; the sender pads to 4 bytes."""
    raw += b"\0" * (-len(raw) % 4)
    out = []
    for i in range(0, len(raw), 4):
        n = int.from_bytes(raw[i:i + 4], "big")
        out.append("".join(_Z85[n // 85 ** k % 85] for k in range(4, -1, -1)))
    return "".join(out)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


ENCODINGS = {
    "base64url-raw-deflate": lambda p: _b64url(_raw_deflate(p)),  # a compressed JWE payload (zip DEF)
    "base64url-zlib": lambda p: _b64url(zlib.compress(p)),
    "z85": _z85,
    "ascii85-frameless": lambda p: base64.a85encode(p).decode(),
}


@pytest.mark.parametrize("encode", list(ENCODINGS.values()), ids=list(ENCODINGS))
def test_a_policy_in_round_82s_encodings_is_read(encode):
    """Round 81's lead 1 (r82-01..03): the same policy, the same grant; the own account's passes."""
    other = encode(_policy_of("444455556666"))
    assert may_hold(other)
    view = pinned_res(FN, "f", {"environment": {"variables": {"P": other, "B": "eloket-data"}}})
    assert messages(REPLICATION, view, ALLOWED) == [grant_message(WHERE, "444455556666")]
    own = pinned_res(FN, "f", {"environment": {"variables": {"P": encode(_policy_of("123456789012"))}}})
    assert messages(REPLICATION, own, ALLOWED) == []


def test_urls_in_round_82s_encodings_are_decoded():
    """r82-04: the scanner reads an upload URL written so; hyphenated names, keys and tokens stay unread."""
    url = b"https://upload.partner-us.example/v1/dossiers?token=a&x=~"
    for value in (_b64url(url), _z85(url), base64.a85encode(url).decode()):
        assert decoded_text(value) == url.decode(), value
    for value in ("eloket-export-function-prod-2026", "eloket_data_bucket_name_eu",
                  _b64url(bytes(range(7, 247, 7))),
                  _z85(bytes(range(3, 243, 3))), "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"):
        assert decoded_text(value) is None, value


def test_a_jwt_header_and_flags_pass():
    """good/r82-01: base64url that is no policy (a JWT header, a flag set) names no principal."""
    header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "eloket-2026"}).encode())
    view = pinned_res(FN, "f", {"environment": {"variables": {"H": header, "F": _b64url(b"\xfb\xff{}")}}})
    assert messages(REPLICATION, view, ALLOWED) == []


def _jwt(claims: bytes, header: dict[str, str]) -> str:
    return ".".join((_b64url(json.dumps(header).encode()), _b64url(claims), _b64url(bytes(range(32)))))


@pytest.mark.parametrize("zipped", [False, True], ids=["plain", "zip-def"])
def test_a_policy_in_a_jwts_claims_is_read(zipped):
    """Probes of the fix (r82-11, r82-12): a JWT's claims are decoded (a `zip: DEF` payload inflated); the
    own account's passes (good/r82-07)."""
    header = {"alg": "HS256", "typ": "JWT", **({"zip": "DEF"} if zipped else {})}

    def token(account: str) -> str:
        claims = b'{"sub":"policy-sync","policy":' + _policy_of(account) + b"}"
        return _jwt(_raw_deflate(claims) if zipped else claims, header)

    view = pinned_res(FN, "f", {"environment": {"variables": {"P": token("444455556666")}}})
    assert messages(REPLICATION, view, ALLOWED) == [grant_message(WHERE.replace(
        "(decoded).", "(decoded).policy."), "444455556666")]
    own = pinned_res(FN, "f", {"environment": {"variables": {"P": token("123456789012")}}})
    assert messages(REPLICATION, own, ALLOWED) == []
