"""A stack's inputs as the stack cache compares them: the digests of the files and environment variables a
run read (gate.read_tracker), of the states it read through StackReferences (their outputs and resources,
not when they were recorded: round 11), and the key known before the run (`StackInputs`).
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.cache import digest, file_digest, gate_version, tree_files


def env_inputs(names: set[str] | list[str]) -> dict[str, str]:
    """Name -> digest of the value ("unset" when unset): values may be secrets, digests are not."""
    return {n: digest(os.environ[n]) if n in os.environ else "unset" for n in sorted(names)
            if n not in VOLATILE_ENV}


VOLATILE_ENV = frozenset({"GATE_CACHE_DIR", "GATE_CHECKOV_JOBS", "GATE_RUN_STARTED_NS", "COLUMNS", "LINES",
                          "TERM", "PWD", "OLDPWD", "SHLVL", "_"})


@functools.cache
def _excluded(checkov_env: str) -> tuple[str, ...]:
    """Prefixes whose files the lock file or checkov's version (GATE_CHECKOV_ENV, the caller's: round 16)
    already stand for, or that are not files."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, "/proc", "/dev", "/sys", checkov_env}
    roots |= {p for p in sys.path if p.endswith("site-packages")}
    return tuple(str(Path(r).resolve()) + os.sep for r in roots if r)


STATE_SUFFIX = ".state.json"
OUTPUTS = "outputs:"     # a state's digest prefix when only its stack outputs were read (a StackReference)


def outputs_digest(path: Path) -> str:
    """What a StackReference reads from a recorded state: its stack outputs, and (round 11: the packs place
    the values it gives through that graph) its resources; not when it was recorded (None if unreadable)."""
    if not path.is_file():
        return "missing"     # as file_digest: its arrival is a change
    try:
        resources = json.loads(path.read_text(encoding="utf-8"))["deployment"]["resources"]
    except (OSError, ValueError, KeyError, TypeError):
        resources = None
    if not isinstance(resources, list):   # round 45: no state (a text file read through it) is its bytes
        return file_digest(path)
    return OUTPUTS + digest(resources)


def input_digest(path: Path, recorded: str) -> str:
    """The digest of `path` of the kind `recorded` is (outputs only, a stat, a listing, or the bytes)."""
    from gate.read_probes import marked_digest

    if recorded.startswith(OUTPUTS):
        return outputs_digest(path)
    return marked_digest(str(path), recorded) or file_digest(path)


def state_inputs(paths: set[str] | list[str]) -> dict[str, str]:
    """Path -> outputs digest of the states read through StackReferences (ReadTracker.states)."""
    return {os.path.abspath(p): outputs_digest(Path(p)) for p in sorted(paths)}


def input_files(paths: set[str] | list[str], skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Path -> digest of the regular files among `paths` that are inputs (see module docstring)."""
    from gate.code_files import checked_cache
    from gate.read_probes import LISTING, PROBE, listing_digest, probe_digest, split

    out: dict[str, str] = {}
    probed: dict[str, str] = {}    # stat'ed or listed, not opened: an opened file's bytes say more
    excluded = _excluded(os.environ.get("GATE_CHECKOV_ENV", ""))
    excluded += tuple(str(Path(s).resolve()) + os.sep for s in skip)
    for raw in paths:
        kind, path = split(raw)
        if path.startswith(excluded) or checked_cache(path):   # round 38: not every `__pycache__` path
            continue
        if kind == LISTING:
            probed[path] = listing_digest(path)
        elif kind == PROBE:   # a state is read for its outputs (state_inputs), not judged by its size
            if not path.endswith(STATE_SUFFIX):
                probed.setdefault(path, probe_digest(path))
        elif os.path.isfile(path):
            out[path] = file_digest(Path(path))
        elif not os.path.exists(path) and os.path.isdir(os.path.dirname(path)):
            out[path] = "missing"   # e.g. the state of a stack not recorded yet: its arrival is a change
    return dict(sorted({**probed, **out}.items()))


@dataclass
class StackInputs:
    """What is known about a stack's inputs before running it."""

    project_file: Path
    lock_file: Path
    packs: list[Path]
    pack_config: Any
    options: dict[str, Any] = field(default_factory=dict)   # policy mode, checkov on/off, ...

    def key(self, stack: str, stack_file: Path) -> str:
        return digest({
            "gate": gate_version(), "stack": stack,
            "project": file_digest(self.project_file), "config": file_digest(stack_file),
            "lock": file_digest(self.lock_file), "packs": [tree_files(p) for p in self.packs],
            "pack_config": self.pack_config, "options": self.options,
        })
