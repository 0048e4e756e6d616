"""checkov over many exported documents: cached components answered at once, the rest dealt into shards
that run side by side, one checkov process each.

Results come back in one order whatever the sharding and caching (document, component, resource, check),
so a sharded, a cached and a single run give the same report (tests hold them to it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.checkov.cache import ResultCache, fast_digest
from gate.checkov.shard import (
    Component,
    arm_components,
    deal,
    merge_arm,
    merge_terraform,
    terraform_components,
)
from gate.env_values import MAX_PROCESSES, count
from gate.jsonio import write_bytes_atomic

FRAMEWORKS = ("terraform_plan", "arm")
# resources per extra checkov process: below, its start costs more than it saves (measured when a driver
# cost 2.3 s of CPU; since round 4 it is ~1.2 s, so the break-even is lower: not measured again yet)
SHARD_MIN = 1500
CHUNK = 250       # resources per file checkov reads (see _chunks)
JOBS_ENV = "GATE_CHECKOV_JOBS"
_STATUS = {"failed_checks": "FAILED", "passed_checks": "PASSED"}
Found = tuple[Component, list[dict[str, Any]]]   # a component and checkov's results on its resources


@dataclass
class Document:
    """One exported view to scan: `<stack>/<name>` in checkov's directory."""

    stack: str
    name: str
    framework: str                 # "terraform_plan" | "arm"
    content: dict[str, Any]
    parts: list[Component] | None = None   # its components, when the export already cut them

    def components(self) -> list[Component]:
        if self.parts is not None:
            return self.parts
        if self.framework == "terraform_plan":
            return terraform_components(self.content)
        return arm_components(self.content)

    def merged(self, parts: list[Component]) -> dict[str, Any]:
        if self.framework == "terraform_plan":
            return merge_terraform(self.content, parts)
        return merge_arm(self.content, parts)


def default_jobs() -> int:
    """checkov processes at most at once: GATE_CHECKOV_JOBS, else the number of CPUs."""
    return count(JOBS_ENV, os.cpu_count() or 1, most=MAX_PROCESSES)


def shard_count(resources: int, jobs: int) -> int:
    return max(1, min(jobs, resources // SHARD_MIN))


@dataclass
class _Piece:
    doc: int
    index: int
    component: Component
    key: str


def scan_documents(docs: list[Document], workdir: Path, run: Callable[[Path], list[dict[str, Any]]], *,
                   jobs: int | None = None, cache: ResultCache | None = None,
                   shards: int | None = None) -> list[dict[str, Any]]:
    """checkov's reports (one per framework, the fields the gate reads) over `docs`.

    `run(directory)` scans one directory of `<stack>/<name>` files. `shards` forces the number of
    checkov processes (tests); by default it follows the resources to scan and `jobs`.
    """
    return _assemble(scan_components(docs, workdir, run, jobs=jobs, cache=cache, shards=shards))


def scan_components(docs: list[Document], workdir: Path, run: Callable[[Path], list[dict[str, Any]]], *,
                    jobs: int | None = None, cache: ResultCache | None = None,
                    shards: int | None = None) -> list[tuple[Document, list[Found]]]:
    """Per document, each of its components with checkov's results on it (`check_id`, `check_name`,
    `resource`, `severity`, `result`: FAILED or PASSED), in checkov's order (`scan_documents` sorts)."""
    pieces = [[_Piece(di, ci, c, c.key or fast_digest(c.document))
               for ci, c in enumerate(doc.components())]
              for di, doc in enumerate(docs)]
    results: dict[tuple[int, int], list[dict[str, Any]]] = {}
    todo: list[_Piece] = []
    for doc, parts in zip(docs, pieces, strict=True):
        for p in parts:
            hit = cache.lookup(doc.stack, doc.name, p.key) if cache is not None else None
            if hit is None:
                todo.append(p)
            else:
                results[(p.doc, p.index)] = hit
    if todo:
        count = shards or shard_count(sum(p.component.size for p in todo), jobs or default_jobs())
        bins = [[todo[i] for i in b] for b in deal([p.component.size for p in todo], count)]
        base = Path(workdir) / ".shards"   # not a stack name (those start with a letter or digit)
        shutil.rmtree(base, ignore_errors=True)
        files: dict[tuple[str, ...], int] = {}   # (stack, chunk, file name) -> document
        directories = [_write_shard(docs, b, base / str(i), files) for i, b in enumerate(bins)]
        with ThreadPoolExecutor(max_workers=len(directories)) as pool:
            reports = [r for batch in pool.map(run, directories) for r in batch]
        for p in todo:
            results[(p.doc, p.index)] = []
        _attribute(reports, files, pieces, results)
    if cache is not None:
        for doc, parts in zip(docs, pieces, strict=True):
            cache.save(doc.stack, doc.name, {p.key: results[(p.doc, p.index)] for p in parts})
    return [(doc, [(p.component, results[(p.doc, p.index)]) for p in parts])
            for doc, parts in zip(docs, pieces, strict=True)]


def _chunks(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Whole components in files of about CHUNK resources: checkov matches each resource of a plan
    against every other one of its file (twice), which is quadratic in the resources per file."""
    out: list[list[_Piece]] = [[]]
    size = 0
    for p in pieces:
        if out[-1] and size + p.component.size > CHUNK:
            out.append([])
            size = 0
        out[-1].append(p)
        size += p.component.size
    return out


def _write_shard(docs: list[Document], pieces: list[_Piece], directory: Path,
                 files: dict[tuple[str, ...], int]) -> Path:
    """`directory/<stack>/<chunk>/<name>` for the pieces; `files` learns which document each file holds."""
    import json

    by_doc: dict[int, list[_Piece]] = {}
    for p in sorted(pieces, key=lambda p: (p.doc, p.index)):
        by_doc.setdefault(p.doc, []).append(p)
    for di, parts in by_doc.items():
        doc = docs[di]
        for ci, chunk in enumerate(_chunks(parts)):
            target = directory / doc.stack / str(ci)
            target.mkdir(parents=True, exist_ok=True)
            text = json.dumps(doc.merged([p.component for p in chunk]), separators=(",", ":"))
            write_bytes_atomic(target / doc.name, text.encode("utf-8"))   # never empty where walked
            files[(doc.stack, str(ci), doc.name)] = di
    return directory


def _attribute(reports: list[dict[str, Any]], files: dict[tuple[str, ...], int], pieces: list[list[_Piece]],
               results: dict[tuple[int, int], list[dict[str, Any]]]) -> None:
    """Each result to the component holding its resource (results on no known resource are dropped:
    the gate could not map them to a URN either)."""
    owner = {di: {a: p.index for p in parts for a in p.component.addresses}
             for di, parts in enumerate(pieces)}
    where: dict[str, int | None] = {}
    for report in reports:
        for key, status in _STATUS.items():
            for check in report.get("results", {}).get(key, []) or []:
                file_path = str(check.get("file_path", ""))
                if file_path not in where:
                    where[file_path] = files.get(Path(file_path).parts[-3:])
                di = where[file_path]
                ci = owner[di].get(str(check.get("resource", ""))) if di is not None else None
                if ci is None:
                    continue
                results[(di, ci)].append({
                    "check_id": check.get("check_id"), "check_name": check.get("check_name"),
                    "resource": check.get("resource"), "severity": check.get("severity"), "result": status})


def _assemble(found: list[tuple[Document, list[Found]]]) -> list[dict[str, Any]]:
    reports = {fw: {"check_type": fw, "results": {"failed_checks": [], "passed_checks": []}}
               for fw in FRAMEWORKS}
    for doc, parts in found:
        out = reports[doc.framework]["results"]
        file_path = f"/{doc.stack}/{doc.name}"
        for component, results in parts:
            order = {a: i for i, a in enumerate(component.addresses)}
            ranked = sorted(results,
                            key=lambda r: (order.get(r["resource"], -1), str(r["check_id"]), r["result"]))
            for r in ranked:
                key = "failed_checks" if r["result"] == "FAILED" else "passed_checks"
                entry = {k: v for k, v in r.items() if k != "result"}
                out[key].append({**entry, "file_path": file_path})
    return [reports[fw] for fw in FRAMEWORKS if any(reports[fw]["results"].values())]
