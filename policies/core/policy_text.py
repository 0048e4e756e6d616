"""Text that may hold a resource policy below an input's top level, for policies/core/read_grants.py.

Round 78 read a policy in JSON or YAML text (a Step Functions task's `Policy`, an SSM runbook). Round 79: the
same policy encoded is the same grant. User data is base64 by API contract and cloud-init takes it gzip-
compressed too; a command decodes a base64 literal (`echo … | base64 -d`); a setting holds it as base64 or
percent-encoded (as IAM's GetRolePolicy returns documents); a shell script passes it inline (`--policy
'{…}'`). Each is decoded as the reference scanner decodes it (policies/core/encodings.py) and read; a policy
in text that cannot be cut out as JSON still blocks (closed world, read_grants._unread).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from policies.core.encodings import (
    B64_KEYS,
    b64_contract,
    decoded_text,
    embedded_b64,
    embedded_encoded,
    hides_text,
    may_encode,
)
from policies.core.iam.statements import as_list

# A principal (its key may be spelt with JSON escapes) or a policy field filled in at run time (`Policy.$`,
# `"Policy": "{{ … }}"`), as text or encoded: "Principal" as base64 in its three alignments, gzip's base64
# (`H4sI`), hex.
_MAY_HOLD = re.compile(
    r"Principal|\\u|(?i:polic(?:y|ies)(?:document|text)?(?:\.\$|['\"]?\s*:\s*['\"]?\{[{%]))")
_DECODERS = ("ase64", "b64", "atob(")
# A shell expansion inside JSON cut out of a script (`'$PARTNER'` closing a single-quoted argument, a
# heredoc's `$ACCOUNT`, `$(…)`, backticks): the text is no literal; IAM's own `${aws:…}` variables are.
# Round 80: a policy's keys as a document writes them (`"Statement":`, `Principal:` in YAML), not a call's
# keyword arguments (`add_permission(StatementId=…, Principal=…)`), which name no document.
STATEMENT_KEY = re.compile(r"Statement['\"]?\s*:")
PRINCIPAL_KEY = re.compile(r"Principal['\"]?\s*:")
_EXPANSION = re.compile(r"`|\$(?:[A-Za-z_(]|\{(?![A-Za-z0-9-]+:))")


def may_hold(text: str) -> bool:
    """_MAY_HOLD or an encoded principal; the regular expression only when a cheap test lets it match. Round
    80: text naming a decoder (`base64 -d`, `b64decode`) is read for the literals it decodes, whatever their
    head (a compressed one after a space or `=` is not at a value's start)."""
    return "Principal" in text or "\\u" in text or (("olic" in text or "OLIC" in text) and _MAY_HOLD.search(
        text) is not None) or _encoded(text) or "ase64" in text or "b64" in text or "atob(" in text


# Round 80: the other encodings encodings.py decodes. "Principal" as base32 in its five alignments, and the
# head of a compressed value, which hides every word: zlib (`78 01/5e/9c/da`) and gzip (`1f 8b 08`) as
# base64, base32 or hex, at the start of a value (after a quote in a repr or JSON text).
# Round 81: bzip2's `BZh` too (`Qlpo`, `IJNGQ`, `425a68`).
_PACKED = (r"(?:eJ[w-z]|eN[o-r]|eA[E-H]|eF[4-7]|D6FQ|P(?:CO|DN|AA|BP)|Qlpo|IJNGQ"
           r"|(?i:1f8b08|78(?:9c|da|01|5e)|425a68))")
_PACKED_AT, _PACKED_SQ, _PACKED_DQ = re.compile(_PACKED), re.compile("'" + _PACKED), re.compile('"' + _PACKED)


def _encoded(text: str) -> bool:  # written out: a generator's overhead is most of a short text's cost
    return "UHJpbmNpcGFs" in text or "ByaW5jaXBhb" in text or "QcmluY2lwYW" in text or "H4sI" in text or (
        "5072696" in text and ("5072696e636970616c" in text or "5072696E636970616C" in text)) or (
        "KBZGS3TD" in text or "MNUXAYLM" in text or "NZRWS4DB" in text or "NFXGG2LQ" in text
        or "OJUW4Y3J" in text) or _PACKED_AT.match(text) is not None or (
        "'" in text and _PACKED_SQ.search(text) is not None) or (
        '"' in text and _PACKED_DQ.search(text) is not None) or _other_encodings(text)


# Round 81: a run of 64 or more characters of base64 (also base32 of either case, hex) or base85 that may
# hide a principal where no head or fixed spelling shows (raw deflate; JSON escapes such as `Princ\u0069pal`;
# lower-case base32; base85 in any alignment), decoded by encodings.hides_text; Ascii85 by its `<~` frame.
# Runs are found by `str.translate` and `str.find` (C passes), never by a regular expression over the text.
# One alphabet, base64's and base85's together: a run is tried as each (encodings._decodings).
_MARKED = str.maketrans(dict.fromkeys(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/!#$%&()*;<=>?@^_`{|}~-", "\x01"))
_RUN = "\x01" * 64
_RUN_END = re.compile("[^\x01]")


def _other_encodings(text: str) -> bool:
    if len(text) < 64:
        return False
    if "<~" in text:
        return True  # Ascii85, decoded and read by the walk
    if any(hides_text(run) for run in _long_runs(text)):
        return True
    # Round 82: a value in an alphabet the runs cut (Z85, Ascii85 without its frame), one layer: the text
    # itself, or a quoted word of 64 or more characters of a repr (`'…',`, `'…'}`; its escapes undone).
    return any((plain := decoded_text(word)) is not None and plain != word and may_hold(plain)
               for word in _words(text)) or any(may_hold(plain) for plain in embedded_encoded(text))


def _words(text: str) -> list[str]:
    if " " not in text:
        return [text]
    out = []
    for word in text.split():
        if len(word) >= 64:
            word = word.rstrip("}]),")
            if len(word) > 2 and word[0] == word[-1] and word[0] in "'\"":
                word = word[1:-1].replace("\\'", "'").replace("\\\\", "\\")
            out.append(word)
    return out


def _long_runs(text: str) -> list[str]:
    marked = text.translate(_MARKED)
    out: list[str] = []
    at = marked.find(_RUN)
    while at >= 0:  # the first of 64 marks starts a run: an earlier start would have been found
        end = m.start() if (m := _RUN_END.search(marked, at + 64)) else len(marked)
        start = at + 1 if at and text[at - 1] == "\\" else at  # `\n` in a repr: a line break, no letter
        out.append(text[start:end])
        at = marked.find(_RUN, end)
    return out


def by_contract(key: object) -> bool:
    """Round 80: a value base64 by API contract (user data) is decoded whatever its text shows: a script's
    decoder words are inside the encoding too."""
    return isinstance(key, str) and (key in B64_KEYS or key.endswith("Base64"))


@functools.lru_cache(maxsize=1024)
def decoded(text: str, key: object) -> tuple[str, ...]:
    """The texts an encoded value stands for (one layer; the caller reads them again, so layers nest); cached:
    user data recurs on every rule that reads the resource."""
    out: list[str] = []
    if by_contract(key):
        plain = b64_contract(text)
        if plain != text:
            out.append(plain)
    elif may_encode(text) and (plain := decoded_text(text)) is not None:
        out.append(plain)
    decoded_whole = bool(out)
    if not out and any(d in text for d in _DECODERS):
        out += embedded_b64(text)
    if not decoded_whole and len(text) >= 20:  # round 83: a JWT, base64url or Z85 word inside a longer text
        out += [t for t in embedded_encoded(text) if t not in out]
    return tuple(out)


def embedded_docs(text: str) -> tuple[list[dict[str, Any]], bool]:
    """The JSON objects written inside other text (a shell script's `--policy '{…}'`), for the caller to read
    as documents, and whether a principal is left outside them (a policy that does not parse as JSON, one
    assembled from variables)."""
    docs: list[dict[str, Any]] = []
    rest: list[str] = []
    decoder, at, start = json.JSONDecoder(), 0, text.find("{")
    while start >= 0:
        try:
            doc, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(doc, dict) and not _EXPANSION.search(text, start, end):
            docs.append(doc)
            rest.append(text[at:start])
            at = end
        start = text.find("{", end)
    rest.append(text[at:])
    return docs, any(PRINCIPAL_KEY.search(part) for part in rest)


# A principal as AWS accepts it written: `*`, an account, an IAM or STS ARN, a service or identity provider's
# host, a canonical user.
_PRINCIPAL = re.compile(
    r"^(?:\*|\d{12}|arn:aws[a-z-]*:(?:iam|sts)::\d{12}:\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)+|[0-9a-f]{64})$")


def literal_principals(doc: dict[str, Any]) -> bool:
    """Every principal of a policy put at run time is written as AWS accepts it: a placeholder
    (`PARTNER_ACCOUNT`, `%s`, `{account}`) is filled in by whoever runs the code, with any account."""
    for stmt in as_list(doc.get("Statement")):
        for key in ("Principal", "NotPrincipal"):
            who = stmt.get(key) if isinstance(stmt, dict) else None
            values = [v for vs in who.values() for v in as_list(vs)] if isinstance(who, dict) else [who]
            if who is not None and not all(isinstance(v, str) and _PRINCIPAL.match(v) for v in values):
                return False
    return True
