"""Input files, checked before anything runs: regular files only, UTF-8, bounded size, sane JSON and YAML.

Every problem is a GateError naming the file (and key): exit 2, one line, never a traceback.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from gate.errors import GateError

MAX_YAML_BYTES = 8 * 1024 * 1024
MAX_YAML_ALIASES = 100          # a handful is normal; thousands is an expansion bomb
MAX_DEPTH = 64                  # nesting of values; the gRPC path breaks somewhere past 150
# A state, report or update graph: ~4x a 100k-resource state (255 MB, docs/gate-performance.md), past
# GATE_MAX_RESOURCES' 20k per recording; what is larger is no file the gate wrote or reads in bounded memory
MAX_STATE_BYTES = 1024 ** 3
CHUNK = 4 * 1024 * 1024


def require_regular_file(path: Path, what: str, limit: int | None = None) -> Path:
    """A FIFO, device or directory given as an input file would hang or fail obscurely: refused up front,
    as is a file past `limit` bytes (round 29: a 10 GiB state was read whole to word its parse error)."""
    try:
        info = os.stat(path)      # stat never blocks, unlike open() on a FIFO
    except FileNotFoundError:
        raise GateError(f"{path}: cannot read {what}: not found") from None
    except OSError as exc:
        raise GateError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise GateError(f"{path}: {what} is {kind}")
    if limit is not None and info.st_size > limit:
        raise GateError(f"{path}: {what} larger than {limit // (1024 * 1024)} MiB")
    return path


def read_text(path: Path, what: str, limit: int | None = None) -> str:
    """The file's text: regular file, within `limit` bytes, valid UTF-8."""
    require_regular_file(path, what, limit)
    try:
        return Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GateError(f"{path}: {what} is not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise GateError(f"{path}: cannot read {what}: {exc.strerror or exc}") from None


def open_regular(path: Path, what: str, limit: int | None = None, *, follow: bool = False) -> BinaryIO:
    """`path` open for reading if it is a regular file of at most `limit` bytes: a file another program
    wrote into a directory the gate reads (a gate dir, a shard) is never read through a symbolic link
    (O_NOFOLLOW; `follow`: a link the project made, as a pack's or record's may be) nor waited on as a FIFO
    or device (O_NONBLOCK; fstat of what was opened, so nothing can be swapped in after the check).
    FileNotFoundError passes: the caller says what a missing file means."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    except FileNotFoundError:
        raise
    except OSError as exc:   # ELOOP: the last component is a symbolic link
        raise GateError(f"{path}: not a regular file ({what}; {exc.strerror or exc})") from None
    f = os.fdopen(fd, "rb")
    info = os.fstat(fd)
    huge = limit is not None and info.st_size > limit
    problem = ("not a regular file" if not stat.S_ISREG(info.st_mode) else
               f"larger than {limit // (1024 * 1024)} MiB" if huge else "")   # type: ignore[operator]
    if problem:
        f.close()
        raise GateError(f"{path}: {problem} ({what})")
    return f


def file_sha256(path: Path, what: str, limit: int = MAX_STATE_BYTES, *, follow: bool = False) -> str:
    """The SHA-256 of a regular file (open_regular), read in chunks: memory stays bounded whatever its
    size, and a file past `limit` is refused before a byte is read."""
    digest = hashlib.sha256()
    with open_regular(path, what, limit, follow=follow) as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


PREFIX = 8 * 1024 * 1024
_CUT = 16     # characters before a prefix's end where an error may be the cut's (`tru`, `\u12`)


def refuse_unparsable_prefix(path: Path, what: str) -> None:
    """GateError, worded as `read_text` and `parse_json` word it, when the first PREFIX bytes of a larger
    regular file already show that it is not UTF-8 or not JSON (round 30: a state under the size cap that
    is no JSON was read whole, bytes then text, to word its error). A prefix whose only error is where it
    was cut (an unterminated string, a literal or escape at its end) decides nothing: the caller reads the
    file as before."""
    with open(path, "rb") as f:
        head = f.read(PREFIX + 1)
    if len(head) <= PREFIX:
        return
    try:   # not final: a character the cut split is no error
        text = codecs.getincrementaldecoder("utf-8")().decode(head[:PREFIX])
    except UnicodeDecodeError as exc:
        raise GateError(f"{path}: {what} is not valid UTF-8 (byte {exc.start})") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Unterminated string") and exc.pos < len(text) - _CUT:
            raise GateError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    except (ValueError, RecursionError):
        return     # the strict path words these, with the whole file


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class DuplicateKey(ValueError):
    """A key given twice in one object/mapping: a reader sees one value, a parser keeps another."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise DuplicateKey(k)
        out[k] = v
    return out


def duplicate_message(where: str, key: str) -> str:
    return (f"{where}: key {key!r} is given twice in one mapping (a reader sees the first value, a parser "
            "keeps the last): keep one")


def parse_json(text: str, where: str) -> Any:
    """Strict JSON: no NaN/Infinity (Pulumi never writes them), no lone UTF-16 surrogates (not Unicode;
    the gRPC path cannot carry them), no duplicate keys, no runaway nesting."""
    if "\\u" in text and _SURROGATE.search(text) and (at := _lone_surrogate(text)) is not None:
        raise GateError(f"{where}: {at or 'a string'}: holds a lone UTF-16 surrogate (not valid Unicode)")
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_pairs)
    except DuplicateKey as exc:
        raise GateError(duplicate_message(where, exc.args[0])) from None
    except json.JSONDecodeError as exc:
        raise GateError(f"{where}: not JSON (line {exc.lineno}: {exc.msg})") from None
    except ValueError as exc:
        raise GateError(f"{where}: not JSON ({exc})") from None
    except RecursionError:
        raise GateError(f"{where}: nesting too deep (more than {MAX_DEPTH} levels)") from None


def _lone_surrogate(text: str) -> str | None:
    """Where an escape decodes to a surrogate not paired into a valid character: the key path of that
    string ("" at the top), None when there is none (round 27: the line named the file, not the key)."""
    try:
        return _surrogate_at(json.loads(text), "")
    except (ValueError, RecursionError):
        return None     # parse_json reports it


def _surrogate_at(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if not _encodes(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        here = f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}" if path else k
        if isinstance(k, str) and not _encodes(k):
            return f"{path or 'a key'} ({k!r})"
        found = _surrogate_at(v, here)
        if found is not None:
            return found
    return None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _PulumiLoader(yaml.SafeLoader):
    """YAML as the Pulumi CLI reads config (yaml.v3, YAML 1.2 core): `yes`/`on` and dates stay strings;
    aliases counted so an expansion bomb is refused."""

    aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_YAML_ALIASES} aliases (expansion bomb?)")
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """yaml.v3 (the CLI) refuses a key given twice in one mapping; keys a merge (`<<`) brings in may
        be overridden, as there."""
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str | int | float | bool) and key in seen:
                    raise DuplicateKey(key, key_node.start_mark.line + 1)
                if isinstance(key, str | int | float | bool):
                    seen.add(key)
        return super().construct_mapping(node, deep=deep)


_PulumiLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp",
                                                               "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PulumiLoader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def parse_yaml(text: str, where: str) -> Any:
    """YAML to plain JSON-like data (str keys; str/int/float/bool/None/list/dict values)."""
    try:
        data = yaml.load(text, Loader=_PulumiLoader)
    except DuplicateKey as exc:
        raise GateError(duplicate_message(f"{where} (line {exc.args[1]})", exc.args[0])) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        lines = text.splitlines()
        if isinstance(exc, yaml.constructor.ConstructorError) and mark is not None and mark.line < len(lines):
            problem += f": {lines[mark.line].strip()[:80]!r}"   # a tag: the line names the key
        raise GateError(f"{where}: invalid YAML{at}: {problem}") from None
    except RecursionError:
        raise GateError(f"{where}: nesting too deep") from None
    check_plain(data, where, budget=[MAX_YAML_VALUES])
    return data


MAX_YAML_VALUES = 1_000_000     # values after alias expansion


def check_plain(value: Any, where: str, path: str = "", depth: int = 0,
                budget: list[int] | None = None) -> None:
    """Only JSON types, string keys, finite numbers, bounded depth (and count, with `budget`)."""
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise GateError(f"{where}: more than {MAX_YAML_VALUES} values once aliases are expanded")
    if depth > MAX_DEPTH:
        raise GateError(f"{where}: {path or 'value'}: nested more than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise GateError(f"{where}: {path}{'.' if path else ''}{k!r}: keys must be strings")
            check_plain(v, where, f"{path}.{k}" if path else k, depth + 1, budget)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check_plain(v, where, f"{path}[{i}]", depth + 1, budget)
    elif (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
        raise GateError(f"{where}: {path or 'value'}: {value} is not a finite number")
    elif not (value is None or isinstance(value, str | int | float)):
        raise GateError(f"{where}: {path or 'value'}: unsupported YAML type {type(value).__name__}")
