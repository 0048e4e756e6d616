"""What inline code holds in its variables (round 38): the literal a bucket argument stands for.

Inline code (a Lambda's `AssetArchive` of `StringAsset`s, an S3 object's string source, SSM documents,
CodeBuild buildspecs, user data, container commands) often keeps a bucket in a variable a few lines above the
call (`target = "x"` … `put_object(Bucket=target)`, `const Bucket = 'x'` … `{ Bucket }`, `export DROP=x`),
in an f-string or template (`f"s3://{bucket}/"`), or reads it from the environment (`os.environ["B"]`,
`os.getenv("B")`, `process.env.B`, `$B`). An argument is resolved to every literal the same text assigns to
its variable (all of them: the code may pick any); an environment variable the text does not assign is
returned as `$NAME` and looked up in the resource's own environment block (`environment_buckets`). What
neither gives (a parameter, an event field, a computed expression) is returned as written in braces
(`{event["b"]}`): no bucket of the stack has that name, so it blocks as unresolved, with a message saying to
write the bucket's name, assign it a literal in the same code, or set it in the resource's environment.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

from pulumi.asset import AssetArchive, StringAsset

from policies.core.view import SECRET_SIG_KEY, is_unknown, plain

ASSET_TYPES = (AssetArchive, StringAsset)
_IDENT = re.compile(r"^[A-Za-z_]\w*$")
_LITERAL = re.compile(r"^([rbfRBF]{0,2})([\"'`])([^\"'`\n]*)\2$")
_ENV_FORMS = (
    re.compile(r"^os\.environ\s*\[\s*[\"'](\w+)[\"']\s*\]$"),
    re.compile(r"^os\.(?:environ\.get|getenv)\(\s*[\"'](\w+)[\"'][^()]*\)$"),
    re.compile(r"^process\.env(?:\.(\w+)|\[\s*[\"'](\w+)[\"']\s*\])$"),
    re.compile(r"^\$\{?(\w+)\}?$"),
    # .NET and PowerShell (round 87): `Environment.GetEnvironmentVariable("X")`, `$env:X`, `[Environment]::…`
    re.compile(r"^(?:\[(?:System\.)?Environment\]::|Environment\.)GetEnvironmentVariable\(\s*[\"'](\w+)[\"']\s*\)$"),
    re.compile(r"^\$(?i:env):(\w+)$"),
    # Go and Java (round 91): `os.Getenv("X")`, `System.getenv("X")`
    re.compile(r"^(?:os\.Getenv|System\.getenv)\(\s*\"(\w+)\"\s*\)$"),
)
# A placeholder of an f-string (`{bucket}`), a JS template or a shell string (`${B}`, `$B`).
_PLACEHOLDER = re.compile(r"\$\{(\w+)\}|\{(\w+)\}|\$(\w+)")
_MAX_VALUES = 8
_WORD = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
HELD = re.compile(r"[{$]")  # (searched) a value held as written: a variable or expression not assigned


def _assignments(name: str, s: str) -> Iterator[tuple[str, bool]]:
    """The right-hand sides the text assigns to `name` (Python, JavaScript, shell), and whether in shell."""
    rx = re.compile(rf"(?<![\w.$])(?:(?:export|const|let|var|local|readonly)\s+)?{re.escape(name)}"
                    rf"(?:\s*:\s*[\w\[\]|, ]+?)?(\s*)=(?!=)(\s*)")
    for m in rx.finditer(s):
        rest = s[m.end():]
        if not m.group(1) and not m.group(2):  # shell: `NAME=value` is one word, a literal unless quoted
            yield re.split(r"[\s;&|)]", rest, maxsplit=1)[0], True
        else:
            yield re.split(r"[\n;]|\s+#", rest, maxsplit=1)[0].strip().rstrip(","), False


def _env(expr: str) -> str | None:
    for rx in _ENV_FORMS:
        if m := rx.match(expr):
            return m.group(m.lastindex or 1)
    return None


def held(expr: str, s: str, depth: int = 0) -> list[str]:
    """The literal values an argument expression of the code `s` stands for; an environment variable the
    code does not set as `$NAME`, anything else unresolved as `{expr}`."""
    e = expr.strip()
    if m := _LITERAL.match(e):
        templated = "f" in m.group(1).lower() or m.group(2) == "`" or ("$" in e and m.group(2) == '"')
        return _filled(m.group(3), s, depth) if templated else [m.group(3)]
    if (name := _env(e)) is not None:
        values = _resolved(name, s, depth)
        return values if values else [e if e[:1] == "$" else f"${name}"]
    if _IDENT.match(e):
        return _resolved(e, s, depth) or [f"{{{e}}}"]
    if e.startswith("{") and e.endswith("}"):  # `{bucket}` of an f-string, or an expression marked before
        return held(e[1:-1], s, depth) if _IDENT.match(e[1:-1]) else [e]
    if _WORD.match(e) and ("-" in e or "." in e):  # a bucket's name as a shell word
        return [e]
    if _PLACEHOLDER.search(e) and not re.search(r"[\s()\[\]\"'`]", e):  # `eloket-{env}` of an `s3://` URL
        return _filled(e, s, depth)
    return [f"{{{e}}}"]


def _resolved(name: str, s: str, depth: int) -> list[str]:
    """Every value the text assigns to `name`; [] when it assigns none (or too deep)."""
    if depth >= 3:
        return []
    out: list[str] = []
    for rhs, shell in _assignments(name, s):
        out += [rhs] if shell and _WORD.match(rhs) else held(rhs, s, depth + 1)
    out = list(dict.fromkeys(out))
    return out if len(out) <= _MAX_VALUES else [f"{{{name}}}"]  # too many to judge: unresolved


def _filled(text: str, s: str, depth: int) -> list[str]:
    """A template with each placeholder replaced by every value its variable holds."""
    parts = list(_PLACEHOLDER.finditer(text))
    if not parts:
        return [text]
    choices = []
    for m in parts:
        name = m.group(1) or m.group(2) or m.group(3)
        values = _resolved(name, s, depth) if depth < 3 else []
        choices.append(values or [m.group(0)])
    if len(list(itertools.islice(itertools.product(*choices), _MAX_VALUES + 1))) > _MAX_VALUES:
        return [f"{{{text}}}"]  # too many combinations to judge: unresolved
    out = []
    for combo in itertools.product(*choices):
        pieces, last = [], 0
        for m, v in zip(parts, combo, strict=True):
            pieces += [text[last:m.start()], v]
            last = m.end()
        out.append("".join(pieces) + text[last:])
    return out


def held_buckets(s: str, found: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """`found` with each bucket the text names by a variable (`s3://{bucket}/`, `s3://$B/`) resolved."""
    out: list[tuple[str, str, bool]] = []
    for kind, value, named in found:
        if kind == "bucket" and HELD.search(value):
            out += [(kind, v, named) for v in held(value, s) if (kind, v, named) not in out]
        elif (kind, value, named) not in out:
            out.append((kind, value, named))
    return out


def held_hosts(s: str, found: list[tuple[str, str, bool]]) -> list[tuple[str, str, bool]]:
    """`found` with each store host a template names by a code variable (`f"https://{name}.vault.azure.net"`)
    resolved to what the code assigns it (round 87): a literal, or the environment's `$NAME`."""
    out: list[tuple[str, str, bool]] = []
    for kind, value, named in found:
        m = _TEMPLATED_HOST.match(value) if kind == "host" and value[:1] == "{" else None
        if m is None or m.group(2) not in STORE_SUFFIXES:
            out.append((kind, value, named))
            continue
        written = re.search(rf"\{{({re.escape(m.group(1))})\}}", s, re.I)  # as the code spells it
        values = _resolved(written.group(1), s, 0) if written else []
        out += [(kind, f"{v.lower() if v[:1] != '{' else value[:m.end(1) + 1]}.{m.group(2)}", named)
                for v in values] or [(kind, value, named)]
    return list(dict.fromkeys(out))


_TEMPLATED_HOST = re.compile(r"^\{(\w+)\}\.(.+)$")


def asset_texts(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(file name, text) of each string asset of an inline archive (file and remote assets are not read)."""
    if isinstance(value, StringAsset):
        yield prefix or "text", value.text
    elif isinstance(value, AssetArchive):
        for name, member in value.assets.items():
            yield from asset_texts(member, f"{prefix}/{name}" if prefix else name)


_ENV_LISTS = frozenset({"environment", "environmentVariables", "env"})


def _environment(value: Any, path: str, out: dict[str, tuple[str, Any]]) -> None:
    """Environment variables set anywhere in the inputs: `environment.variables` maps, lists of
    `{name, value}` (CodeBuild, ECS and Batch containers, also inside a JSON string), `env` lists."""
    value = plain(value)
    if isinstance(value, str) and value[:1] in "[{" and ('"environment"' in value or '"env"' in value):
        with contextlib.suppress(ValueError):
            _environment(json.loads(value), f"{path}(json)", out)
    elif isinstance(value, dict):
        for k, v in value.items():
            v = plain(v)
            if k == "variables" and isinstance(v, dict) and path.endswith("environment"):
                out.update({n: (f"{path}.variables.{n}", x) for n, x in v.items()})
            elif k in _ENV_LISTS and isinstance(v, list):
                for i, e in enumerate(map(plain, v)):
                    if isinstance(e, dict) and isinstance(e.get("name"), str) and e.get("type") in (
                            None, "PLAINTEXT"):
                        out[e["name"]] = (f"{path}.{k}.{i}.value".lstrip("."), e.get("value"))
                        if isinstance(e.get("secretRef"), str):  # Container Apps: the job's own secret
                            ref = f"{path}.{k}.{i}.secretRef".lstrip(".")
                            out[e["name"]] = (ref, f"secret:{e['secretRef']}")
            elif k == "secrets" and isinstance(v, list):  # Container Apps' secrets: `{name, value}`
                out.update({f"secret:{e['name']}": (f"{path}.secrets.{i}".lstrip("."), e.get("value"))
                            for i, e in enumerate(map(plain, v)) if isinstance(e, dict) and "name" in e})
            _environment(v, f"{path}.{k}".lstrip("."), out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _environment(v, f"{path}.{i}".lstrip("."), out)


def environment_buckets(inputs: Any, refs: list[Any]) -> list[Any]:
    """`refs` with each bucket held in an environment variable (`$NAME`) replaced by the value the
    resource's own environment sets (judged as a bucket, or by where it comes from when unknown); likewise a
    store host, region, named resource or URL a command or SDK call takes from a variable (rounds 85-87)."""
    if not any((r.value[:1] == "$" and r.kind in ("bucket", "host", "region")) or (
            r.kind == "named" and "|$" in r.value) for r in refs):
        return refs
    env: dict[str, tuple[str, Any]] = {}
    _environment(inputs, "", env)
    env.update({n.upper(): e for n, e in env.items() if n.upper() not in env})  # a store host's `$name`
    out = []
    for r in refs:
        name, rest = _variable(r)
        if name == "AZURE_STORAGE_ACCOUNT" and name not in env:  # round 86: the CLI's other default
            name = "AZURE_STORAGE_CONNECTION_STRING"
        path, value = env.get(name, env.get(name.upper(), ("", None))) if name else ("", None)
        if isinstance(value, str) and value.startswith("secret:"):  # `secretRef`: the secret's value
            path, value = env.get(value, (path, None))
        if name and rest == _URL:  # round 87: a URL or connection string a command or SDK call takes
            out += _held_url(r, path, value)
            continue
        if rest[:1] == "." and isinstance(value, str) and (m := _CONN_ACCOUNT.search(value)):
            value = m.group(1)  # a connection string: the account it names (round 86)
        if isinstance(value, str) and is_unknown(value):
            out.append(dataclasses.replace(r, path=path, kind="unknown", value=value))
        elif isinstance(value, str) and value and rest[:1] == "|" and STORE_NAME.fullmatch(value):
            out.append(dataclasses.replace(r, value=f"{rest[1:]}|{value.lower()}"))  # a named resource (r87)
        elif isinstance(value, str) and value and rest[:1] != "|" and (
                not rest or STORE_NAME.fullmatch(value)):
            out.append(dataclasses.replace(r, value=f"{value}{rest}".lower() if rest else value))
        else:
            out.append(r)
    return out


_URL = "url"  # `_variable`'s mark of a URL or connection string held whole by a variable (round 87)
_SECRET_VALUE = "[secret]"  # what the gate hands a policy for a secret it cannot read
_SCP_HOST = re.compile(r"^(?:[^@\s/]+@)?([A-Za-z0-9.-]+\.[A-Za-z0-9-]+):")
_URL_HOST = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://(?:[^/\s@\"']*@)?([^/\s:?#\"',;)]+)")


def _held_url(r: Any, path: str, value: Any) -> list[Any]:
    """A variable holding a whole URL or connection string, as the resource's own environment sets it: the
    host it names (the value itself is scanned where it is set), unknown or secret (judged by where it is
    computed from), nothing for a plain word or path (no place); a reference to a store, a parameter or a
    value set nowhere here stays as written and blocks."""
    if isinstance(value, dict) and SECRET_SIG_KEY in value:
        value = _SECRET_VALUE  # a secret's value is never read here: judged by where it is computed from
    if not isinstance(value, str) or not value:
        return [r]
    if is_unknown(value) or value == _SECRET_VALUE:
        kind = "unknown" if is_unknown(value) else "secret"
        return [dataclasses.replace(r, path=path, kind=kind, value=value if kind == "unknown" else "")]
    if value[:5].lower() == "s3://":  # `aws s3 cp f "$DEST"`: the bucket
        return [dataclasses.replace(r, kind="bucket", value=value[5:].split("/", 1)[0])]
    if m := _URL_HOST.search(value) or _SCP_HOST.match(value):  # a URL's host, an scp `user@host:` target's
        return [dataclasses.replace(r, value=m.group(1).lower().rstrip("."))]
    if m := _CONN_ACCOUNT.search(value):
        return [dataclasses.replace(r, value=f"{m.group(1).lower()}.blob.core.windows.net")]
    if value.startswith(("@Microsoft.KeyVault", "arn:", "{{resolve:", "${")) or "(" in value:
        return [r]  # read from a store at run time: the pack cannot see where it points
    return []  # a plain word or path: names no place


STORE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{1,62}")
STORE_SUFFIXES = frozenset({"blob.core.windows.net", "vault.azure.net", "azconfig.io",  # command_names'
                            "database.windows.net"})  # and command_places' (round 87)
_CONN_ACCOUNT = re.compile(r"(?i)(?:^|;)\s*(?:AccountName=|BlobEndpoint=https?://)([A-Za-z0-9]{3,24})\b")


def _variable(r: Any) -> tuple[str | None, str]:
    """(variable, host suffix) of a bucket `$B` or of a store host a command names by a variable
    (`--account-name $AZURE_STORAGE_ACCOUNT`: `$azure_storage_account.blob.core.windows.net`, round 85);
    round 87: (variable, `url`) of a URL held whole (`$DEST`), (variable, `|<type>`) of a named resource
    (`azure-native:batch:BatchAccount|$azure_batch_account`), (variable, "") of a region (`-l $LOC`)."""
    if r.kind == "named" and "|$" in r.value:
        kind, _, name = r.value.partition("|")
        return name.strip("${}").upper(), f"|{kind}"
    if r.value[:1] != "$" or r.kind not in ("bucket", "host", "region"):
        return None, ""
    if r.kind in ("bucket", "region"):
        return r.value.strip("${}"), ""
    name, dot, rest = r.value.partition(".")
    if not dot:
        return name.strip("${}"), _URL
    name = name.strip("${}").upper()
    name = name[4:] if name[:4] == "ENV:" else name  # PowerShell's `$env:NAME`
    return (name, dot + rest) if rest in STORE_SUFFIXES else (None, "")
