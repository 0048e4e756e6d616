"""Realistic benchmark states: the project's own recorded stacks, tiled to any size (docs/benchmarks.md).

A state generated from a handful of resource kinds judges what the generator happens to write, and the
rules have outgrown it (most of its resources fail them). A real stack looks like this project's: its
components register keys in a controller-held store, locks, diagnostic settings to the SIEM, access
blocks. So the realistic figure copies a stack the gate recorded (`gate preview`), tile after tile:

- every copy gets its own URNs (`<name>-t<k>`, parents, dependencies and providers rewritten alike) and
  its own physical names (bucket, account, server, vault, ... names, wherever they occur in the copy:
  ids, ARNs, policies), so rules link each copy's resources to each other and never across copies;
- waivers of the stack are repeated for each copy (a records directory made for the benchmark);
- a configurable fraction of the resources is made non-compliant on purpose (its `classification` tag
  removed), so the report has findings in proportion, as a real run has.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

_NAME_KEY = re.compile(r"^(?:name|bucket|identifier)$|Name$")
_SHARED_KEYS = frozenset({"displayName"})   # free text, not a name
_FIXED_NAMES = frozenset({"default", "current", "cluster"})       # names an API requires: kept
_TOKEN = re.compile(r"^[a-z0-9][a-z0-9_-]{3,}$")
STACK_TYPE = "pulumi:pulumi:Stack"


def _strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)


def physical_names(resources: list[dict[str, Any]]) -> set[str]:
    """Names a copy must not share with the original: `*Name`/`name`/`bucket` inputs (resource groups
    too: a real stack of 100k resources has thousands of small groups), except tag values, regions and
    the fixed names APIs require."""
    keep = set(_FIXED_NAMES)
    for r in resources:
        inputs = r.get("inputs") or {}
        _strings(inputs.get("tags"), keep)
        for k in ("location", "region"):
            if isinstance(inputs.get(k), str):
                keep.add(inputs[k])
    names = set()
    for r in resources:
        for k, v in (r.get("inputs") or {}).items():
            if (k not in _SHARED_KEYS and _NAME_KEY.search(k) and isinstance(v, str) and _TOKEN.match(v)
                    and v not in keep):
                names.add(v)
    return names


def _renamer(names: set[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_.-])({alternatives})(?![A-Za-z0-9_-])")


def _copy(body: list[dict[str, Any]], pieces: list[str], k: int, urns: set[str]) -> list[dict[str, Any]]:
    """Copy `k` of the stack's resources (k = 0: the original); `pieces` alternate text and names."""
    if k == 0:
        return json.loads("".join(pieces))
    suffix = f"t{k}"
    copies = json.loads("".join(p + suffix if i % 2 else p for i, p in enumerate(pieces)))

    def urn(value: str) -> str:
        return f"{value}-t{k}" if value in urns else value

    for r, c in zip(body, copies, strict=True):
        c["urn"] = urn(r["urn"])
        if r.get("parent"):
            c["parent"] = urn(r["parent"])
        c["dependencies"] = [urn(d) for d in r.get("dependencies") or []]
        c["propertyDependencies"] = {p: [urn(d) for d in deps]
                                     for p, deps in (r.get("propertyDependencies") or {}).items()}
        if r.get("provider"):
            provider, _, pid = r["provider"].rpartition("::")
            c["provider"] = f"{urn(provider)}::{pid}"
        c.pop("aliases", None)
    return copies


def _spoil(resources: list[dict[str, Any]], fraction: float, seed: int) -> int:
    """Remove the `classification` tag of `fraction` of all resources (chosen among the tagged ones)."""
    tagged = [r for r in resources
              if isinstance(tags := (r.get("inputs") or {}).get("tags"), dict) and "classification" in tags]
    chosen = random.Random(seed).sample(tagged, min(len(tagged), round(fraction * len(resources))))
    for r in chosen:
        for side in ("inputs", "outputs"):
            found = (r.get(side) or {}).get("tags")
            if isinstance(found, dict):
                r[side]["tags"] = {t: v for t, v in found.items() if t != "classification"}
    return len(chosen)


def tile_state(template: dict[str, Any], n: int, *, noncompliant: float = 0.01,
               seed: int = 7) -> tuple[dict[str, Any], int]:
    """About `n` resources (whole copies of the template, at least one) and the number of copies."""
    resources = template["deployment"]["resources"]
    stacks = [r for r in resources if r["type"] == STACK_TYPE]
    body = [r for r in resources if r["type"] != STACK_TYPE]
    blob = json.dumps(body)
    pattern = _renamer(physical_names(body))
    pieces = pattern.split(blob) if pattern is not None else [blob]
    urns = {r["urn"] for r in body}
    out = list(stacks)
    copies = max(1, round((n - len(stacks)) / max(1, len(body))))
    for k in range(copies):
        out.extend(_copy(body, pieces, k, urns))
    _spoil(out, noncompliant, seed)
    state = {**template, "deployment": {**template["deployment"], "resources": out}}
    return state, copies


def tiled_records(records: Path, dest: Path, stack: str, copies: int) -> Path:
    """A copy of the records directory whose waivers of `stack` also name each copy's resource."""
    shutil.copytree(records, dest, dirs_exist_ok=True)
    file = dest / "waivers" / f"{stack}.yaml"
    if not file.is_file():
        return dest
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    waivers = data.get("waivers") or []
    data["waivers"] = waivers + [{**w, "resource": f"{w['resource']}-t{k}"}
                                 for k in range(1, copies) for w in waivers
                                 if str(w.get("resource", "")).startswith("urn:")]
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return dest
