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
_CLIENTS = "requests|httpx|axios|session"
_SENDS_BY = r"(?<![\w.])(?:{})\s*\.\s*(?:put|post|patch)" + _ARG
# A session or client object the code makes (`http = requests.Session()`, `with httpx.Client() as c`)
_MAKERS = r"(?:requests\.Session|httpx\.(?:Async)?Client|aiohttp\.ClientSession|urllib3\.PoolManager)\s*\("
_SESSION = re.compile(rf"(?<![\w.])(\w+)\s*=\s*{_MAKERS}|{_MAKERS}[^()\n]*\)\s*as\s+(\w+)")
# `pool.request("PUT", url, body=…)` (urllib3, httpx, aiohttp): the URL is the second argument
_REQUEST = re.compile(r"(?i)\.\s*request\(\s*[\"'](?:put|post|patch)[\"']\s*,\s*(?:url\s*=\s*)?"
                      r"([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)")
# http.client: the host of a connection a writing `.request` uses
_CONNECTION = re.compile(rf"HTTPS?Connection{_ARG}")
_CONNECTION_WRITES = re.compile(r"(?i)\.\s*request\(\s*[\"'](?:put|post|patch)[\"']")
# What a helper the code defines may read when it runs (its body is searched: a helper decoding the code's
# own literals passes, one reading a file, the environment, a parameter or the network does not)
_BODY_READS = re.compile(r"\bopen\(|\.read\w*\(|environ|getenv|get_parameter|get_secret|urlopen|requests\.|"
                         r"httpx\.|\binput\(|argv|readFileSync|process\.env|subprocess|popen|\bevent\b|boto3|"
                         r"Client\(|fetch\(")
# (a call, what the rest of its line holds when it writes): urllib's `Request`/`urlopen` with `data=` or a
# writing method, `fetch` with a writing method in its options
_WRITING_CALLS = tuple((re.compile(call + _ARG + r"([^\n]*)"), re.compile(r"(?i)^\s*,\s*" + writes))
                       for call, writes in (
    (r"(?<![\w])(?:Request|urlopen)", r"(?:[^\n]*?(?:\bdata\s*=|method\s*=\s*[\"'](?:put|post|patch))|"
     r"(?!(?:timeout|context|cafile|capath|cadefault|headers|origin_req_host|unverifiable)\s*=)[\w(\[{\"'])"),
    # (urllib's second positional argument is the body: `urlopen(url, body)`, `Request(url, body)`)
    (r"(?<![\w.])fetch", r"\{[^}\n]*method\s*:\s*[\"'](?:put|post|patch)"),
))
_CALL = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_NAME = re.compile(r"(?<![\w.\"'])([A-Za-z_]\w*)(?![\w\"'(])")
# Calls over the code's own values (string and encoding helpers): they read nothing from outside.
_PURE = frozenset({"str", "format", "join", "strip", "rstrip", "lstrip", "decode", "encode", "replace",
                   "lower", "upper", "b64decode", "urlsafe_b64decode", "b85decode", "unhexlify", "fromhex",
                   "quote", "urljoin", "urlencode", "f", "bytes", "int", "loads", "dumps", "removesuffix",
                   "removeprefix"})
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "None", "True", "False"})
_HINTS = ("put(", "post(", "patch(", "equest(", "urlopen(", "fetch(")  # (`Request(`, `.request(`)


def may_send(s: str) -> bool:
    """Whether the text may hold a sending HTTP call (cheap substring tests)."""
    return "(" in s and any(h in s for h in _HINTS)


def code_uploads(s: str) -> list[tuple[str, str, bool]]:
    """(`host`, `$NAME` or `{expression}`, False) of each URL a sending HTTP call takes from the environment
    or from a value read when the code runs."""
    names = "|".join(dict.fromkeys([_CLIENTS, *(n for m in _SESSION.finditer(s) for n in m.groups() if n)]))
    args = [m.group(1) for m in re.finditer(_SENDS_BY.format(names), s)]
    args += [m.group(1) for m in _REQUEST.finditer(s)]
    if _CONNECTION_WRITES.search(s):
        args += [m.group(1) for m in _CONNECTION.finditer(s)]
    args += [m.group(1) for call, writes in _WRITING_CALLS for m in call.finditer(s)
             if writes.match(m.group(2))]
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
        if last in _PURE:
            continue
        own = re.search(rf"(?m)^([ \t]*)(?:def|function|async\s+def)\s+{last}\b[^\n]*\n((?:\1[ \t]+[^\n]*\n|"
                        rf"[ \t]*\n)*)", s if s.endswith("\n") else s + "\n")
        if own is None or _BODY_READS.search(own.group(2)):  # not the code's own, or its body reads
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
