"""Checks of a reused gate run (`evidence export --gate-dir`) beyond its file digests (round 7,
docs/gate-red-team.md).

`run.json` holds SHA-256 digests, not a signature: whoever edits a report (or a state) can recompute them.
So the export (1) refuses a run whose seal names another program (another project, another commit), whose
programs read a file of the project that differs now (round 39), or another judge (pack files, pack
configs, records, evaluation date, checkov) than this project's, and
(2) judges each recorded state again with the packs and checkov (`gate analyze`, a few seconds a stack;
checkov on the view exported from that state, as the gate scans it, since round 9), and the update graph
with the packs (round 9; in full since round 10, as the preview judges it), and refuses a report whose
findings differ from what they say.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evidence.errors import EvidenceError

_AGAIN = "run `gate preview --out DIR` of this checkout again, then export"


def check_seal(index: dict[str, Any], where: Path, project: Path, as_of: str) -> None:
    """EvidenceError unless the run judged this project's program with this project's judge, on as_of."""
    from gate.errors import GateError
    from gate.run_seal import changed_reads

    seal = index.get("seal")
    if index.get("command") not in ("preview", "merge") or not isinstance(seal, dict):
        raise EvidenceError(f"{where}: not the index of a `gate preview` (or `gate merge`) run that says "
                            f"what it judged (no seal): {_AGAIN}")
    run_as_of = seal.get("as_of")
    if as_of and run_as_of != as_of:
        raise EvidenceError(f"{where}: the gate run judged the records as of {run_as_of}, the export is as "
                            f"of {as_of} (waivers and acceptances may have expired or begun since): export "
                            f"--as-of {run_as_of}, or {_AGAIN}")
    try:
        mine = expected(project, run_as_of if isinstance(run_as_of, str) else as_of)
    except (GateError, ValueError) as exc:
        raise EvidenceError(f"{where}: cannot compute this project's seal ({exc})") from None
    if seal.get("program") != mine["program"]:
        raise EvidenceError(f"{where}: the gate run judged another program than {project} (another project "
                            f"or commit: its program digest differs): {_AGAIN}")
    changed = changed_reads(project, seal.get("reads"))
    if changed:   # round 39: a data file the program read (settings/region.txt) is no code of the digest
        raise EvidenceError(f"{where}: the gate run's programs read {', '.join(changed[:3])} with other "
                            f"content than {project} holds now (edited after the run, or another commit): "
                            + _AGAIN)
    if seal.get("judge") != mine["judge"]:
        raise EvidenceError(f"{where}: the gate run was judged by another judge than this project's (pack "
                            "files, pack configs, records, --as-of, policy mode or checkov differ): "
                            + _AGAIN)


def expected(project: Path, as_of: str) -> dict[str, str]:
    """The seal a plain `gate preview --program project --as-of as_of` (the export's own gate run: the
    project's packs, pack configs, records, checkov) would write (gate.run_seal)."""
    from gate import options
    from gate.cli_parser import build_parser
    from gate.project import load_project
    from gate.run_seal import of_run

    args = build_parser().parse_args(["preview", "--all", "--program", str(project), "--as-of", as_of])
    args.settings = options.settings_for(args, args.program)
    return of_run(args, load_project(project))


def _key(v: dict[str, Any]) -> tuple[str, ...]:
    waiver = v.get("waiver")
    return (str(v.get("pack")), str(v.get("policy")), str(v.get("urn")), str(v.get("level")),
            "" if not waiver else str(waiver))


def _judged(state: Path, stack: str, project: Path, as_of: str, run_gate: Callable[[list[str], Path], None],
            *, checkov: bool = True) -> set[tuple[str, ...]]:
    """The pack (and checkov) findings of `gate analyze` on a recorded graph (checkov scans the view the
    gate exports from that state: the same findings as the preview's, measured on this project's stacks)."""
    import json

    with tempfile.TemporaryDirectory(prefix="evidence-rejudge-") as tmp:
        run_gate(["analyze", "--state", str(state.resolve()), "--stack", stack, "--program", str(project),
                  "--no-cache", "--format", "json", "--out", tmp, *([] if checkov else ["--no-checkov"]),
                  *(["--as-of", as_of] if as_of else [])], project)
        again = json.loads((Path(tmp) / f"{stack}.report.json").read_text(encoding="utf-8"))
    return {_key(v) for v in again.get("violations", [])}


def _update_judged(gate_dir: Path, stack: str, project: Path, as_of: str,
                   run_gate: Callable[[list[str], Path], None]) -> set[tuple[str, ...]]:
    """The packs' findings on the update graph, judged in full as `gate preview` judges it (round 10:
    every finding counts, not only those where it differs from the preview's graph), without checkov (the
    preview scans its own graph only). Empty when the run recorded no update graph."""
    import json

    update = gate_dir / ".updates" / f"{stack}.state.json"
    if not update.is_file():
        return set()
    try:
        graph = json.loads(update.read_text(encoding="utf-8"))
        if not isinstance(graph["deployment"]["resources"], list):
            raise TypeError("resources")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EvidenceError(f"{update}: not an update graph the gate wrote ({type(exc).__name__})") from None
    return _judged(update, stack, project, as_of, run_gate, checkov=False)


def _refuse(gate_dir: Path, stack: str, what: str, missing: list[tuple[str, ...]]) -> None:
    pack, policy, urn, level, _ = missing[0]
    raise EvidenceError(
        f"{gate_dir / f'{stack}.report.json'}: does not say what {what} (judged again at export: "
        f"{len(missing)} finding(s) missing from the report or changed; first: {pack}/{policy} ({level}) on "
        f"{urn}): the report or the state was edited after the gate run; {_AGAIN}")


def check_rejudged(gate_dir: Path, stack: str, report: dict[str, Any], project: Path, as_of: str,
                   run_gate: Callable[[list[str], Path], None]) -> None:
    """EvidenceError unless every finding the packs and checkov make of the recorded state (what the
    bundle shows), and the packs of the update graph (what deploys; round 9), is in the report, as the
    report says it (same level, same waiver).

    The report may say more: the gate's own findings, and nothing an edit that adds findings could make
    look compliant."""
    said = {_key(v) for v in report.get("violations", []) if isinstance(v, dict)}
    missing = sorted(_judged(gate_dir / f"{stack}.state.json", stack, project, as_of, run_gate) - said)
    if missing:
        _refuse(gate_dir, stack, f"the packs and checkov say of {stack}.state.json", missing)
    missing = sorted(_update_judged(gate_dir, stack, project, as_of, run_gate) - said)
    if missing:
        _refuse(gate_dir, stack, f"the packs say of .updates/{stack}.state.json (the update graph)", missing)
