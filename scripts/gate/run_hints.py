"""What the runner orders stacks by and what earlier runs leave for the next (hints, never inputs that
decide a verdict): the stacks a stack's config names, the StackReferences each stack made
(`<out>/.stack-references.json`) and the SDK modules its workers loaded (gate.zygote's preload hint).
Split from gate.runner (round 19), which records the stacks in that order.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from gate.jsonio import write_json_atomic
from gate.project import Project, load_stack_config


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def config_dependencies(project: Project, stacks: list[str]) -> dict[str, set[str]]:
    """Stacks each stack's config refers to (by name or "<org>/<project>/<name>")."""
    deps: dict[str, set[str]] = {}
    for stack in stacks:
        values = _strings(load_stack_config(project, stack))
        deps[stack] = {
            other for other in stacks
            if other != stack and any(v == other or v.endswith("/" + other) for v in values)
        }
    return deps


REFERENCES_FILE = ".stack-references.json"


def _json_object(path: Path) -> dict[str, Any]:
    """A JSON object an earlier run left (a hint, never an input that decides a verdict); {} if absent,
    unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered_references(out: Path, stacks: list[str]) -> dict[str, set[str]]:
    """References recorded by an earlier run (`<out>/.stack-references.json`); empty if none or unreadable."""
    data = _json_object(out / REFERENCES_FILE)
    return {
        s: {t for t in refs if t in stacks and t != s}
        for s, refs in data.items() if s in stacks and isinstance(refs, list)
    }


def read_hint(directory: Path) -> dict[str, list[str]]:
    """Per stack, the SDK modules an earlier run's workers loaded (gate.zygote preloads them); {} if none
    or not readable as such."""
    from gate.zygote import HINT_FILE, HINT_LIMIT, SDK_MODULE

    data = _json_object(directory / HINT_FILE)
    return {stack: [n for n in names[:HINT_LIMIT] if isinstance(n, str) and SDK_MODULE.fullmatch(n)]
            for stack, names in data.items() if isinstance(stack, str) and isinstance(names, list)}


def write_hint(directory: Path, hint: dict[str, list[str]]) -> None:
    from gate.zygote import HINT_FILE

    with contextlib.suppress(OSError):
        write_json_atomic(directory / HINT_FILE, hint)


def preload_groups(hint: dict[str, list[str]], deps: dict[str, set[str]],
                   maybe: Collection[str] = ()) -> list[list[str]]:
    """The hint's modules in the order recording will need them: those of the stacks that can start at
    once, then the others' (gate.zygote serves the first stacks while it loads the rest). Stacks the
    cache may still answer (`maybe`) load theirs only if recorded (the zygote's on-demand list)."""
    first = [s for s in deps if not deps[s]]
    now = sorted({m for s in first for m in hint.get(s, [])})
    later = sorted({m for s in deps if s not in first and s not in maybe for m in hint.get(s, [])} - set(now))
    return [now, later]


def remember_references(previous: Path, out: Path, made: dict[str, Collection[str]]) -> None:
    """`<out>/.stack-references.json`: the earlier run's entries, with the StackReferences each stack of
    this run `made` (full names; the stack part is kept)."""
    known = _json_object(previous / REFERENCES_FILE)
    for stack, refs in made.items():
        known[stack] = sorted({t.split("/")[-1] for t in refs})
    write_json_atomic(out / REFERENCES_FILE, known)
