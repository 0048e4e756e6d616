"""The command-line parts of caching, sharding and merging (docs/gate-performance.md), kept out of cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gate.errors import GateError, UsageError


def cache_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache-dir", type=Path, metavar="DIR",
                   help="result cache (default: $GATE_CACHE_DIR, else <out>/cache; docs/gate-performance.md)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")


def shard_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--shard", metavar="K/N",
                   help="with --all: only shard K of N (see docs/gate-performance.md)")
    p.add_argument("--level", type=int, metavar="L", help="with --shard: only reference level L (0 first)")


def merge_parser(sub: Any, formats: tuple[str, ...]) -> None:
    mer = sub.add_parser("merge", help="combine `gate preview --shard` output directories into one run")
    mer.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    mer.add_argument("--format", choices=formats, default="text", help="output on stdout (default: text)")
    mer.add_argument("--out", type=Path, help="directory for the merged reports and states")


def cache_root(args: argparse.Namespace, out: Path | None) -> Path | None:
    from gate.cache import resolve_dir

    return resolve_dir(args.cache_dir, out, enabled=not args.no_cache)


def shard_stacks(args: argparse.Namespace, project: Any, stacks: list[str], out: Path) -> list[str]:
    """The stacks of this run: all, or those of `--shard K/N [--level L]`."""
    if args.shard is None and args.level is None:
        return stacks
    from gate.shard import parse_shard, select, stack_levels

    if not args.all or args.shard is None:
        raise UsageError("--shard needs --all; --level needs --shard")
    return select(stack_levels(project, stacks, out), parse_shard(args.shard), args.level)


def check_shard_references(args: argparse.Namespace, runs: dict[str, Any], project: Any) -> None:
    if args.shard is None:
        return
    from gate.shard import unresolved_project_references

    problems = unresolved_project_references(runs, project.stacks())
    if problems:
        raise GateError(problems[0] + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


def print_json(docs: list[bytes], many: bool) -> None:
    """The documents already rendered for the report files, on stdout."""
    from gate.jsonio import joined

    data = joined(docs, many)
    sys.stdout.flush()
    if hasattr(sys.stdout, "buffer"):
        sys.stdout.buffer.write(data)
    else:   # a captured stdout (tests)
        sys.stdout.write(data.decode("utf-8"))
    sys.stdout.flush()


def cmd_merge(args: argparse.Namespace, render: Any) -> int:
    """One run's outputs from the shards': with --out, published as `gate preview` publishes (states,
    update graphs, reports, SARIF, JUnit and run.json), so `evidence export --gate-dir` takes it."""
    from gate import run_seal
    from gate.options import write_reports
    from gate.publish import RunDir
    from gate.shard import merge

    out = args.out.resolve() if args.out else None
    with RunDir(out) as run:
        work = run.path if out is not None else None
        reports = merge(args.dirs, work)
        docs = write_reports(work, reports)
        code = 1 if any(r.blocked for r in reports) else 0
        render(reports, args.format, many=True, docs=docs)   # first: a lost report publishes nothing
        run.publish([r.stack for r in reports], {"command": "merge", "exit": code,
                                                 "shards": [str(Path(d).resolve()) for d in args.dirs],
                                                 "seal": run_seal.of_merge(args.dirs, reports)})
    return code


def start_zygote_early(project: Any) -> None:
    """The recording zygote starts before the packs load and the cache is looked up, so its imports
    (~0.3 s) run beside them; it is closed unused when nothing is recorded."""
    from gate import program_env, zygote

    if program_env.gate_python(project.root, project.file):
        zygote.start_early()


def seal_shard(args: argparse.Namespace, project: Any, stacks: list[str], directory: Path,
               reads: dict[str, str]) -> None:
    """`<stack>.shard.json` beside each report of a shard run, for `gate merge` (gate.shard_seal)."""
    if args.shard is None:
        return
    from gate.asof import resolve_as_of
    from gate.shard_seal import judge_digest, program_digest, write_seals

    judge = judge_digest(args.settings, resolve_as_of(getattr(args, "as_of", None)), args.policy_mode)
    write_seals(directory, stacks, shard=args.shard, level=args.level, plan=project.stacks(),
                program=program_digest(project.root), judge=judge, reads=reads)


def print_timings(args: argparse.Namespace, timings: dict[str, float], resources: int, total: float) -> None:
    """The split (checkov runs beside the policy evaluation) and the wall-clock total."""
    if not args.timings:
        return
    split = ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
    rate = resources / total if total else 0.0
    print(f"gate: timings: {split}; total {total:.2f}s wall for {resources} resources ({rate:.0f}/s)",
          file=sys.stderr)
