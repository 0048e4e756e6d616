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

from policies.core.client_calls import ARG as _ARG
from policies.core.client_calls import HINTS, WRITES, client_args, options_of
from policies.core.client_calls import call_args as _call_args
from policies.core.code_values import held

_IDENT = re.compile(r"^[A-Za-z_]\w*$")
_DOTTED = re.compile(r"^[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)+$")

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
_CONNECTION_WRITES = re.compile(r"(?i)\.\s*(?:put)?request\(\s*(?:method\s*=\s*)?"
                                r"[\"'](?:put|post|patch)[\"']")
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
# Round 89: other clients that send — .NET's `HttpClient.PutAsync(url, …)`/`PostAsync`/`PatchAsync` and
# `WebClient.UploadFile|UploadData|UploadString(url, …)` (also from PowerShell), pycurl's
# `setopt(pycurl.URL, url)` in a text that uploads or posts, ftplib's `FTP(host)`/`FTP_TLS(host)` in a text
# storing a file, Node's `http(s).request(…)` with a method other than a literal read (its `hostname`/`host`
# option, or its URL)
_DOTNET = re.compile(r"\.\s*(?:(?:Put|Post|Patch)Async|Upload(?:File|Data|String)(?:Async|TaskAsync)?)"
                     + _ARG)
_PYCURL = re.compile(r"setopt\(\s*(?:pycurl\.)?URL\s*,\s*([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)\)")
_PYCURL_SENDS = re.compile(r"\b(?:UPLOAD|POST|POSTFIELDS|COPYPOSTFIELDS|READDATA|READFUNCTION|HTTPPOST|"
                           r"MIMEPOST|CUSTOMREQUEST)\b")
_FTP = re.compile(r"(?<![\w.])(?:ftplib\.)?FTP(?:_TLS)?" + _ARG)
_NODE = r"(?<![\w.])(?:{})\s*\.\s*request(?=\s*\()"
# Round 90: Node's http(s) module under any name (`const h = require('https')`, `import * as web from
# 'node:https'`, `import h from 'https'`) and its `request` destructured (`const {request: r} = …`)
_NODE_MODULE = r"""(?:require\(\s*|from\s+)["'`](?:node:)?https?["'`]"""
_NODE_ALIAS = re.compile(r"(?:(?:const|let|var)\s+(\w+)\s*=\s*|import\s+(?:\*\s+as\s+)?(\w+)\s+)"
                         + _NODE_MODULE)
_NODE_PICKED = re.compile(rf"(?:(?:const|let|var)\s+|import\s+)\{{([^}}]*)\}}\s*(?:=\s*)?{_NODE_MODULE}")
# Round 90: a sending method held by a name (`send = requests.put`, `send = getattr(requests, "put")`); a
# method chosen by a name the code computes (`getattr(requests, verb)`) is read as one that sends
_GETATTR = r"getattr\(\s*(?:{0})\s*,\s*(?:[\"'](?:put|post|patch)[\"']|(?![\"'\s])[^)]+)\)"
_ALIAS = r"(?m)(?<![\w.])(\w+)\s*=\s*(?:" + _GETATTR + r"|(?:{0})\s*\.\s*(?:put|post|patch)\b(?!\s*\())"
_GETATTR_CALL = _GETATTR + _ARG
# `.request(VERB, url, …)` whose method is a name (urllib3, httpx, aiohttp, http.client): judged by its value
_REQUEST_NAMED = re.compile(r"\.\s*request\(\s*([A-Za-z_]\w*)\s*,\s*(?:url\s*=\s*)?"
                            r"([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)")
_FETCH = re.compile(r"(?<![\w.])fetch(?=\s*\()")
# ftplib's `FTP()` then `.connect(host)` (round 90)
_FTP_CONNECT = re.compile(r"\.\s*connect" + _ARG)
_NODE_WRITES = WRITES  # a request writes unless its `method` is a literal read (no `method`: GET)
_NODE_HOST = re.compile(r"\b(?:hostname|host)\s*:\s*([^,}\n]+)")
_CALL = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_NAME = re.compile(r"(?<![\w.\"'])([A-Za-z_]\w*)(?![\w\"'(])")
# Calls over the code's own values (string, encoding, clock and container helpers): they read nothing from
# outside. Round 89: any other call in a helper's body (a socket, a DNS lookup, a table read) is a read.
_PURE = frozenset({"str", "format", "join", "strip", "rstrip", "lstrip", "decode", "encode", "replace",
                   "lower", "upper", "b64decode", "urlsafe_b64decode", "b85decode", "unhexlify", "fromhex",
                   "quote", "urljoin", "urlencode", "f", "bytes", "int", "loads", "dumps", "removesuffix",
                   "removeprefix", "split", "rsplit", "partition", "rpartition", "splitlines", "zfill",
                   "startswith", "endswith", "format_map", "casefold", "title", "capitalize", "quote_plus",
                   "unquote", "unquote_plus", "b64encode", "urlsafe_b64encode", "hexlify", "hex", "hexdigest",
                   "sha256", "md5", "uuid4", "today", "now", "utcnow", "isoformat", "strftime", "timestamp",
                   "gmtime", "localtime", "timedelta", "len", "range", "list", "dict", "tuple", "set",
                   "sorted", "reversed", "min", "max", "enumerate", "zip", "abs", "round", "float", "bool",
                   "isinstance", "any", "all", "repr", "items", "keys", "values", "append", "print", "index",
                   "find", "rfind", "count", "to_bytes", "from_bytes", "ord", "chr", "divmod", "pow"})
_KEYWORDS = frozenset({"and", "or", "not", "in", "is", "if", "else", "for", "None", "True", "False", "return",
                       "elif", "while", "with", "yield", "await", "lambda", "def", "function", "async"})
_HINTS = ("put(", "post(", "patch(", "equest(", "urlopen(", "fetch(", "Async(", "Upload", "setopt(",
          "FTP", "getattr(", ".put", ".post", ".patch", "http'", "https'", 'http"', 'https"')
# (`Request(`, `.request(`; round 90: a method held by a name, Node's http(s) module in `require`/`import`)


def may_send(s: str) -> bool:
    """Whether the text may hold a sending HTTP call (cheap substring tests)."""
    return "(" in s and (any(h in s for h in _HINTS) or any(h in s for h in HINTS))


def code_uploads(s: str) -> list[tuple[str, str, bool]]:
    """(`host`, `$NAME` or `{expression}`, False) of each URL a sending HTTP call takes from the environment
    or from a value read when the code runs."""
    names = "|".join(dict.fromkeys([_CLIENTS, *(n for m in _SESSION.finditer(s) for n in m.groups() if n)]))
    args = [m.group(1) for m in re.finditer(_SENDS_BY.format(names), s)]
    args += [m.group(1) for m in _REQUEST.finditer(s)]
    args += [m.group(2) for m in _REQUEST_NAMED.finditer(s) if _writing_verb(m.group(1), s)]
    aliases = [m.group(1) for m in re.finditer(_ALIAS.format(names), s)]
    if aliases:
        args += [m.group(1) for m in re.finditer(rf"(?<![\w.])(?:{'|'.join(aliases)})" + _ARG, s)]
    args += [m.group(1) for m in re.finditer(_GETATTR_CALL.format(names), s)]
    if _CONNECTION_WRITES.search(s) or any(_writing_verb(m.group(1), s) for m in _REQUEST_NAMED.finditer(s)):
        args += [m.group(1) for m in _CONNECTION.finditer(s)]
    args += [m.group(1) for call, writes in _WRITING_CALLS for m in call.finditer(s)
             if writes.match(m.group(2))]
    args += _fetch_writes(s)
    args += _other_clients(s)
    args += client_args(s)  # round 91: more clients (client_calls.py)
    out: list[tuple[str, str, bool]] = []
    for arg in dict.fromkeys(a.strip() for a in args):
        values = _held(arg, s)
        if _IDENT.match(arg) and (passed := parameter_sources(arg, s)) != []:  # round 89: a parameter
            if passed is None:
                out.append(("host", f"{{{arg}}}", False))
                continue
            values = [v for p in _sources(arg, s) or [] if p.strip() != arg for v in _held(p, s)]
        for v in values:
            if m := re.match(r"^\$(?i:env:)?\{?(\w+)\}?$", v):
                out.append(("host", f"${m.group(1)}", False))
            elif v[:1] == "{" and v[-1:] == "}" and _reads(v[1:-1], s):
                out.append(("host", v if len(v) < 100 else v[:98] + "…}", False))
    return list(dict.fromkeys(out))


def _held(expr: str, s: str, depth: int = 0) -> list[str]:
    """`held`, with a dotted name of the code (`event.dest`, `cfg.url`) an expression, not a shell word
    naming a bucket (round 90: `fetch(event.dest, …)` passed); round 91: an attribute of the object itself
    (`self.url`, `this.url`) is every value the code assigns it (`self.url = …` in `__init__`), each judged
    as the call's argument would be (none assigned: the expression, which blocks)."""
    e = expr.strip()
    given = re.findall(rf"(?<![\w.]){re.escape(e)}\s*=(?!=)\s*([^\n;]+)", s) if _ATTRIBUTE.match(e) else []
    if given and depth < 3:
        out: list[str] = []
        for g in dict.fromkeys(x.strip().rstrip(",") for x in given):  # round 92: a parameter (`self.url =
            passed = parameter_sources(g, s) if _IDENT.match(g) else []  # url`) is what its calls pass
            out += [f"{{{g}}}"] if passed is None else [
                v for p in passed or [g] for v in _held(p, s, depth + 1)]
        return out
    values = held(e, s)
    return [f"{{{e}}}"] if values == [e] and _DOTTED.match(e) else values


_ATTRIBUTE = re.compile(r"^(?:self|this)\.[A-Za-z_$][\w$]*$")


def _other_clients(s: str) -> list[str]:
    """The destination arguments of round 89's other clients (.NET, pycurl, ftplib, Node's http/https)."""
    args = [m.group(1) for m in _DOTNET.finditer(s)] if "Async" in s or "Upload" in s else []
    if "setopt" in s and _PYCURL_SENDS.search(s):
        args += [m.group(1) for m in _PYCURL.finditer(s)]
    if "FTP" in s and ("storbinary" in s or "storlines" in s):
        args += [m.group(1) for m in _FTP.finditer(s)]
        args += [m.group(1) for m in _FTP_CONNECT.finditer(s)]
    for m in _node_requests(s):
        call = _call_args(s, m.end()) or ["{options not read}"]
        first = call[0].strip()
        options = _spread(first if first[:1] == "{" else options_of(first, s), s)
        if options and _NODE_WRITES.search(options):  # an options object (or a name holding one): its host
            args += [h.group(1) for h in _NODE_HOST.finditer(options)] or ["{host not given}"]
        elif not options and any(_NODE_WRITES.search(options_of(a.strip(), s) or a) for a in call[1:2]):
            args.append(first)  # a URL; the options follow it
    return args


def _fetch_writes(s: str) -> list[str]:
    """The URL of each `fetch(url, options)` whose options (written, held by a name or spread from one, round
    90) may write: a method that is no literal read, or options that cannot be followed."""
    out = []
    for m in _FETCH.finditer(s):
        call = _call_args(s, m.end()) or []
        first = call[1].strip() if len(call) > 1 else ""
        options = _spread(first if first[:1] == "{" else options_of(first, s), s)
        if first and (not options or "..." in options or _NODE_WRITES.search(options)):
            out.append(call[0])
    return out


def _node_requests(s: str) -> list[re.Match[str]]:
    """Node's `http(s).request(` calls, the module under any name (or a name it is copied to, or `require`d
    in place), and its destructured `request` calls (`{request: r}`, `{request as r}`)."""
    modules = ["https?", _NODE_MODULE.replace("|from\\s+", "") + r"\s*\)",
               *(n for m in _NODE_ALIAS.finditer(s) for n in m.groups() if n)]
    for known in modules[2:]:  # a name the module is copied to (`const h = mod;`)
        modules += re.findall(rf"(?:const|let|var)\s+(\w+)\s*=\s*{known}\s*(?:;|$)", s, re.M)
    picked = [re.split(r"\s*(?::|\bas\b)\s*", p.strip())[-1] for m in _NODE_PICKED.finditer(s)
              for p in m.group(1).split(",") if re.split(r"\s*(?::|\bas\b)\s*", p.strip())[0] == "request"]
    found = list(re.finditer(_NODE.format("|".join(modules)), s))
    if picked:
        found += re.finditer(rf"(?<![\w.])(?:{'|'.join(map(re.escape, picked))})(?=\s*\()", s)
    return found


def _spread(options: str, s: str) -> str:
    """Node options with each `...name` replaced by the object literal the name holds (round 90); a spread
    that cannot be followed stays and is read as giving no host."""
    for m in re.finditer(r"\.\.\.\s*([A-Za-z_]\w*)", options):
        held_options = options_of(m.group(1), s)
        options = options.replace(m.group(0), held_options[1:-1], 1) if held_options else options
    return options


def _writing_verb(name: str, s: str) -> bool:
    """Whether a method held by a name may write: a literal PUT/POST/PATCH among its values, or a value the
    code does not give it (round 90)."""
    sources = _sources(name, s)
    return sources is None or any(re.match(r"(?i)\s*[\"'](?:put|post|patch)[\"']", v) for v in sources)


def _reads(expr: str, s: str, depth: int = 0) -> bool:
    """Whether an expression takes a value from outside the code: a call the code does not define and that
    is no string helper, a helper whose body reads, or a name the code neither assigns nor passes (the
    event; a parameter is followed into every call of its function, round 89)."""
    text = re.sub(r"([\"'])(?:(?!\1).)*\1", "''", expr)  # literals hold no call
    for m in _CALL.finditer(text):
        last = m.group(1).rsplit(".", 1)[-1]
        if last not in _PURE and last not in _KEYWORDS and _helper_reads(last, s, depth):
            return True
    for n in {n for n in _NAME.findall(text) if n not in _KEYWORDS}:
        sources = _sources(n, s)
        if sources is None or (depth < 3 and any(_reads(v, s, depth + 1) for v in sources if v.strip() != n)):
            return True
    return False


def _helper_reads(name: str, s: str, depth: int) -> bool:
    """Whether a call of `name` may read from outside: not a function of the code, or one whose body reads (a
    file, the environment, the network: `_BODY_READS`), calls anything but a pure or own non-reading helper
    (round 89: a socket, a DNS lookup, a table read are calls no list names), or uses a module-level value
    computed by a read."""
    own = re.search(rf"(?m)^([ \t]*)(?:def|function|async\s+def)\s+{re.escape(name)}\b[^\n]*\n((?:\1[ \t]+"
                    rf"[^\n]*\n|[ \t]*\n)*)", s if s.endswith("\n") else s + "\n")
    if own is None or depth >= 3 or _BODY_READS.search(own.group(2)):
        return True
    body = re.sub(r"([\"'])(?:(?!\1).)*\1", "''", own.group(2))
    for m in _CALL.finditer(body):
        last = m.group(1).rsplit(".", 1)[-1]
        if last not in _PURE and last not in _KEYWORDS and last != name and _helper_reads(last, s, depth + 1):
            return True
    for n in {n for n in _NAME.findall(body) if n not in _KEYWORDS}:  # module-level values it uses
        top = re.search(rf"(?m)^{re.escape(n)}\s*(?::[^=\n]+)?=(?!=)\s*([^\n]+)", s)
        if top and _reads(top.group(1), s, depth + 1):
            return True
    return False


def _sources(n: str, s: str) -> list[str] | None:
    """The expressions a name may hold: its assignments (a statement, not a call's keyword argument) and, for
    a parameter, what every call of its function passes (round 89); None when the code gives it none or
    hands the function on as a value (`map(_send, urls)`: the arguments cannot be followed)."""
    out = [m.group(1) for m in re.finditer(
        rf"(?m)^[ \t]*(?:const\s+|let\s+|var\s+)?{re.escape(n)}\s*=(?!=)\s*([^\n]+)", s)]
    out += [m.group(1) for m in re.finditer(
        rf"(?:[;{{]\s*|\b(?:const|let|var)\s+){re.escape(n)}\s*=(?!=)\s*([^;\n]+)", s)]
    passed = parameter_sources(n, s)
    if passed is None:
        return None
    return (out + passed) or None


# a function of the code: `def f(…)`, `function f(…)`, and (round 90) `f = lambda …:` and `const f = (…) =>`
_DEF = re.compile(r"(?m)^[ \t]*(?:(?:async\s+)?(?:def|function)\s+(\w+)\s*\(([^)]*)\)|"
                  r"(?:(?:const|let|var)\s+)?(\w+)\s*=\s*(?:lambda\b([^:\n]*):|(?:async\s*)?\(([^)]*)\)\s*=>))")
_KEYWORD_ARG = re.compile(r"^\s*(\w+)\s*=(?!=)\s*(.*)$", re.S)


def parameter_sources(n: str, s: str) -> list[str] | None:
    """What the calls of the code's functions that take a parameter `n` pass for it (by position or keyword,
    else its default); [] when no function takes it; None when one cannot be followed (a `*args`
    parameter or argument, the function handed on as a value)."""
    out: list[str] = []
    for d in _DEF.finditer(s):
        g = 1 if d.group(1) else 3
        raw = [p for p in (d.group(2) or d.group(4) or d.group(5) or "").split(",") if p.strip()]
        params = [p.split(":")[0].split("=")[0].strip() for p in raw]
        if n not in params:
            continue
        i = params.index(n)
        default = raw[i].split("=", 1)[1].strip() if "=" in raw[i] else None
        name, at = (d.group(g), d.start(g)) if d.group(g) != "__init__" else _class_of(d, s)  # round 92
        for ref in re.finditer(rf"(?<![\w]){re.escape(name)}\b", s) if name else [None]:
            if ref is not None and ref.start() == at:
                continue
            args = _call_args(s, ref.end()) if ref is not None else None
            if args is None or any(a.lstrip()[:1] == "*" for a in args) or any(p[:1] == "*" for p in params):
                return None
            dotted = s[ref.start() - 1:ref.start()] == "." or name != d.group(g)  # a method, or `Cls(…)`
            j = i - 1 if dotted and params[0] in ("self", "cls") else i
            kw = {m.group(1): m.group(2) for a in args if (m := _KEYWORD_ARG.match(a))}
            pos = [a for a in args if not _KEYWORD_ARG.match(a)]
            value = kw.get(n, pos[j] if 0 <= j < len(pos) else default)
            out += [value.strip()] if value is not None else []
    return out


def _class_of(d: re.Match[str], s: str) -> tuple[str | None, int]:
    """The class whose `__init__` the match defines, and where its name is written (round 92: its calls
    `Cls(url)` pass `__init__`'s parameters after `self`); (None, -1) when none encloses it."""
    indent = len(d.group(0)) - len(d.group(0).lstrip(" \t"))
    found = [c for c in re.finditer(r"(?m)^([ \t]*)class[ \t]+(\w+)", s[:d.start()])
             if len(c.group(1)) < indent]
    return (found[-1].group(2), found[-1].start(2)) if found else (None, -1)
