"""Text hidden in an encoding: a URL written as base64, base32, percent-encoding (at any depth), hex,
escaped as in a JSON or script string (`https:\\/\\/…`, `\\u002f`, `\\x2f`), as XML/HTML character references
(`&#x2e;`, `&#46;`, `&period;`: decoded by the broker or browser that reads the document), or compressed
(gzip/zlib) and then base64 is a URL all the same, so the scanner reads what the value stands for. Round 81:
also lower-case base32, base85 (RFC 1924's alphabet, Python's `b85encode`) and Ascii85 (`<~…~>`), bzip2, and
raw deflate (no header: .NET's `DeflateStream`), tried on any decoded value that is no text.

Pure functions of the string, cached: the same values recur on thousands of resources.
"""

from __future__ import annotations

import base64
import binascii
import bz2
import functools
import re
import zlib
from html import unescape
from urllib.parse import unquote

# A value that may be base64 (user data under a key without the `Base64` suffix, an encoded URL) or hex:
# decoded and scanned too when it decodes to text.
_B64_VALUE = re.compile(r"^[A-Za-z0-9+/\n]{16,}={0,2}$")
_HEX_VALUE = re.compile(r"^(?:[0-9a-fA-F]{2}){8,}$")
_B32_VALUE = re.compile(r"^(?:[A-Z2-7]{16,}|[a-z2-7]{16,})={0,6}$")  # round 81: lower case too
# Round 81: base85 (RFC 1924's alphabet) with a character base64 and hex never hold, and Ascii85's frame.
_B85_VALUE = re.compile(r"^[0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]{20,}$")
_B85_ONLY = re.compile(r"[!#$%&()*;<>?@^`{|}~]")  # not `=`: base64 pads with it
# Round 82: base64url (RFC 4648 section 5: JWT/JWE segments, unpadded), Z85 (ZeroMQ RFC 32, a multiple of 5
# long) and Ascii85 without its frame (Python's `a85encode` default), each tried as a whole value.
_B64URL_VALUE = re.compile(r"^[A-Za-z0-9_-]{16,}={0,2}$")
_Z85_VALUE = re.compile(r"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{20,}$")
_Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
_Z85_TO_B85 = str.maketrans(
    _Z85, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~")
_A85_VALUE = re.compile(r"^[!-uz]{20,}$")
_NOT_B64 = re.compile(r"[^A-Za-z0-9+/=]")
# A JWT/JWS in compact form (RFC 7515 section 7.1): header (`{"` is `eyJ`), payload, signature, base64url.
_JWT = re.compile(r"^eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]{4,})\.[A-Za-z0-9_-]*$")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(/))")
# Percent-encoded text: `%2F`, `%3A`, `%40`, or `%25` (a `%` itself encoded: encoded twice or more).
_PERCENT_MARKS = ("%2f", "%3a", "%40", "%25")
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MAX_TEXT = 1 << 20  # a decompressed value is read up to 1 MiB (a compression bomb reads as its first MiB)


def inflated(raw: bytes) -> bytes:
    """`raw` decompressed when it is gzip, zlib or (round 81) bzip2 data (as cloud-init and most config
    loaders accept it)."""
    if raw[:2] == b"\x1f\x8b" or (len(raw) > 2 and raw[0] == 0x78 and (raw[0] << 8 | raw[1]) % 31 == 0):
        try:
            return zlib.decompressobj(47).decompress(raw, _MAX_TEXT)  # 32 + 15: gzip or zlib header
        except zlib.error:
            return raw
    if raw[:3] == b"BZh" and raw[3:4].isdigit():
        try:
            return bz2.BZ2Decompressor().decompress(raw, _MAX_TEXT)
        except (OSError, ValueError):
            return raw
    return raw


@functools.lru_cache(maxsize=4096)
def hides_text(run: str) -> bool:
    """Round 81, for the policy prefilter: a run of base64, base32 or hex (a whole value, or one line of a
    wrapped one) that decodes (and decompresses) to text holding "Principal" or a part a line's end leaves
    (`Princ`, `cipal`) or a JSON escape (`\\u`), or
    to bytes that read as raw deflate so far (a stream cut at a line's end ends early but raises nothing):
    random bytes (a key, a certificate's DER) fail within a few bytes."""
    for raw in _decodings(run):
        text = _printable(inflated(raw))
        if text is not None:
            if "Princ" in text or "cipal" in text or "\\u" in text:  # a line may cut the word in two
                return True
            continue
        try:
            zlib.decompressobj(-15).decompress(raw, 4096)
        except zlib.error:
            continue
        return True
    return False


def _decodings(run: str) -> list[bytes]:
    """The bytes a run stands for as hex, base32, base64 (cut to whole groups: a wrapped line) and base85."""
    out: list[bytes] = []
    if ("-" in run or "_" in run) and not _B85_ONLY.search(run):  # round 82: base64url (or base85)
        out.append(_b64url(run[: len(run) // 4 * 4]) or b"")
    hexed, b32, b64 = run[: len(run) // 2 * 2], run[: len(run) // 8 * 8], run[: len(run) // 4 * 4]
    if _B85_ONLY.search(run) or "-" in run or "_" in run:  # base85's own characters: no other decodes it
        try:
            return [*out, base64.b85decode(run)]
        except ValueError:
            return out
    try:
        if _HEX_VALUE.match(hexed):
            out.append(bytes.fromhex(hexed))
        if _B32_VALUE.match(b32):
            out.append(base64.b32decode(b32, casefold=True))
        out.append(base64.b64decode(b64))
    except (binascii.Error, ValueError):
        pass
    return out


def _printable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except ValueError:
        return None
    return text if text and all(c.isprintable() or c in "\n\r\t" for c in text) else None


def _text(raw: bytes) -> str | None:
    """The text `raw` holds, decompressed; round 81: bytes that are no text are tried as raw deflate, which
    has no header to recognise (a stream must end where the bytes do, and yield text)."""
    text = _printable(inflated(raw))
    if text is not None or len(raw) < 8:
        return text
    inflate = zlib.decompressobj(-15)
    try:
        plain = inflate.decompress(raw, _MAX_TEXT)
    except zlib.error:
        return None
    return _printable(plain) if inflate.eof and not inflate.unused_data else None


def may_encode(s: str) -> bool:
    """Cheap test: can `s` be percent-encoded, base64 (a multiple of 4 long, or after a `<label>:`) or hex
    (even length) text?"""
    return "%" in s or "\\" in s or "&" in s or (
        len(s) >= 16 and (not len(s) % 2 or ":" in s or "\n" in s)) or (
        len(s) >= 20 and _B85_ONLY.search(s) is not None) or (  # round 81: base85, wrapped base64
        len(s) >= 16 and ("-" in s or "_" in s or s[:3] == "eyJ"))  # round 82: base64url, a JWT


def _unescaped(s: str) -> str:
    return _ESCAPE.sub(lambda m: m.group(3) or chr(int(m.group(1) or m.group(2), 16)), s)


@functools.lru_cache(maxsize=16384)
def decoded_text(s: str) -> str | None:
    """The text a base64 (compressed or not), hex or percent-encoded value stands for (None: it is not one, or
    decodes to no text). One layer: the scanner scans the result again, so layers nest."""
    if "%" in s:
        low = s.lower()
        if any(m in low for m in _PERCENT_MARKS):
            text = unquote(s)
            return text if text != s else None
    if "\\" in s:
        text = _unescaped(s)
        if text != s:
            return text
    if "&" in s and ";" in s and _CHAR_REF.search(s):  # XML/HTML character references
        text = unescape(s)
        if text != s:
            return text
    if _HEX_VALUE.match(s):
        text = _text(bytes.fromhex(s))
        if text is not None:
            return text
    if not len(s) % 8 and _B32_VALUE.match(s):
        try:
            text = _text(base64.b32decode(s, casefold=True))
        except (binascii.Error, ValueError):
            text = None
        if text is not None:
            return text
    if (text := _base85(s)) is not None or (text := _other85(s)) is not None:
        return text
    if s[:3] == "eyJ" and (m := _JWT.match(s)) is not None and (raw := _b64url(m.group(1))) is not None:
        return _text(raw)  # its claims; a `zip: DEF` payload is raw deflate (RFC 7516 section 4.1.3)
    if ("-" in s or "_" in s) and _B64URL_VALUE.match(s) and (raw := _b64url(s)) is not None:
        return _text(raw)
    if (m := _LABELLED.match(s)) is not None:  # `<label>:<base64>`: an Elastic Cloud ID, a named token
        text = decoded_text(m.group(1))
        cloud = _CLOUD_ID.match(text or "")
        return f"https://{cloud.group(2)}.{cloud.group(1)}" if cloud else text
    body = s.replace("\n", "") if "\n" in s else s  # round 81: wrapped in lines (MIME, PEM, encodebytes)
    if len(body) % 4 or not _B64_VALUE.match(s):
        return None
    try:
        return _text(base64.b64decode(body, validate=False))
    except (binascii.Error, ValueError):
        return None


def _base85(s: str) -> str | None:
    """Round 81: Ascii85 in its `<~…~>` frame, or base85 of RFC 1924's alphabet holding a character that
    neither base64 nor hex can."""
    try:
        if s[:2] == "<~" and s[-2:] == "~>":
            return _text(base64.a85decode(s, adobe=True))
        if _B85_VALUE.match(s) and _B85_ONLY.search(s):
            return _text(base64.b85decode(s))
    except ValueError:
        return None
    return None


_LABELLED = re.compile(r"^[\w.-]{1,64}:([A-Za-z0-9+/]{16,}={0,2})$")
# An Elastic Cloud ID's payload: `<domain>[:port]$<Elasticsearch id>$<Kibana id>`; the cluster is
# `<Elasticsearch id>.<domain>` (us-east-1.aws.found.io, westeurope.azure.elastic-cloud.com, ...).
_CLOUD_ID = re.compile(r"^([a-z0-9.-]+\.[a-z]{2,})(?::\d+)?\$([0-9a-f]{32})(?:\$[0-9a-f]{32})?$", re.I)


# Round 80: also right after a shell or option assignment (`ENDPOINT=<base64>`, `--data=<base64>`); not after
# padding (`…==…`: two values run together).
_B64_TOKEN = re.compile(
    r"(?:(?<![A-Za-z0-9+/=])|(?<=[A-Za-z0-9_-]=))[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_DECODERS = ("base64", "b64decode", "frombase64string", "atob(")


@functools.lru_cache(maxsize=4096)
def embedded_b64(s: str) -> tuple[str, ...]:
    """The texts of base64 literals inside a script that decodes them (`echo aHR0… | base64 -d`,
    `b64decode("…")`, `FromBase64String`, `atob`): a URL hidden that way is a URL all the same."""
    low = s.lower()
    if not any(d in low for d in _DECODERS):
        return ()
    tokens = (m.group(0) for m in _B64_TOKEN.finditer(s))
    return tuple(t for tok in tokens if not len(tok) % 4 and (t := decoded_text(tok)))


# Round 83: a JWT anywhere in a text (its header starts `eyJ`), and the words of a text cut at characters that
# neither base64(url) nor Z85 holds (spaces, quotes, `,`, `;`, `|`, a backslash).
_JWT_IN = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]{4,})\.[A-Za-z0-9_-]*")
_WORD_CUT = re.compile(r"[\s'\"`,;|\\]+")
_PLAIN_WORD = re.compile(r"^[a-z.-]*$")  # a lower-case name or host (text encoded so has digits or capitals)


@functools.lru_cache(maxsize=4096)
def embedded_encoded(s: str) -> tuple[str, ...]:
    """Round 83: the texts of encoded words inside a longer text, whatever decoder it names: a JWT in an
    `Authorization: Bearer` line or a command (its claims), a base64url, Z85, base64 or base85 word (also
    after a `name=` or `name:` label) of 20 or more characters. A whole value is decoded_text's."""
    out: list[str] = []
    if "\\\n" in s:  # a shell line continuation (inside double quotes too) joins what it cuts
        s = s.replace("\\\n", "")
    if "eyJ" in s:
        for m in _JWT_IN.finditer(s):
            if (raw := _b64url(m.group(1))) is not None and (text := _text(raw)) is not None:
                out.append(text)
    for word in _WORD_CUT.split(s):
        if len(word) < 20 or word[:3] == "eyJ" or _PLAIN_WORD.match(word):
            continue
        text = decoded_text(word)
        for sep in "=:" if text is None else "":  # Z85 holds both: the label is before the first of either
            label, _, rest = word.partition(sep)
            if rest and len(rest) >= 20 and len(label) <= 64 and (text := decoded_text(rest)) is not None:
                break
        if text is not None and text != word:
            out.append(text)
    return tuple(out)


# Inputs that are base64 by API contract though their key does not say so (launch template user data, Azure VM
# custom/user data).
B64_KEYS = frozenset({"userData", "customData"})


def b64_contract(value: str) -> str:
    """A `...Base64` input (user data) decoded, so its text is scanned (gzip-compressed too, as cloud-init
    accepts it); undecodable text stays as it is."""
    try:
        return inflated(base64.b64decode(value, validate=True)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


def _b64url(s: str) -> bytes | None:
    """Round 82: base64url, padded or not (an unpadded value is never 1 more than a multiple of 4 long)."""
    try:
        return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    except (binascii.Error, ValueError):
        return None


def _other85(s: str) -> str | None:
    """Round 82: Z85 (its alphabet mapped onto RFC 1924's, position by position) and Ascii85 without its
    frame, when the value holds a character base64 never does."""
    if _NOT_B64.search(s) is None:
        return None
    try:
        if not len(s) % 5 and _Z85_VALUE.match(s) and not _no_z85_text(s) and (text := _text(base64.b85decode(
                s.translate(_Z85_TO_B85)).rstrip(b"\0"))) is not None:  # the sender pads to 4 bytes
            return text
        if _A85_VALUE.match(s):
            return _text(base64.a85decode(s))
    except ValueError:
        return None
    return None


_Z85_DIGIT = {c: i for i, c in enumerate(_Z85)}  # a character's value, as b85decode reads its translation
# ASCII controls `_printable` refuses (not NUL: the sender's padding, stripped at the end; not tab, LF, CR)
_CONTROLS = frozenset([*range(1, 9), 11, 12, *range(14, 32), 127])


def _no_z85_text(s: str) -> bool:
    """Round 28 (docs/gate-performance.md): True when `_text` of the Z85 decoding of `s` (a multiple of 5
    long, every character Z85's) is None for sure, read from its first two groups (8 bytes) instead of
    decoding it all (pure Python, ~15 µs for an Azure id; `/subscriptions/…` ids all end here). Only when no
    group can overflow (b85decode raises then, and `_other85` returns None without trying Ascii85), the 8
    bytes start no gzip, zlib or bzip2 stream (`inflated`), hold an ASCII control `_printable` refuses (never
    stripped: not NUL) and fail as raw deflate already (inflating more bytes fails where these did)."""
    if any(c in "%$#" for c in s[::5]):  # a group starting with one of these may exceed 32 bits
        return False
    head = b"".join(sum(_Z85_DIGIT[c] * 85 ** (4 - j) for j, c in enumerate(s[i:i + 5])).to_bytes(4, "big")
                    for i in (0, 5))
    if (head[:2] == b"\x1f\x8b" or (head[0] == 0x78 and (head[0] << 8 | head[1]) % 31 == 0)
            or head[:3] == b"BZh" or _CONTROLS.isdisjoint(head)):
        return False
    try:
        zlib.decompressobj(-15).decompress(head, _MAX_TEXT)
    except zlib.error:
        return True
    return False
