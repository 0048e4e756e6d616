"""checkov results cached at two levels, under `<cache dir>/checkov/`.

- Per component of an exported view (see gate.checkov.shard), one entry per exported document
  (`<stack>.tfplan.json`, `<stack>.arm.json`): component digest -> the results checkov gave its
  resources. A component's digest is that of its own document (its resources' blocks, addresses and
  references), so a resource whose exported block is unchanged is not scanned again, and a change to a
  resource rescans exactly the resources connected to it. A run that changed something rewrites the
  entry with the components it saw, so entries do not grow with history.
- Per stack: the digest of its last checkpoint, its exported views and what checkov found in them
  (`findings.outcome`). An unchanged state is answered without exporting, cutting or hashing anything.

Every key names the checkov version, the gate's checkov package (exporter, driver, tables) and the
frameworks scanned. Entries are read and written with orjson, compact: the standard library's
`json.dump` streams through its pure-Python encoder (seconds for a 10k-resource entry). A stack entry's
first line holds the state digest, so a changed state does not parse the views and outcome behind it.
An entry is read only when it is trusted as the stack cache's are (gate.cache.trusted; round 19: these
were read from a cache directory others could write, under `gate analyze` and `--policy-mode grpc`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from gate.cache import FORMAT, digest, file_digest, make_dirs, trusted
from gate.checkov.toolenv import CHECKOV_VERSION
from gate.inputs import MAX_STATE_BYTES, open_regular
from gate.jsonio import write_bytes_atomic

NAMESPACE = "checkov"
_HERE = Path(__file__).parent


@functools.cache
def scanner_identity(frameworks: tuple[str, ...]) -> str:
    """What a result depends on besides the state: checkov's version, this package's code and tables
    (exporter, driver, sharding), the recorded-value conventions they use, the frameworks."""
    files = sorted([*_HERE.glob("*.py"), *(_HERE / "data").glob("*"),
                    *(_HERE.parent / f for f in ("recording.py", "wire.py", "redaction.py"))])
    return digest({"checkov": CHECKOV_VERSION, "frameworks": list(frameworks),
                   "files": {p.name: file_digest(p) for p in files}})


def fast_digest(value: Any) -> str:
    """sha256 of `value`'s JSON with sorted keys (orjson; the canonical `gate.cache.digest` if orjson
    cannot encode it). A cache key only: it need not equal `gate.cache.digest`."""
    try:
        return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except TypeError:
        return digest(value)


class ResultCache:
    """Per-document bundles of per-component results, and per-stack results of whole states."""

    def __init__(self, root: Path, frameworks: tuple[str, ...]) -> None:
        self.dir = Path(root) / NAMESPACE
        self.identity = scanner_identity(frameworks)
        self.loaded: dict[str, dict[str, Any]] = {}
        self.keys: dict[tuple[str, str], str] = {}

    def _key(self, stack: str, name: str) -> str:
        if (stack, name) not in self.keys:
            self.keys[(stack, name)] = digest({"scanner": self.identity, "stack": stack, "document": name})
        return self.keys[(stack, name)]

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def _open(self, key: str) -> BinaryIO:
        """An entry past MAX_STATE_BYTES is a GateError naming it, not read whole (nor a line of it: a
        file without a line break is one line; round 30)."""
        return open_regular(self._path(key), "a checkov cache entry", MAX_STATE_BYTES)

    def _read(self, key: str) -> Any | None:
        """An entry's value; None when missing, unreadable or not this key's."""
        try:
            trusted(self._path(key), self.dir.parent)   # GateError: an entry others could have written
            with self._open(key) as fh:
                data = orjson.loads(fh.read())
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return data.get("value")

    def _write(self, key: str, value: Any, head: dict[str, Any] | None = None, *more: Any) -> None:
        """Atomically (temp file + rename), compact; a cache that cannot be written leaves the run
        uncached. With `head`: a first line of its own (`_read_head` reads it without the rest), then
        the value and each of `more` on a line of its own (`_read_line` reads one of them)."""
        with contextlib.suppress(OSError, TypeError):
            if head is None:
                data = orjson.dumps({"format": FORMAT, "key": key, "value": value})
            else:   # orjson escapes newlines in strings: each line is one value, whole
                lines = ({"format": FORMAT, "key": key, **head}, value, *more)
                data = b"\n".join(orjson.dumps(v) for v in lines)
            make_dirs(self._path(key).parent)      # this user's only: `trusted` reads it back
            write_bytes_atomic(self._path(key), data)

    def _read_head(self, key: str, head: dict[str, Any]) -> Any | None:
        """The value of an entry written with `head`, read only if its first line holds that head."""
        return self._read_line(key, 1, lambda first: first == {"format": FORMAT, "key": key, **head})

    def _read_line(self, key: str, line: int, accept: Callable[[Any], bool]) -> Any | None:
        """Line `line` (0 is the head) of an entry written with a head, if `accept(head)`; the lines
        between are skipped unparsed. None when missing, unreadable or not accepted."""
        try:
            trusted(self._path(key), self.dir.parent)
            with self._open(key) as fh:
                if not accept(orjson.loads(fh.readline())):
                    return None     # e.g. another state's entry: its (large) value is not read
                for _ in range(line - 1):
                    fh.readline()
                return orjson.loads(fh.readline())
        except (OSError, ValueError):
            return None

    def lookup(self, stack: str, name: str, component_key: str) -> list[dict[str, Any]] | None:
        key = self._key(stack, name)
        if key not in self.loaded:
            value = self._read(key)
            self.loaded[key] = value if isinstance(value, dict) else {}
        found = self.loaded[key].get(component_key)
        return found if isinstance(found, list) else None

    def save(self, stack: str, name: str, results: dict[str, list[dict[str, Any]]]) -> None:
        """Replace the document's entry with these components' results (unless it holds exactly them)."""
        key = self._key(stack, name)
        if self.loaded.get(key) == results:
            return
        self._write(key, results)
        self.loaded[key] = results

    def _stack_key(self, stack: str) -> str:
        return digest({"scanner": self.identity, "stack": stack, "kind": "stack"})

    def stack_result(self, stack: str, state_digest: str) -> dict[str, Any] | None:
        """What `keep_stack_result` stored for this stack, if it was for this very state; else None
        (decided on the entry's first line: a changed state does not read the views and outcome)."""
        kept = self._read_head(self._stack_key(stack), {"state": state_digest})
        return kept if isinstance(kept, dict) else None

    def keep_stack_result(self, stack: str, state_digest: str, value: dict[str, Any],
                          memo: dict[str, Any] | None = None) -> None:
        """One entry per stack, replaced by each state's result: entries do not grow with history.
        `memo` (gate.checkov.views), on a third line, serves the next state whatever it is."""
        more = [memo] if memo is not None else []
        self._write(self._stack_key(stack), value, {"state": state_digest}, *more)

    def stack_memo(self, stack: str) -> dict[str, Any]:
        """The memo kept with the stack's entry (whichever state it was for); {} if none or unreadable."""
        key = self._stack_key(stack)
        memo = self._read_line(key, 2, lambda head: isinstance(head, dict) and head.get("format") == FORMAT
                               and head.get("key") == key)
        return memo if isinstance(memo, dict) else {}
