"""Performance round 28 (docs/gate-performance.md): three costs every Azure stack view paid, cut without a
different answer. A Z85-shaped value (every `/subscriptions/…` id a multiple of 5 long) is no longer decoded
whole when its first two groups already say it holds no text; the Azure party pre-check tests its four key
texts one after the other; `credential_subjects` reads no input of a type that is no federated credential."""

from __future__ import annotations

import base64
import bz2
import gzip
import random
import zlib
from typing import Any

import orjson
import pytest
from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret

from policies.core import bare_parties, encodings
from policies.core.trust_parties import CI_ISSUERS, CREDENTIALS, credential_subjects
from policies.core.view import UNKNOWN, ResourceView, is_unknown

_B85 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"
_TO_Z85 = str.maketrans(_B85, encodings._Z85)
SUB = "/subscriptions/{g}/resourceGroups/rg-dosis-{i}/providers/Microsoft.{t}"
TYPES = ["Storage/storageAccounts/st{i}/blobServices/default", "KeyVault/vaults/kv-{i}/keys/cmk",
         "Network/virtualNetworks/vnet-{i}/subnets/app", "Web/sites/app-{i}",
         "Sql/servers/sql-{i}/databases/d"]


def _z85(raw: bytes) -> str:
    return base64.b85encode(raw + b"\0" * (-len(raw) % 4)).decode().translate(_TO_Z85)


def _old_other85(s: str) -> str | None:
    """`_other85` as it was before round 28: the whole value decoded."""
    if encodings._NOT_B64.search(s) is None:
        return None
    try:
        if not len(s) % 5 and encodings._Z85_VALUE.match(s) and (text := encodings._text(base64.b85decode(
                s.translate(encodings._Z85_TO_B85)).rstrip(b"\0"))) is not None:
            return text
        if encodings._A85_VALUE.match(s):
            return encodings._text(base64.a85decode(s))
    except ValueError:
        return None
    return None


def _values(rnd: random.Random, n: int) -> list[str]:
    """Z85-shaped values of every kind `_text` tells apart: texts (URLs), compressed texts (gzip, zlib,
    bzip2, raw deflate), random bytes, NUL padding after one byte, groups that overflow, Azure ids."""
    z85 = encodings._Z85
    out = []
    for i in range(n):
        kind = i % 7
        if kind == 0:
            out.append("".join(rnd.choice(z85) for _ in range(5 * rnd.randint(4, 30))))
        elif kind == 1:
            url = f"https://exfil{i}.example.com/{'x' * rnd.randint(0, 30)}".encode()
            payload = rnd.choice([url, zlib.compress(url), gzip.compress(url), bz2.compress(url),
                                  zlib.compress(url)[2:-4], bytes(rnd.randrange(256) for _ in range(40))])
            out.append(_z85(payload))
        elif kind == 2:
            rid = SUB.format(g=f"{rnd.getrandbits(128):032x}", i=i, t=rnd.choice(TYPES).format(i=i))
            out.append(rid + "x" * (-len(rid) % 5))
        elif kind == 3:
            out.append("".join(rnd.choice(z85[:62] + "/.-") for _ in range(5 * rnd.randint(4, 30))))
        elif kind == 4:
            out.append("".join(rnd.choice("%$#" + z85) for _ in range(5 * rnd.randint(4, 12))))
        elif kind == 5:
            out.append(_z85(bytes([rnd.randrange(1, 256)]) * rnd.randint(1, 7) + b"\0" * rnd.randint(12, 30)))
        else:
            raw = bytes(rnd.randrange(256) for _ in range(8)) + f"https://h{i}.example.net".encode()
            out.append(_z85(raw))
    return out


@pytest.mark.parametrize("seed", [28, 2028, 1728])
def test_z85_values_decode_as_before(seed: int) -> None:
    """Three times 2,800 generated values: `_other85` (so `decoded_text`) answers as decoding it all did."""
    for s in _values(random.Random(seed), 2800):
        assert encodings._other85(s) == _old_other85(s), s


def test_azure_ids_are_not_decoded_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Azure ids of a multiple of 5 characters: none reaches b85decode, and none stands for text (fails on
    the old code: each one was decoded whole)."""
    calls = []
    decode = base64.b85decode
    monkeypatch.setattr(base64, "b85decode", lambda b: calls.append(b) or decode(b))
    rnd = random.Random(28)
    ids = []
    for i in range(3000):
        rid = SUB.format(g=f"{rnd.getrandbits(128):032x}", i=i, t=rnd.choice(TYPES).format(i=i))
        if not len(rid) % 5 and encodings._Z85_VALUE.match(rid) and len(ids) < 300:
            ids.append(rid)
    assert [encodings._other85(rid) for rid in ids] == [None] * 300
    assert calls == []


def test_raw_deflate_fails_on_the_whole_where_it_failed_on_the_first_8_bytes() -> None:
    """What `_no_z85_text` rests on: inflating more bytes never un-fails the first 8 (streaming inflate)."""
    rnd = random.Random(8)
    failed = 0
    for _ in range(4000):
        raw = bytes(rnd.randrange(256) for _ in range(rnd.randint(8, 64)))
        try:
            zlib.decompressobj(-15).decompress(raw[:8], encodings._MAX_TEXT)
        except zlib.error:
            failed += 1
            with pytest.raises(zlib.error):
                zlib.decompressobj(-15).decompress(raw, encodings._MAX_TEXT)
    assert failed > 1000


_KEYS = ["issuer", "Issuer", "oidcIssuer", "authority", "AUTHORITY", "tenantId", "TenantID", "principalType",
         "name", "location", "description", "issuers", "tenant", "principal_type", "İssuer"]


def _raw(rnd: random.Random, depth: int = 0) -> Any:
    choice = rnd.random()
    if depth > 2 or choice < 0.3:
        return rnd.choice(["x", 'issuer":', '"tenantid": 1', UNKNOWN, 3, 2.5, True, None, "Principaltype"])
    if choice < 0.6:
        items = [_raw(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
        return _ListProxy(items, []) if rnd.random() < 0.5 else items
    if choice < 0.65:
        return Secret(_raw(rnd, depth + 1))
    d = {rnd.choice(_KEYS): _raw(rnd, depth + 1) for _ in range(rnd.randint(0, 4))}
    return _DictProxy(d, []) if rnd.random() < 0.5 else d


def _old_may_name(raw: Any) -> bool:
    try:
        text = orjson.dumps(raw, default=bare_parties._json_of).lower()
    except TypeError:
        return True
    return any(k in text for k in (b'issuer":', b'"authority":', b'"tenantid":', b'"principaltype":'))


def test_party_precheck_answers_as_before() -> None:
    """3,000 generated inputs (proxies, secrets, keys in any case, key texts inside values)."""
    rnd = random.Random(28)
    seen = set()
    for _ in range(3000):
        raw = _DictProxy({rnd.choice(_KEYS): _raw(rnd) for _ in range(rnd.randint(0, 5))}, [])
        seen.add(answer := bare_parties._may_name_parties(raw))
        assert answer == _old_may_name(raw)
    assert seen == {True, False}


def _old_subjects(view: ResourceView) -> list[Any]:
    issuer, subject = view.input("issuer"), view.input("subject")
    if view.type not in CREDENTIALS or not isinstance(issuer, str) or not CI_ISSUERS.match(issuer.strip()):
        return []
    if is_unknown(subject) or not isinstance(subject, str):
        return [("subject", "unknown", "")]
    return [("subject", "subject", subject.strip())]


def test_credential_subjects_reads_no_input_of_other_types() -> None:
    """Every type, issuers of CI services and others, subjects known, unknown or missing: the same answer as
    before; a view of another type keeps no input read (fails on the old code: `issuer` and `subject` were
    read and kept in its memo first)."""
    rnd = random.Random(28)
    types = [*sorted(CREDENTIALS), "azure-native:web:WebApp", "azure-native:storage:StorageAccount"]
    issuers = ["https://token.actions.githubusercontent.com", " https://gitlab.com ", "https://login.x/",
               UNKNOWN, 3, None]
    for _ in range(600):
        subject = rnd.choice(["repo:o/r:ref:main", UNKNOWN, 1, None])
        pairs = (("issuer", rnd.choice(issuers)), ("subject", subject))
        inputs = {k: v for k, v in pairs if v is not None}
        kind = rnd.choice(types)
        view, fresh = (ResourceView(kind, _DictProxy(dict(inputs), [])) for _ in range(2))
        assert credential_subjects(view) == _old_subjects(fresh)
        if kind not in CREDENTIALS:
            assert "_one" not in view.memo


def test_overflowing_groups_still_end_in_none() -> None:
    """A value whose groups overflow raises in b85decode: `_other85` says None and tries no Ascii85, as
    before (a group starting `#` is 84 times 85 to the 4th and more)."""
    s = "#" * 25
    with pytest.raises(ValueError):
        base64.b85decode(s.translate(encodings._Z85_TO_B85))
    assert encodings._other85(s) is None and _old_other85(s) is None
    assert not encodings._no_z85_text(s)
