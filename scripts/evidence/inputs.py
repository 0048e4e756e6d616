"""Gate verdicts and checkpoints for the stacks being exported.

The export runs the gate exactly as a developer or CI does (`python -m gate preview|analyze --format json
--out DIR`) and reads back `<stack>.report.json` and `<stack>.state.json`. Going through the gate's command
line keeps one definition of "the gate's verdict" (packs, pack config, checkov) and isolates this tool from
the engine's internals.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from gate import leash
from gate.errors import first_line
from gate.model import PolicyRun, StackReport, Violation

from evidence.errors import EvidenceError
from evidence.model import StackEvidence

STACK_TYPE = "pulumi:pulumi:Stack"
STACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def report_from_json(data: dict[str, Any], where: str) -> StackReport:
    """Rebuild a StackReport from the gate's JSON report; EvidenceError naming the file and the key
    unless it is shaped as the gate writes one (round 29: a wrong shape named the file only)."""
    from gate.report_shape import problem

    why = problem(data)
    if why:
        raise EvidenceError(f"{where}: {why}: not a report the gate wrote")
    try:
        return StackReport(
            stack=data["stack"],
            resources=int(data.get("resources", 0)),
            violations=[Violation(**v) for v in data.get("violations", [])],
            policies=[PolicyRun(**p) for p in data.get("policies", [])],
            resource_types=dict(data.get("resource_types", {})),
            regions=dict(data.get("regions", {})),
            as_of=str(data.get("as_of", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EvidenceError(f"{where}: not a gate report ({exc})") from None


def read_state(path: Path) -> dict[str, Any]:
    """A checkpoint in `pulumi stack export` shape; EvidenceError naming file and key otherwise."""
    from gate.errors import GateError
    from gate.state_load import load_state

    if not os.path.lexists(path):
        raise EvidenceError(f"{path}: state file not found")
    try:   # the gate's reader (round 32): once, in chunks, as strictly as the gate (a key given twice, NaN)
        data = load_state(Path(path))
    except GateError as exc:
        raise EvidenceError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("deployment"), dict):
        raise EvidenceError(f"{path}: deployment: missing (expected `pulumi stack export` output)")
    resources = data["deployment"].get("resources")
    if resources is None:
        data["deployment"]["resources"] = []
    elif not isinstance(resources, list) or not all(isinstance(r, dict) and "urn" in r for r in resources):
        raise EvidenceError(f"{path}: deployment.resources: expected a list of resources with urn")
    return data


def stack_of(state: dict[str, Any]) -> str | None:
    """The stack name in the URNs (urn:pulumi:<stack>::<project>::...)."""
    for r in state.get("deployment", {}).get("resources", []):
        parts = str(r.get("urn", "")).split(":", 3)
        if len(parts) == 4 and parts[0] == "urn" and parts[1] == "pulumi":
            return parts[2].split("::", 1)[0]
    return None


def run_gate(args: list[str], project: Path) -> None:
    """Run the gate's CLI; exit 0/1 (ok/blocked) are both verdicts, 2 is bad input we pass on."""
    # Its own process group: an interrupted export takes the gate and everything it started with it; on
    # a leash (gate.leash), so does an export killed outright (the gate then stops as on SIGTERM).
    with leash.popen("gate", *args, mode="term", cwd=project, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True, start_new_session=True) as proc:
        try:
            _, stderr = proc.communicate()
        except BaseException:    # SIGTERM first: the gate then kills its own children's groups
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            raise
        finally:
            leash.release(proc)
    if proc.returncode not in (0, 1):
        lines = [ln for ln in stderr.splitlines() if ln.strip()]
        detail = lines[-1] if lines else f"exit code {proc.returncode}"
        raise EvidenceError(detail.removeprefix("gate: error: "))


def _sarif(report: StackReport) -> str:
    """The gate's SARIF rendering of a report: a bundle without it would not say why, so a renderer that
    fails stops the export (one line, nothing written)."""
    import io

    from gate.report import render

    buf = io.StringIO()
    try:
        render(report, "sarif", buf)
    except Exception as exc:
        raise EvidenceError(f"stack {report.stack}: the gate's SARIF rendering failed "
                            f"({type(exc).__name__}: {first_line(exc)})") from None
    return buf.getvalue()


def _report_json(report_path: Path) -> Any:
    try:
        return json.loads(report_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise EvidenceError(f"{report_path}: gate wrote no readable report") from None


def _load(out: Path, stack: str, state: dict[str, Any] | None, source: str) -> StackEvidence:
    report_path = out / f"{stack}.report.json"
    data = _report_json(report_path)
    if state is None:
        state = read_state(out / f"{stack}.state.json")
    report = report_from_json(data, str(report_path))
    return StackEvidence(stack=stack, report=report, state=state, source=source, sarif=_sarif(report))


def collect(
    project: Path,
    stacks: list[str] | None,
    state_file: Path | None,
    *,
    pack_config: list[str] = (),
    gate_dir: Path | None = None,
    as_of: str = "",
    gate_key: Path | None = None,
    allow_unsigned_gate: bool = False,
) -> list[StackEvidence]:
    """Gate verdicts for the named stacks (None: --all), or for one exported state file.

    `pack_config` holds `PACK=FILE` specs passed to the gate as `--policy-pack-config`; `gate_dir` reuses
    the `<stack>.report.json` / `<stack>.state.json` of an earlier `gate preview --out DIR` instead.
    """
    if gate_dir is not None:
        return _from_gate_dir(Path(gate_dir), stacks, project, as_of, gate_key, allow_unsigned_gate)
    config_args = [a for spec in pack_config for a in ("--policy-pack-config", spec)]
    with tempfile.TemporaryDirectory(prefix="evidence-gate-") as tmp:
        out = Path(tmp)
        if state_file is not None:
            state = read_state(state_file)
            stack = (stacks[0] if stacks else None) or stack_of(state) or Path(state_file).name.split(".")[0]
            run_gate(
                [
                    "analyze",
                    "--state",
                    str(Path(state_file).resolve()),
                    "--stack",
                    stack,
                    "--program",
                    str(project),
                    "--format",
                    "json",
                    "--out",
                    str(out),
                    *config_args,
                ],
                project,
            )
            return [_load(out, stack, state, str(state_file))]
        args = ["preview", "--program", str(project), "--format", "json", "--out", str(out), *config_args]
        args += ["--all"] if stacks is None else ["--stack", stacks[0]]
        run_gate(args, project)
        names = stacks or sorted(p.name.removesuffix(".report.json") for p in out.glob("*.report.json"))
        return [_load(out, s, None, "preview") for s in names]


def _from_gate_dir(gate_dir: Path, stacks: list[str] | None, project: Path, as_of: str,
                   gate_key: Path | None = None, allow_unsigned: bool = False) -> list[StackEvidence]:
    """Exactly the stacks of the last gate run in `gate_dir` (its run.json), each file as that run wrote it.

    A stack left over from an older run, or a file changed since, is refused: the bundle must hold one
    run's verdicts, nothing mixed in. Round 7: the run must have judged this project's program with its
    judge on the export's date, and each report must say what the packs say of its state (evidence.rejudge).
    Round 9: run.json must be signed by the trusted gate key (evidence.gate_run), and checkov's findings
    are judged again too.
    """
    from evidence import gate_report, gate_run, rejudge

    index, index_bytes = _run_index(gate_dir)
    signed = gate_run.check_signed(gate_dir, index_bytes, gate_key, allow_unsigned)
    rejudge.check_seal(index, gate_dir / "run.json", project, as_of)
    gate_run.check_run_files(gate_dir, index.get("files"))
    produced = index["stacks"]
    names = stacks or sorted(produced)
    for name in names:
        if name not in produced:
            raise EvidenceError(f"{gate_dir / 'run.json'}: stack {name!r} is not from the last gate run "
                                f"(it produced: {', '.join(sorted(produced)) or 'none'}); "
                                f"missing or stale {name}.report.json")
        unlisted = [f for f in (f"{name}.report.json", f"{name}.state.json") if f not in produced[name]]
        if unlisted:   # what _load reads must be what the run wrote (round 4: an index left them out)
            raise EvidenceError(f"{gate_dir / 'run.json'}: stacks.{name}: {unlisted[0]} is not in the gate "
                                "run index: run the gate again")
        for rel, digest in produced[name].items():
            path = gate_dir / rel
            _inside(gate_dir, path)
            gate_run.check_digest(path, digest)
    reports = {s: _report_json(gate_dir / f"{s}.report.json") for s in names}
    for stack, report in reports.items():   # round 28: what the signature and judging again do not see
        gate_report.check_report(report, gate_dir / f"{stack}.report.json", stack, index["seal"].get("as_of"))
    gate_report.check_exit(index, gate_dir / "run.json",
                           [f"{s}.report.json" for s, report in reports.items() if report["blocked"]])
    loaded = [_load(gate_dir, s, None, f"gate run {index.get('run', '?')} in {gate_dir}; {signed}")
              for s in names]
    for stack, report in reports.items():
        rejudge.check_rejudged(gate_dir, stack, report, project, as_of, run_gate)
    return loaded


def _inside(gate_dir: Path, path: Path) -> None:
    """No symlink on the way from the gate dir to a file it names (round 4): a link out of the gate dir
    can be pointed elsewhere between the digest check and the read, or at a file no gate run wrote."""
    here = gate_dir
    for part in path.relative_to(gate_dir).parts:
        here = here / part
        if here.is_symlink():
            raise EvidenceError(f"{here}: a symbolic link in the gate dir; evidence is read only from files "
                                "the gate run wrote there")


def _run_index(gate_dir: Path) -> tuple[dict[str, Any], bytes]:
    from evidence.gate_report import MAX_INDEX_BYTES, read_regular

    path = gate_dir / "run.json"
    try:
        raw = read_regular(path, MAX_INDEX_BYTES)   # round 28: a link out, a FIFO, a huge file
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise EvidenceError(f"{gate_dir}: no run.json here (run `gate preview --out {gate_dir}`)") from None
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"{path}: unreadable gate run index ({exc})") from None
    stacks = data.get("stacks") if isinstance(data, dict) else None
    if not isinstance(stacks, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) for k, v in stacks.items()):
        raise EvidenceError(f"{path}: stacks: not a gate run index")
    for name, files in stacks.items():
        if not STACK_NAME.fullmatch(name) or ".." in name:
            raise EvidenceError(f"{path}: stacks: {name!r} is not a stack name")
        for rel in files:
            if not isinstance(rel, str) or rel.startswith("/") or ".." in Path(rel).parts:
                raise EvidenceError(f"{path}: stacks.{name}: {rel!r} is not a path inside the gate dir")
    return data, raw
