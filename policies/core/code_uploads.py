"""Where a generic HTTP library in inline code sends, when the URL is not written in the code (round 88).

`requests.put(url, data=…)`, `httpx.post(…)`, `urllib.request.Request(url, data=…, method="PUT")`,
`urlopen(url, data=…)`, `fetch(url, {method: "PUT"})`, `axios.put(url, …)`: a literal URL is read by the
scanner where it is written, and so are the literals of an expression the code builds it from
(`BASE + "x.csv"` over `BASE = "https://…"`, round 83's `_unpack(_T) + "export.json"` over a function the
code defines). What the code reads when it runs is another matter: an environment variable is the value the
resource's own environment gives it (`$NAME`, resolved by `code_values.environment_buckets`); a URL read from
a file, a parameter, a secret, the event or any call the code does not define (`open('/mnt/cfg/dest').read()`,
`ssm.get_parameter(…)["Parameter"]["Value"]`, `event["url"]`) is kept as written in braces and blocks with
`command_places.HELD_URL_NOTE`.

Only calls that send are read: `put`/`post`/`patch` of requests, httpx, a session or axios; a urllib
`Request` or `urlopen` with `data=` or a writing method; `fetch` with a writing method.
"""

from __future__ import annotations

import re

from policies.core.code_values import held

# The first argument of a sending call (one level of parentheses inside it, as command_places' SDK clients).
_ARG = r"\(\s*(?:url\s*=\s*)?([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)"
_SENDS = re.compile(rf"(?<![\w.])(?:requests|httpx|session|s|client|axios)\s*\.\s*(?:put|post|patch){_ARG}")
_URLLIB = re.compile(rf"(?<![\w])(?:Request|urlopen){_ARG}([^\n]*)")
_FETCH = re.compile(rf"(?<![\w.])fetch{_ARG}([^\n]*)")
_URLLIB_WRITES = re.compile(r"(?i)^\s*,[^\n]*?(?:\bdata\s*=|method\s*=\s*[\"'](?:put|post|patch))")
_FETCH_WRITES = re.compile(r"(?i)^\s*,\s*\{[^}\n]*method\s*:\s*[\"'](?:put|post|patch)")
_CALL = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_NAME = re.compile(r"(?<![\w.\"'])([A-Za-z_]\w*)(?![\w\"'(])")
# Calls over the code's own values (string and encoding helpers): they read nothing from outside.
_PURE = frozenset({"str", "format", "join", "strip", "rstrip", "lstrip", "decode", "encode", "replace",
                   "lower", "upper", "b64decode", "urlsafe_b64decode", "b85decode", "unhexlify", "fromhex",
                   "quote", "urljoin", "urlencode", "f", "bytes", "int", "loads", "dumps", "removesuffix",
                   "removeprefix"})
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "None", "True", "False"})
_HINTS = ("put(", "post(", "patch(", "Request(", "urlopen(", "fetch(")


def may_send(s: str) -> bool:
    """Whether the text may hold a sending HTTP call (cheap substring tests)."""
    return "(" in s and any(h in s for h in _HINTS)


def code_uploads(s: str) -> list[tuple[str, str, bool]]:
    """(`host`, `$NAME` or `{expression}`, False) of each URL a sending HTTP call takes from the environment
    or from a value read when the code runs."""
    args = [m.group(1) for m in _SENDS.finditer(s)]
    args += [m.group(1) for m in _URLLIB.finditer(s) if _URLLIB_WRITES.match(m.group(2))]
    args += [m.group(1) for m in _FETCH.finditer(s) if _FETCH_WRITES.match(m.group(2))]
    out: list[tuple[str, str, bool]] = []
    for arg in dict.fromkeys(a.strip() for a in args):
        for v in held(arg, s):
            if m := re.match(r"^\$(?i:env:)?\{?(\w+)\}?$", v):
                out.append(("host", f"${m.group(1)}", False))
            elif v[:1] == "{" and v[-1:] == "}" and _reads(v[1:-1], s):
                out.append(("host", v if len(v) < 100 else v[:98] + "…}", False))
    return list(dict.fromkeys(out))


def _reads(expr: str, s: str, depth: int = 0) -> bool:
    """Whether an expression takes a value from outside the code: a call the code does not define and that
    is no string helper, or a name the code does not assign (the event, a parameter)."""
    text = re.sub(r"([\"'])(?:(?!\1).)*\1", "''", expr)  # literals hold no call
    for m in _CALL.finditer(text):
        last = m.group(1).rsplit(".", 1)[-1]
        if last not in _PURE and not re.search(rf"(?m)^\s*(?:def|function|async\s+def)\s+{last}\b", s):
            return True
    names = {n for n in _NAME.findall(text) if n not in _KEYWORDS}
    for n in names:
        rhs = re.search(rf"(?m)^\s*(?:const\s+|let\s+|var\s+)?{n}\s*=(?!=)\s*([^\n]+)", s) or re.search(
            rf"(?<![\w.]){n}\s*=(?!=)\s*([^;\n]+)", s)
        if rhs is None:
            return True
        if depth < 3 and _reads(rhs.group(1), s, depth + 1):
            return True
    return False
