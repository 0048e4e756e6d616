"""`evidence export`: gather verdicts, judge every control, and publish one verifiable bundle."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import re
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from evidence import bundle, html, oscal, register, signing
from evidence.assess import assess, summary_json
from evidence.catalogue import sources_text
from evidence.errors import EvidenceError
from evidence.model import ControlResult, LiveCheck, StackEvidence
from evidence.redact import Redactor

STACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
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
    """HEAD of the project, with "+dirty" when the working tree differs from it ("unknown": no git
    checkout). A failing `git status` is an error, not a clean tree: the bundle would say "clean" unasked."""

    def git(*args: str) -> tuple[int, str]:
        proc = subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)
        return proc.returncode, proc.stdout.strip()

    code, head = git("rev-parse", "HEAD")
    if code != 0 or not head:
        return "unknown"
    code, changed = git("status", "--porcelain", "--untracked-files=no")
    if code != 0:
        raise EvidenceError(f"{project}: `git status` failed (exit {code}): cannot say whether the checkout "
                            "is the commit it names; run the export again")
    return head + ("+dirty" if changed else "")


def _same_checkout(project: Path, commit: str) -> None:
    """EvidenceError unless the checkout is still the one the export began on (flaky test, 2026-12-03: a
    file edited during a minutes-long export made two exports of one gate run name other commits)."""
    now = git_commit(project)
    if now != commit:
        raise EvidenceError(f"{project}: the checkout changed during the export ({commit} when it began, "
                            f"{now} now: HEAD moved or a tracked file was edited); export again")


def tool_versions() -> dict[str, str]:
    """Installed versions of the tools whose behaviour the verdict depends on.

    checkov runs from its own pinned tool environment (not this venv): its pin is its version.
    """
    out = {}
    for name in TOOLS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    if "checkov" not in out:
        from gate.checkov.toolenv import CHECKOV_VERSION

        out["checkov"] = CHECKOV_VERSION
    return dict(sorted(out.items()))


def pack_configs(project: Path, given: list[str]) -> dict[str, dict[str, str]]:
    """The pack configs the gate applied: `[tool.gate]` of the project, then the given PACK=FILE specs."""
    from gate import settings as gate_settings

    applied = gate_settings.with_flags(gate_settings.load([project]), pack_config=list(given))
    out = {}
    for pack, path in sorted(applied.pack_config.items()):
        try:
            shown = path.relative_to(project).as_posix()
        except ValueError:
            shown = str(path)
        out[pack] = {"file": shown, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
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


def records_for(project: Path, as_of: str, exported: datetime) -> Any:
    """The project's records (drill reports, PIA acceptances) on the evaluation date (else export date)."""
    from datetime import date

    from evidence.records import Records

    records = Records(project / "stacks" / "records", date.fromisoformat(as_of) if as_of else exported.date())
    records.validate()  # a malformed record stops the export before anything is written (exit 2)
    return records


def _register_and_records(project: Path, register_path: Path | None, as_of: str, exported: datetime) -> Any:
    """The register; records with a schema are read too, so bad input stops the export before the gate."""
    reg = register.load(register_path or project / register.DEFAULT_PATH)
    records_for(project, as_of, exported)
    return reg


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=False, default=str) + "\n").encode()


def _meta(project: Path, exported: datetime, commit: str, evidence: list[StackEvidence], live: bool,
          pack_config: list[str]) -> dict[str, Any]:
    """What the manifest says about the export itself."""
    return {
        "exported": exported.isoformat(),
        "git_commit": commit,
        "stacks": [ev.stack for ev in evidence],
        "versions": tool_versions(),
        "packs": pack_versions(project),
        "live": live,
        "sources": {ev.stack: ev.source for ev in evidence},
        "policy_pack_config": pack_configs(project, list(pack_config)),
    }


def _checked_signer(out: Path, stacks: list[str] | None, signing_key: Path | None) -> Any:
    """Valid stack names (no path escapes), a signing key outside the bundle; the signer."""
    key = Path(signing_key or signing.default_key()).expanduser().resolve()
    if Path(out).resolve() in (key, *key.parents):
        raise EvidenceError(f"{key}: the signing key must not live inside the bundle {out}")
    for stack in stacks or []:
        if not isinstance(stack, str) or not STACK_NAME.fullmatch(stack) or ".." in stack:
            raise EvidenceError(f"--stack {stack!r}: invalid stack name (letters, digits, '-', '_', '.')")
    return signing.load_signer(key)


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
    signing_key: Path | None = None,
    gate_key: Path | None = None,
    allow_unsigned_gate: bool = False,
) -> dict[str, Any]:
    """Write the bundle for ``stacks`` (None: every stack) to ``out``; returns the manifest.

    The manifest is signed with the Ed25519 key at ``signing_key`` (default: signing.default_key(),
    generated on first use; never inside ``out``).
    """
    started = time.perf_counter()
    signer = _checked_signer(out, stacks, signing_key)
    exported = datetime.now(UTC).replace(microsecond=0)
    began_on = git_commit(project)   # the checkout judged; the same when the bundle is written (below)
    if state_file is not None:  # cheapest input first: a bad file fails before any work
        from evidence.inputs import read_state

        read_state(state_file)
    reg = _register_and_records(project, register_path, as_of, exported)
    if catalogue is None:
        from evidence.catalogue import load, load_rules

        catalogue = load()
        rule_meta = load_rules() if rule_meta is None else rule_meta
    if collect is None:
        from evidence.inputs import collect as collect_gate

        collect = functools.partial(collect_gate, pack_config=pack_config, gate_dir=gate_dir, as_of=as_of,
                                    gate_key=gate_key, allow_unsigned_gate=allow_unsigned_gate)
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

    redactor = _redacted(evidence, checks)
    on = as_of or (judged[0] if len(judged) == 1 else "")
    results = assess(catalogue, evidence, checks, rule_meta or {}, records_for(project, on, exported))
    for r in results:
        r.violations = redactor.redact(r.violations)
        for s in r.subjects:
            s["properties"] = redactor.redact(s["properties"])

    _same_checkout(project, began_on)
    meta = _meta(project, exported, began_on, evidence, live, pack_config)
    commit, versions = meta["git_commit"], meta["versions"]
    meta["as_of"] = on
    model = oscal.build(results, evidence, exported, versions.get("dosis-eloket-platform", "0"), commit)
    files = _files(model, results, evidence, checks if live else None, reg, redactor)
    meta["export_seconds"] = round(time.perf_counter() - started, 3)
    files["report.html"] = html.render(results, evidence, checks, reg, meta).encode()
    return bundle.write(out, files, meta, redactor, signer)


def _redacted(evidence: list[StackEvidence], checks: list[LiveCheck]) -> Redactor:
    """Learn every secret of the states and reports, then redact the states and live checks in place."""
    redactor = Redactor()
    for ev in evidence:
        redactor.collect(ev.state)
        redactor.collect(ev.report.to_json())
    for ev in evidence:
        ev.state = redactor.redact(ev.state)
    for chk in checks:
        chk.actual, chk.expected = redactor.redact(chk.actual), redactor.redact(chk.expected)
        chk.detail = redactor.scrub(chk.detail)
    return redactor


def _files(model: Any, results: list[ControlResult], evidence: list[StackEvidence],
           checks: list[LiveCheck] | None, reg: Any, redactor: Redactor) -> dict[str, bytes]:
    """The bundle's documents but the HTML report (`checks` None: no live evidence was read)."""
    files: dict[str, bytes] = {}
    files["assessment-results.json"] = redactor.scrub(oscal.to_json(model)).encode()
    files["controls.csv"] = controls_csv(results).encode()
    files["summary.json"] = _json(summary_json(results))
    files["register.md"] = register.to_markdown(reg).encode()
    files["register.json"] = _json(reg)
    for ev in evidence:
        files[f"stacks/{ev.stack}/report.json"] = _json(redactor.redact(ev.report.to_json()))
        files[f"stacks/{ev.stack}/state.json"] = _json(ev.state)
        if ev.sarif:
            files[f"stacks/{ev.stack}/report.sarif"] = redactor.scrub(ev.sarif).encode()
    if checks is not None:
        files["live.json"] = _json([c.to_json() for c in checks])
    return files
