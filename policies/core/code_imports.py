"""The modules inline code imports, judged as a closed world (round 92), for script_languages.

Rounds 88-91 read the clients they knew (requests, httpx, urllib, smtplib, paramiko, …; Node's http(s), fetch,
axios, got, undici); a client not on that list (`aiosmtplib.send(msg, hostname=os.environ["RELAY"])`,
`asyncssh.connect(event["host"])`, a database driver) sent wherever its host pointed. Now a module inline
Python or Node code imports must be one the pack reads (`READ`) or one known to send nothing
(`LOCAL`); any other, and a module imported by a computed name, blocks with `IMPORT_WHY`, which says how to
make it judgeable. The low-level connections of the known modules are read where their host is given
(`socket.create_connection((host, port))`, `asyncio.open_connection(host, port)`, Node's
`net|tls.connect({host})`: client_calls.py).
"""

from __future__ import annotations

import re

from policies.core.frame_writes import frame_writes

# Python: modules whose sending calls the pack reads (code_uploads, client_calls, the SDK readers)
READ = frozenset({"requests", "httpx", "urllib", "urllib3", "http", "aiohttp", "pycurl", "ftplib", "smtplib",
                  "paramiko", "pysftp", "socket", "asyncio", "ssl", "boto3", "botocore", "azure", "awsglue",
                  "pyspark", "dns", "email", "pandas"})  # (round 93: pandas' own writes, frame_writes.py)
# Python: modules that send nothing (the standard library's local ones and common local packages)
LOCAL = frozenset({
    "__future__", "json", "os", "sys", "io", "re", "time", "datetime", "logging", "base64", "gzip", "zlib",
    "bz2", "lzma", "zipfile", "tarfile", "csv", "hashlib", "hmac", "uuid", "math", "typing", "dataclasses",
    "collections", "itertools", "functools", "operator", "pathlib", "tempfile", "shutil", "decimal",
    "fractions", "random", "secrets", "string", "textwrap", "enum", "contextlib", "copy", "struct",
    "binascii",
    "traceback", "html", "xml", "pprint", "glob", "fnmatch", "calendar", "zoneinfo", "locale", "unicodedata",
    "codecs", "threading", "concurrent", "queue", "heapq", "bisect", "array", "weakref", "abc", "inspect",
    "warnings", "argparse", "shlex", "subprocess", "signal", "errno", "platform", "mimetypes", "statistics",
    "numbers", "difflib", "ipaddress", "types", "typing_extensions", "yaml", "jinja2", "pydantic", "dateutil",
    "pytz", "jsonschema", "cryptography", "aws_lambda_powertools", "importlib"})
# Node: the same two lists (`node:` prefixes dropped; a scope stands for its packages)
NODE = frozenset({
    "http", "https", "http2", "net", "tls", "axios", "got", "undici", "ky", "node-fetch", "nodemailer",
    "aws-sdk", "@aws-sdk", "@azure", "fs", "fs/promises", "path", "os", "crypto", "zlib", "util", "stream",
    "stream/promises", "events", "buffer", "url", "querystring", "string_decoder", "assert", "readline",
    "child_process", "worker_threads", "timers", "timers/promises", "perf_hooks", "process", "uuid", "dayjs",
    "date-fns", "lodash"})
_PY = re.compile(r"(?m)^[ \t]*(?:import[ \t]+([\w.]+(?:[ \t]+as[ \t]+\w+)?(?:[ \t]*,[ \t]*[\w.]+"
                 r"(?:[ \t]+as[ \t]+\w+)?)*)[ \t]*(?:#[^\n]*)?$|from[ \t]+([\w.]+)[ \t]+import\b)")
_JS = re.compile(r"""(?m)(?<![\w$.])require\(\s*["'`]([^"'`]+)["'`]\s*\)|"""
                 r"""^[ \t]*import\s+(?:[^'"\n;]*?\s+from\s+)?["']([^"']+)["']""")
_COMPUTED = re.compile(r"(?<![\w$.])(?:require|import)\(\s*(?![\"'`])[^)\s]|(?<![\w])import_module\(\s*"
                       r"(?![\"'])[^)\s]|__import__\(\s*(?![\"'])[^)\s]")  # (`import_module`: any prefix)
_NAMED = re.compile(r"(?<![\w])import_module\(\s*[\"']([\w.]+)[\"']|__import__\(\s*[\"']([\w.]+)[\"']")
IMPORT_WHY = ("the code imports `{}`, a module the pack neither reads nor knows to send nothing: where it "
              "may send cannot be judged; send through a client the pack reads (requests, httpx, urllib, "
              "smtplib, paramiko, socket, boto3, the Azure SDK; Node's http(s), fetch, axios, got, undici, "
              "net, tls) with the destination written in the code or set in the resource's own environment, "
              "or, for a module that sends nothing, add it to `LOCAL` or `NODE` in "
              "policies/core/code_imports.py with a corpus case")
COMPUTED_WHY = ("the code imports a module by a computed name (`{}`): what it may send cannot be judged; "
                "import it by its name")
HINTS = ("import", "require(")


def unread_imports(s: str) -> list[str]:
    """Why each module the code imports that is neither read nor local blocks."""
    names: list[str] = []
    if "import" in s:
        for m in _PY.finditer(s):
            parts = m.group(1).split(",") if m.group(1) else [m.group(2)]
            names += [p.split()[0].split(".")[0] for p in parts if p.split() and p.split()[0][:1] != "."]
        names += [n.split(".")[0] for m in _NAMED.finditer(s) for n in m.groups() if n]
    py = [n for n in names if n and n not in READ and n not in LOCAL]
    js = [m.group(1) or m.group(2) for m in _JS.finditer(s)] if "require(" in s or "from" in s else []
    js = [n for n in js if n[:1] != "." and _node_name(n) not in NODE]
    out = [IMPORT_WHY.format(n) for n in dict.fromkeys(py + js)]
    out += frame_writes(s) if "pandas" in names else []
    return out + [COMPUTED_WHY.format(m.group(0)) for m in _COMPUTED.finditer(s)]


def _node_name(n: str) -> str:
    n = n.removeprefix("node:")
    if n[:1] == "@":
        return n.split("/")[0]
    return n if n in NODE else n.split("/")[0]
