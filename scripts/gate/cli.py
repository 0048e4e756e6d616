"""`gate`: the offline engine's command line (preview a program, analyze an exported state).

Exit codes: 0 not blocked, 1 blocked by a mandatory violation, 2 bad input (one line on stderr naming
the file, key or stack; no traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from gate import asof
from gate.errors import GateError, UsageError

FORMATS = ("text", "json", "sarif", "junit")
# This project's root (scripts/gate/cli.py -> repo root): default program and default policy packs.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message if self.prog == "gate" else f"{self.prog}: {message}")


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return int(text)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="text", help="output on stdout (default: text)")
    p.add_argument("--out", type=Path, help="directory for <stack>.state.json and <stack>.report.json")
    p.add_argument("--policy-pack", action="append", default=[], type=Path, metavar="DIR",
                   help="policy pack directory (repeatable; default: every pack under policies/)")
    p.add_argument("--policy-pack-config", action="append", default=[], metavar="PACK=FILE",
                   help="pack config JSON, as `pulumi preview --policy-pack-config` takes it (repeatable)")
    p.add_argument("--policy-mode", choices=("inprocess", "grpc"), default="inprocess",
                   help="evaluate packs in-process (fast) or through the Analyzer gRPC protocol")
    p.add_argument("--no-checkov", action="store_true", help="skip the checkov scan")
    p.add_argument("--timings", action="store_true", help="print the time split on stderr")
    asof.add_argument(p)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gate", description="Offline Pulumi preview + CrossGuard policy gate.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    pre = sub.add_parser("preview", help="record a program's stacks under mocks and judge them")
    pre.add_argument("--program", type=Path, default=PROJECT_ROOT, metavar="DIR",
                     help="Pulumi project directory (default: this project)")
    which = pre.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", help="stack name (its Pulumi.<stack>.yaml in stackConfigDir)")
    which.add_argument("--all", action="store_true",
                       help="every stack with a config file, ordered by StackReferences")
    pre.add_argument("--jobs", type=_jobs, default=2, help="stacks recorded in parallel (default 2)")
    _common(pre)
    ana = sub.add_parser("analyze", help="judge an exported state (`pulumi stack export` or gate's own)")
    ana.add_argument("--state", type=Path, required=True, metavar="FILE")
    ana.add_argument("--stack", help="stack name for the report (default: from the URNs)")
    ana.add_argument("--program", type=Path, metavar="DIR",
                     help="project directory whose Pulumi.<stack>.yaml supplies the stack config")
    _common(ana)
    return parser


def _note(message: str) -> None:
    print(f"gate: note: {message}", file=sys.stderr)


def _packs(args: argparse.Namespace) -> list[Path]:
    """Explicit pack dirs (each must hold PulumiPolicy.yaml), else every pack under policies/."""
    for pack in args.policy_pack:
        if not pack.is_dir():
            raise UsageError(f"{pack}: policy pack directory not found")
        if not (pack / "PulumiPolicy.yaml").is_file():
            raise UsageError(f"{pack}: not a policy pack (no PulumiPolicy.yaml)")
    if args.policy_pack:
        return [p.resolve() for p in args.policy_pack]
    try:
        from gate.policyhost import discover_packs
    except ImportError:
        return sorted(p.parent for p in (PROJECT_ROOT / "policies").rglob("PulumiPolicy.yaml"))
    return list(discover_packs(PROJECT_ROOT / "policies"))


def _pack_config(specs: list[str]) -> dict[str, Any]:
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or not name or not file:
            raise UsageError(f"--policy-pack-config {spec!r}: expected PACK=FILE")
    if not specs:
        return {}
    from gate.policyhost import load_pack_config

    return load_pack_config(specs)


def _evaluate(states: dict[str, dict[str, Any]], meta: dict[str, dict[str, Any]], args: argparse.Namespace,
              timings: dict[str, float], policy: tuple[list[Path], dict[str, Any]],
              sources: dict[str, str] | None = None, out: Path | None = None) -> list[Any]:
    """Policy packs + checkov over every recorded state -> StackReports, in the order of `states`."""
    from gate.model import StackReport

    packs, pack_config = policy
    checkov = None if args.no_checkov else _start_checkov(states, timings, out)   # beside the policies
    started = time.perf_counter()
    try:
        from gate.policyhost import evaluate
    except ImportError:
        evaluate = None
        _note("policy evaluation skipped: gate.policyhost is not available")
    reports = []
    sources = sources or {}
    for stack, state in states.items():
        if evaluate is None:
            resources = sum(1 for r in state["deployment"]["resources"] if r.get("custom"))
            reports.append(StackReport(stack=stack, resources=resources))
            continue
        reports.append(evaluate(
            state, stack=stack, project=meta[stack]["project"], stack_config=meta[stack]["config"],
            packs=packs, pack_config=pack_config, mode=args.policy_mode,
            source=sources.get(stack, f"stack {stack}"),
        ))
    timings["evaluation"] = time.perf_counter() - started
    for report in reports:
        report.as_of = args.as_of
    if checkov is not None:
        found = checkov.result()    # its GateError (bad input) propagates
        for report in reports:
            if report.stack in found:
                report.violations.extend(found[report.stack].violations)
                report.policies.extend(found[report.stack].runs)
    return reports


def _start_checkov(states: dict[str, dict[str, Any]], timings: dict[str, float],
                   out: Path | None) -> Any:
    """Start the checkov scan (its own process) in a thread; None when gate.checkov is not available.

    With `--out DIR` the exported views stay in `DIR/checkov/<stack>/` (secrets redacted) for debugging.
    """
    try:
        from gate.checkov import scan_stacks
    except ImportError:
        _note("checkov scan skipped: gate.checkov is not available (use --no-checkov to silence)")
        return None
    import tempfile
    from concurrent.futures import Future

    future: Future[dict[str, Any]] = Future()

    def run() -> None:
        started = time.perf_counter()
        try:
            if out is not None:
                future.set_result(scan_stacks(states, out))
                return
            with tempfile.TemporaryDirectory(prefix="gate-checkov-") as workdir:
                future.set_result(scan_stacks(states, Path(workdir)))
        except BaseException as exc:
            future.set_exception(exc)
        finally:
            timings["checkov"] = time.perf_counter() - started

    import threading

    threading.Thread(target=run, name="gate-checkov", daemon=True).start()
    return future


def _render(reports: list[Any], fmt: str, many: bool) -> None:
    try:
        from gate.report import render
    except ImportError:
        render = None
    if render is not None:
        # One stack: one document (JSON object, one SARIF run); --all: a list of reports.
        render(reports if many else reports[0], fmt, sys.stdout)
        return
    if fmt == "json":
        docs = [r.to_json() for r in reports]
        print(json.dumps(docs if many else docs[0], indent=1))
        return
    if fmt != "text":
        _note(f"--format {fmt} needs gate.report, which is not available; printing text")
    for r in reports:
        state = "BLOCKED" if r.blocked else "ok"
        print(f"{r.stack}: {r.resources} resources, {len(r.violations)} violations: {state}")
        for v in r.violations:
            print(f"  [{v.level}] {v.pack}/{v.policy} {v.urn}: {v.message.splitlines()[-1]}")


def _write_reports(out: Path | None, reports: list[Any]) -> None:
    if out is None:
        return
    from gate.runner import write_json_atomic

    for r in reports:
        write_json_atomic(out / f"{r.stack}.report.json", r.to_json())


def cmd_preview(args: argparse.Namespace) -> int:
    from gate.project import load_project, validate_stack_name
    from gate.runner import record_stacks

    timings: dict[str, float] = {}
    begun = time.perf_counter()
    if args.stack is not None:
        validate_stack_name(args.stack)
    project = load_project(args.program)
    stacks = project.stacks() if args.all else [args.stack]
    if not stacks:
        raise GateError(f"{project.config_dir}: no Pulumi.<stack>.yaml stack config files (--all)")
    out = (args.out or project.root / ".gate").resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: not a directory")
    policy = _packs(args), _pack_config(args.policy_pack_config)   # bad packs fail before any recording
    started = time.perf_counter()
    runs = record_stacks(project.root, project, stacks, out, jobs=args.jobs)
    timings["program"] = time.perf_counter() - started
    for r in runs.values():   # like the CLI's preview: the program's warnings, on stderr
        for d in r.diagnostics:
            print(f"gate: warning: stack {r.stack}: {d['message']}", file=sys.stderr)
        for target, resolved in r.stack_references.items():
            if not resolved:
                _note(f"stack {r.stack}: StackReference {target!r} has no offline state in {out}; "
                      "its outputs are unknown")
    if args.timings:
        for r in runs.values():
            count = len(r.checkpoint["deployment"]["resources"])
            print(f"gate: timings: stack {r.stack}: worker {r.wall_seconds:.2f}s, of which program run "
                  f"{r.seconds:.2f}s; {count} resources", file=sys.stderr)
    states = {s: r.checkpoint for s, r in runs.items()}
    meta = {s: {"project": r.project, "config": r.config} for s, r in runs.items()}
    reports = _evaluate(states, meta, args, timings, policy, out=out)
    started = time.perf_counter()
    _write_reports(out, reports)
    _render(reports, args.format, many=bool(args.all))
    timings["reporting"] = time.perf_counter() - started
    _print_timings(args, timings, sum(r.resources for r in reports), time.perf_counter() - begun)
    return 1 if any(r.blocked for r in reports) else 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from gate.project import load_project, load_stack_config, validate_stack_name
    from gate.recording import checkpoint_identity, normalize_config

    timings: dict[str, float] = {}
    started = begun = time.perf_counter()
    try:
        text = args.state.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise GateError(f"{args.state}: state file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GateError(f"{args.state}: cannot read state file: {exc}") from exc
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GateError(f"{args.state}: not JSON (line {exc.lineno}: {exc.msg})") from exc
    # Only the shape and identity here: the policy host checks every resource item.
    project_name, urn_stack = checkpoint_identity(state, source=str(args.state))
    policy = _packs(args), _pack_config(args.policy_pack_config)
    stack = validate_stack_name(args.stack or urn_stack or args.state.name.split(".")[0])
    config: dict[str, Any] = {}
    if args.program is not None:
        project = load_project(args.program)
        config, _ = normalize_config(project.name, load_stack_config(project, stack))
    timings["load"] = time.perf_counter() - started
    meta = {stack: {"project": project_name, "config": config}}
    reports = _evaluate({stack: state}, meta, args, timings, policy, sources={stack: str(args.state)},
                        out=args.out.resolve() if args.out else None)
    started = time.perf_counter()
    _write_reports(args.out, reports)
    _render(reports, args.format, many=False)
    timings["reporting"] = time.perf_counter() - started
    _print_timings(args, timings, reports[0].resources, time.perf_counter() - begun)
    return 1 if reports[0].blocked else 0


def _print_timings(args: argparse.Namespace, timings: dict[str, float], resources: int, total: float) -> None:
    """The split (checkov runs beside the policy evaluation) and the wall-clock total."""
    if not args.timings:
        return
    split = ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
    rate = resources / total if total else 0.0
    print(f"gate: timings: {split}; total {total:.2f}s wall for {resources} resources ({rate:.0f}/s)",
          file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        try:
            args.as_of = asof.resolve_as_of(args.as_of)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if args.command == "preview":
            return cmd_preview(args)
        return cmd_analyze(args)
    except GateError as exc:
        print(f"gate: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:   # e.g. --out not writable: the environment, not a gate bug
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"gate: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gate: interrupted", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
