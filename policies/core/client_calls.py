"""Where more clients in inline code send (round 91): the destination argument of each, for code_uploads.

Round 88-90 read the generic HTTP libraries (`requests`, `httpx`, urllib, `fetch`, axios' verbs, Node's
`http(s)`); a program sends as well through:

- **Node**: any call whose options object writes (`request(url, {method: 'PUT'})` of undici, `got`, `ky`,
  a `new Request(url, {method})`: the first argument; `axios({method: 'put', url})`, `got({url, method})`:
  the object's `url`), an instance made with a base URL (`api = axios.create({baseURL})`,
  `got.extend({prefixUrl})`) that writes (`api.put('/in')`: the base URL; `api.put(url)`: the URL too),
  the `http2` module's `connect(authority)` in a text whose streams write (`':method': 'PUT'`),
  nodemailer's `createTransport({host})`;
- **Python**: an urllib opener's `open(url, data=…)` (`build_opener()`), smtplib's `SMTP(host)`/`SMTP_SSL`/
  `LMTP` and `.connect(host)` in a text that sends mail, paramiko's `Transport((host, port))` and an
  `SSHClient`'s `connect(host)`, pysftp's `Connection(host)`;
- **Go and Java in a script**: `http.Post(url, …)`, `http.NewRequest("PUT", url, …)`; `URI.create(url)` or
  `new URL(url)` in a text that writes (`.PUT(`, `.POST(`, `setRequestMethod("PUT")`, `setDoOutput(true)`).

Each argument is resolved by `code_uploads` as the others (an environment variable is the resource's own
setting; a value read when the code runs blocks with `command_places.HELD_URL_NOTE`).
"""

from __future__ import annotations

import bisect
import re

# The first argument of a call (one level of parentheses inside it), after an optional keyword.
ARG = r"\(\s*(?:url\s*=\s*)?([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)"
_VALUE = r"([^,()\n]+(?:\([^()\n]*\)[^,()\n]*)*)"
_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")
# an options object that writes: a `method` that is no literal read
WRITES = re.compile(r"(?i)\bmethod\s*:(?!\s*[\"'`](?:get|head|options)[\"'`])")
_JS_CALL = re.compile(r"(?<![\w$])(?!(?:if|for|while|switch|catch|function|return)\b)([A-Za-z_$][\w$.]*)"
                      r"\s*(?=\()")
_URL_KEY = re.compile(r"(?<![\w$])(?:url|uri|baseURL|prefixUrl|origin)\s*:\s*([^,}\n]+)")
_HOST_KEY = re.compile(r"(?<![\w$])(?:hostname|host)\s*:\s*([^,}\n]+)")
_INSTANCE = re.compile(r"(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?[\w$.]+\s*\.\s*"
                       r"(?:create|extend)(?=\s*\(\s*\{)")
# a JavaScript module bound to a name (`const got = require('got')`, `import ky from 'ky'`)
_JS_MODULE = re.compile(r"""(?:(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\(|"""
                        r"""import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from)\s*["'`]""")
_H2 = re.compile(r"""(?:(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*|"""
                 r"""import\s+(?:\*\s+as\s+)?(\w+)\s+from\s+)["'`](?:node:)?http2["'`]""")
_H2_PICKED = re.compile(r"""\{[^}]*\bconnect\b(?:\s*(?::|\bas\b)\s*(\w+))?[^}]*\}\s*(?:=\s*require\(\s*|"""
                        r"""from\s+)["'`](?:node:)?http2["'`]""")
_H2_WRITES = re.compile(r"(?i)(?:[\"']:method[\"']|HTTP2_HEADER_METHOD\s*\]?)\s*:"
                        r"(?!\s*[\"'`](?:get|head|options)[\"'`])")
_OPENER = re.compile(r"(?<![\w.])(\w+)\s*=\s*(?:urllib\.request\.|request\.)?build_opener\(")
_OPENER_WRITES = re.compile(r"(?i)^\s*,\s*(?:[^\n]*?\bdata\s*=|(?!(?:timeout)\s*=)[\w(\[{\"'])")
_SMTP = re.compile(r"(?<![\w.])(?:smtplib\.)?(?:SMTP|SMTP_SSL|LMTP)\(\s*(?:host\s*=\s*)?" + _VALUE)
_SMTP_SENDS = re.compile(r"\b(?:sendmail|send_message)\s*\(")
_MAILER = re.compile(r"createTransport\(\s*")
_SSH = re.compile(r"(?<![\w.])(?:paramiko\.)?Transport\(\s*\(?\s*(?:sock\s*=\s*\(?\s*)?" + _VALUE)
_SSH_CONNECT = re.compile(r"\.\s*connect\(\s*(?:hostname\s*=\s*)?" + _VALUE)
_SFTP = re.compile(r"(?<![\w.])(?:pysftp\.)?Connection\(\s*(?:host\s*=\s*)?" + _VALUE)
_GO = re.compile(r"(?<![\w.])http\.(?:Post|PostForm)" + ARG
                 + r"|(?<![\w.])http\.NewRequest(?:WithContext)?\(\s*"
                 r"(?:\w+\s*,\s*)?(?:\"(?i:put|post|patch)\"|http\.Method(?:Put|Post|Patch))\s*,\s*" + _VALUE)
_JAVA = re.compile(r"(?<![\w.])(?:URI\.create|new\s+URL|new\s+URI)" + ARG)
_JAVA_WRITES = re.compile(r"\.\s*(?:PUT|POST)\s*\(|method\(\s*\"(?i:put|post|patch)\"|"
                          r"setRequestMethod\(\s*\"(?i:put|post|patch)\"|setDoOutput\(\s*true")
# Round 92: sockets (`socket.create_connection((host, port))`, `s.connect((host, port))`, `s.sendto(b, (host,
# port))`, `asyncio.open_connection(host, port)`) and Node's `net`/`tls` `connect({host})`/`connect(port,
# host)`
_SOCKET = re.compile(r"(?<![\w])(?:create_connection|open_connection)\(\s*\(?\s*(?:host\s*=\s*)?" + _VALUE)
_SOCKET_CONNECT = re.compile(r"\.\s*(?:connect|connect_ex|sendto)\(\s*(?:[^,()\n]+,\s*)?\(\s*" + _VALUE)
_NET = re.compile(r"""(?:(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*|"""
                  r"""import\s+(?:\*\s+as\s+)?(\w+)\s+from\s+)["'`](?:node:)?(?:net|tls)["'`]""")
HINTS = ("method", "require(", "from '", 'from "', "baseURL", "prefixUrl", "http2", "build_opener", "SMTP",
         "LMTP", "createTransport", "Transport(", "SSHClient", "Connection(", "http.Post", "NewRequest",
         "URI.create", "new URL", "new URI", "socket", "_connection(", "net'", "tls'", 'net"', 'tls"')


def client_args(s: str) -> list[str]:
    """The destination argument (as written) of each round-91 client call of the text."""
    args = _js_writes(s) if any(h in s for h in HINTS[:6]) else []
    args += _http2(s) if "http2" in s else []
    if "build_opener" in s:
        for name in {m.group(1) for m in _OPENER.finditer(s)}:
            args += [m.group(1) for m in re.finditer(rf"(?<![\w.]){name}\s*\.\s*open{ARG}([^\n]*)", s)
                     if _OPENER_WRITES.match(m.group(2))]
    if ("SMTP" in s or "LMTP" in s) and _SMTP_SENDS.search(s):
        args += [m.group(1) for m in _SMTP.finditer(s)]
        args += [m.group(1) for m in _SSH_CONNECT.finditer(s)]
    for m in _MAILER.finditer(s) if "createTransport" in s else ():
        first = (call_args(s, m.end() - len(m.group(0)) + len("createTransport")) or [""])[0].strip()
        options = first if first[:1] == "{" else options_of(first, s)
        args += [h.group(1) for h in _HOST_KEY.finditer(options)] if options else [first]
    if "Transport(" in s or "SSHClient" in s or "Connection(" in s:
        args += [m.group(1) for m in _SSH.finditer(s)] + [m.group(1) for m in _SFTP.finditer(s)]
        args += [m.group(1) for m in _SSH_CONNECT.finditer(s)] if "SSHClient" in s else []
    args += [m.group(1) or m.group(2) for m in _GO.finditer(s)] if "http." in s else []
    if _JAVA_WRITES.search(s):
        args += [m.group(1) for m in _JAVA.finditer(s)]
    return [a for a in args + _sockets(s) if a and a.strip()]


def _sockets(s: str) -> list[str]:
    """The host of each socket connection (Python) and Node `net`/`tls` connection the text opens."""
    args = [m.group(1) for m in _SOCKET.finditer(s)] if "_connection(" in s else []
    args += [m.group(1) for m in _SOCKET_CONNECT.finditer(s)] if "socket" in s else []
    for name in {n for m in _NET.finditer(s) for n in m.groups() if n} if "net" in s or "tls" in s else ():
        connects = rf"(?<![\w$.]){re.escape(name)}\s*\.\s*(?:connect|createConnection)(?=\s*\()"
        for m in re.finditer(connects, s):
            call = [a.strip() for a in call_args(s, m.end()) or []]
            obj = _object(call[0], s) if call else ""
            args += [h.group(1) for h in _HOST_KEY.finditer(obj)] if obj else call[1:2]
    return args


def _js_writes(s: str) -> list[str]:
    """Node calls whose options object writes (the URL argument, or the object's `url`), and instances made
    with a base URL that write (the base URL; an absolute URL passed to a writing verb too)."""
    out: list[str] = []
    writes = [w.start() for w in WRITES.finditer(s)]  # only calls with a writing `method` near them are read
    for m in _JS_CALL.finditer(s) if writes else ():
        i = bisect.bisect_left(writes, m.end())
        if i == len(writes) or writes[i] > m.end() + 2000:
            continue
        call = call_args(s, m.end()) or []
        objects = [(i, o) for i, a in enumerate(call[:2]) if (o := _object(a.strip(), s))]
        for i, obj in objects:
            if not WRITES.search(obj):
                continue
            urls = [u.group(1) for u in _URL_KEY.finditer(obj)]
            out += urls or ([call[0]] if i == 1 else [h.group(1) for h in _HOST_KEY.finditer(obj)])
    for name in {n for m in _JS_MODULE.finditer(s) for n in m.groups() if n}:  # `got.put(url)` (probe)
        out += [v.group(1) for v in re.finditer(rf"(?<![\w$.]){re.escape(name)}\s*\.\s*(?:put|post|patch)"
                                                + ARG, s)]
    for m in _INSTANCE.finditer(s):
        made = (call_args(s, m.end()) or [""])[0]
        base = [u.group(1) for u in _URL_KEY.finditer(made)]
        verbs = list(re.finditer(rf"(?<![\w$.]){re.escape(m.group(1))}\s*\.\s*(?:put|post|patch)" + ARG, s))
        config = re.search(rf"(?<![\w$.]){re.escape(m.group(1))}\s*(?:\.\s*request\s*)?\(\s*\{{[^}}]*"
                           r"\bmethod\s*:(?!\s*[\"'`](?:get|head|options)[\"'`])", s, re.I)
        if verbs or config:
            out += base + [v.group(1) for v in verbs]
    return out


def _object(arg: str, s: str) -> str:
    """An object literal argument, or the one a name holds; '' for anything else."""
    return arg if arg[:1] == "{" else options_of(arg, s) if _IDENT.match(arg) else ""


def _http2(s: str) -> list[str]:
    """The authority of each `http2.connect(authority)` (the module under any name, `connect` destructured)
    in a text whose streams write."""
    if not _H2_WRITES.search(s):
        return []
    names = [n for m in _H2.finditer(s) for n in m.groups() if n]
    calls = [rf"(?<![\w$.])(?:{'|'.join(names)})\s*\.\s*connect" + ARG] if names else []
    calls += [r"require\(\s*[\"'`](?:node:)?http2[\"'`]\s*\)\s*\.\s*connect" + ARG]
    picked = [m.group(1) or "connect" for m in _H2_PICKED.finditer(s)]
    calls += [rf"(?<![\w$.])(?:{'|'.join(picked)})" + ARG] if picked else []
    return [m.group(1) for c in calls for m in re.finditer(c, s)]


def options_of(name: str, s: str) -> str:
    """The object literal a name holding request options is assigned (`const opts = {…}`), or ''."""
    m = re.search(rf"(?<![\w.]){re.escape(name)}\s*=\s*(?=\{{)", s) if _IDENT.match(name) else None
    obj = call_args(s, m.end(), "{") if m else None
    return "{" + ",".join(obj) + "}" if obj else ""


def call_args(s: str, i: int, opening: str = "(") -> list[str] | None:
    """The top-level arguments of the call whose `(` follows position `i` (after blanks); None when no call
    follows (the function is named as a value) or the call does not end."""
    j = i + len(s[i:]) - len(s[i:].lstrip(" \t"))
    if s[j:j + 1] != opening:
        return None
    args, depth, quote, start = [], 0, "", j + 1
    for k in range(j, min(len(s), j + 2000)):
        c = s[k]
        if quote:
            quote = "" if c == quote and s[k - 1] != "\\" else quote
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return [a for a in [*args, s[start:k]] if a.strip()]
        elif c == "," and depth == 1:
            args.append(s[start:k])
            start = k + 1
    return None
