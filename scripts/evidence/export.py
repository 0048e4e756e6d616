"""`evidence export`: gather verdicts, judge every control, and publish one verifiable bundle."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from evidence import bundle, html, oscal, register
from evidence.assess import assess
from evidence.catalogue import sources_text
from evidence.errors import EvidenceError
from evidence.model import ControlResult, LiveCheck, StackEvidence
from evidence.redact import Redactor

TOOLS = (
    "dosis-eloket-platform",
    "pulumi",
    "pulumi-aws",
    "pulumi-azure-native",
    "pulumi-azuread",
    "pulumi-policy",
    "checkov",
    "compliance-trestle",
    "boto3",
    "azure-identity",
)


def git_commit(project: Path) -> str:
    """HEAD of the project, with "+dirty" when the working tree differs from it."""

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)
        return proc.stdout.strip() if proc.returncode == 0 else ""

    head = git("rev-parse", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no") else "")


def tool_versions() -> dict[str, str]:
    """Installed versions of the tools whose behaviour the verdict depends on."""
    out = {}
    for name in TOOLS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def pack_versions(project: Path) -> dict[str, str]:
    """Policy pack -> content hash of its files (a pack has no release version: its content is)."""
    out = {}
    for spec in sorted((project / "policies").glob("*/PulumiPolicy.yaml")):
        digest = hashlib.sha256()
        for f in sorted(spec.parent.rglob("*")):
            if f.is_file() and "__pycache__" not in f.parts:
                digest.update(f.relative_to(spec.parent).as_posix().encode() + b"\0" + f.read_bytes())
        out[spec.parent.name] = "sha256:" + digest.hexdigest()[:16]
    return out


def controls_csv(results: list[ControlResult]) -> str:
    """One row per control for spreadsheets."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "control",
            "title",
            "kind",
            "status",
            "reason",
            "sources",
            "gdpr",
            "rules",
            "checkov",
            "resources",
            "violations",
            "waived",
            "live_checks",
        ]
    )
    for r in results:
        c = r.control
        w.writerow(
            [
                c.id,
                c.title,
                getattr(c, "kind", ""),
                r.status,
                r.reason,
                sources_text(c),
                "; ".join(getattr(c, "gdpr", []) or []),
                " ".join(r.rules),
                " ".join(r.checkov),
                len(r.subjects),
                sum(1 for v in r.violations if not v.get("waiver")),
                len(r.waivers),
                " ".join(f"{x.check}={x.status}" for x in r.live),
            ]
        )
    return buf.getvalue()


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=False, default=str) + "\n").encode()


def export(
    project: Path,
    out: Path,
    *,
    stacks: list[str] | None,
    state_file: Path | None = None,
    live: bool = False,
    catalogue: Any = None,
    rule_meta: dict[str, Any] | None = None,
    collect: Callable[..., list[StackEvidence]] | None = None,
    live_collect: Callable[[list[StackEvidence]], list[LiveCheck]] | None = None,
    register_path: Path | None = None,
    pack_config: list[str] = (),
    gate_dir: Path | None = None,
    as_of: str = "",
) -> dict[str, Any]:
    """Write the bundle for ``stacks`` (None: every stack) to ``out``; returns the manifest."""
    started = time.perf_counter()
    exported = datetime.now(UTC).replace(microsecond=0)
    if state_file is not None:  # cheapest input first: a bad file fails before any work
        from evidence.inputs import read_state

        read_state(state_file)
    reg = register.load(register_path or project / register.DEFAULT_PATH)
    if catalogue is None:
        from evidence.catalogue import load, load_rules

        catalogue = load()
        rule_meta = load_rules() if rule_meta is None else rule_meta
    if collect is None:
        from evidence.inputs import collect as collect_gate

        collect = functools.partial(collect_gate, pack_config=pack_config, gate_dir=gate_dir)
    evidence = collect(project, stacks, state_file)
    judged = sorted({ev.report.as_of for ev in evidence if ev.report.as_of})
    if as_of and judged and judged != [as_of]:
        raise EvidenceError(f"--as-of {as_of}: the gate reports were judged as of {', '.join(judged)}; "
                            "export with the same date or run the gate again")
    checks: list[LiveCheck] = []
    if live:
        if live_collect is None:
            from evidence.live import collect_all

            live_collect = collect_all
        checks = live_collect(evidence)

    redactor = Redactor()
    for ev in evidence:
        redactor.collect(ev.state)
        redactor.collect(ev.report.to_json())
    for ev in evidence:
        ev.state = redactor.redact(ev.state)
    for chk in checks:
        chk.actual, chk.expected = redactor.redact(chk.actual), redactor.redact(chk.expected)
        chk.detail = redactor.scrub(chk.detail)
    results = assess(catalogue, evidence, checks, rule_meta or {})
    for r in results:
        r.violations = redactor.redact(r.violations)
        for s in r.subjects:
            s["properties"] = redactor.redact(s["properties"])

    commit = git_commit(project)
    versions = tool_versions()
    meta = {
        "exported": exported.isoformat(),
        "git_commit": commit,
        "stacks": [ev.stack for ev in evidence],
        "versions": versions,
        "packs": pack_versions(project),
        "live": live,
        "sources": {ev.stack: ev.source for ev in evidence},
        "policy_pack_config": list(pack_config),
        "as_of": as_of or (judged[0] if len(judged) == 1 else ""),
    }
    files: dict[str, bytes] = {}
    model = oscal.build(results, evidence, exported, versions.get("dosis-eloket-platform", "0"), commit)
    files["assessment-results.json"] = redactor.scrub(oscal.to_json(model)).encode()
    files["controls.csv"] = controls_csv(results).encode()
    files["register.md"] = register.to_markdown(reg).encode()
    files["register.json"] = _json(reg)
    for ev in evidence:
        files[f"stacks/{ev.stack}/report.json"] = _json(redactor.redact(ev.report.to_json()))
        files[f"stacks/{ev.stack}/state.json"] = _json(ev.state)
        if ev.sarif:
            files[f"stacks/{ev.stack}/report.sarif"] = redactor.scrub(ev.sarif).encode()
    if live:
        files["live.json"] = _json([c.to_json() for c in checks])
    meta["export_seconds"] = round(time.perf_counter() - started, 3)
    files["report.html"] = html.render(results, evidence, checks, reg, meta).encode()
    return bundle.write(out, files, meta, redactor)
