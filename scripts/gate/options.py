"""From flags to what a run uses: settings, packs and configs, the records environment, report files."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.environ import PACK_VARIABLES, environ
from gate.errors import UsageError

# This project's root (scripts/gate/options.py -> repo root): default program and default policy packs.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def settings_for(args: argparse.Namespace, program: Path | None) -> Any:
    """[tool.gate] of the program's pyproject (else this project's), the profile, then the flags."""
    from gate import settings as gate_settings
    from gate.shard_seal import refuse_unhashable_judge

    for pack in args.policy_pack:
        if not pack.is_dir():
            raise UsageError(f"{pack}: policy pack directory not found")
        if not (pack / "PulumiPolicy.yaml").is_file():
            raise UsageError(f"{pack}: not a policy pack (no PulumiPolicy.yaml)")
    loaded = gate_settings.load([PROJECT_ROOT], profile=args.profile)
    if program is not None and program.resolve() != PROJECT_ROOT:
        loaded = _program_settings(program.resolve(), loaded)
    settings = gate_settings.with_flags(
        loaded, packs=args.policy_pack, pack_config=args.policy_pack_config, no_checkov=args.no_checkov,
        jobs=getattr(args, "jobs", None), records=args.records,
        invoke_fixtures=getattr(args, "invoke_fixtures", None), recorder=getattr(args, "recorder", None))
    refuse_unhashable_judge(settings)
    return settings


# What decides the verdict: the judged program may not choose it (a program directory's own [tool.gate]
# could otherwise disable rules, widen regions, declare endpoints or skip the update recording).
JUDGEMENT_KEYS = ("packs", "pack-config", "records", "checkov-waivers", "checkov-triage", "record-update",
                  "recorder", "profiles")


def _program_settings(program: Path, project: Any) -> Any:
    """A judged program's own `[tool.gate]` over this project's settings, for what does not judge it
    (jobs, out, checkov, invoke fixtures); a judgement key there is refused (exit 2): give it as a flag."""
    from dataclasses import replace

    from gate import settings as gate_settings

    found = gate_settings.find_table(program)
    if found is None:
        return project
    path, table = found
    judging = [key for key in JUDGEMENT_KEYS if key in table]
    if judging:
        raise UsageError(f"{path}: tool.gate.{judging[0]}: a judged program does not choose its judge; the "
                         f"packs, their config, records, waivers and the update recording come from "
                         f"{PROJECT_ROOT / 'pyproject.toml'} or the command line (--policy-pack, "
                         "--policy-pack-config, --records)")
    own = gate_settings.from_table(path, table)
    return replace(own, packs=project.packs, pack_config=project.pack_config, records=project.records,
                   checkov_waivers=project.checkov_waivers, checkov_triage=project.checkov_triage,
                   record_update=project.record_update,
                   recorder=project.recorder, profile=project.profile)


def _packs(settings: Any) -> list[Path]:
    """The settings' pack dirs (each must hold PulumiPolicy.yaml), else every pack under policies/."""
    for pack in settings.packs:
        if not (pack / "PulumiPolicy.yaml").is_file():
            raise UsageError(f"{settings.source}: {pack}: not a policy pack (no PulumiPolicy.yaml)")
    if settings.packs:
        return list(settings.packs)
    from gate.packs import discover_packs

    return discover_packs(PROJECT_ROOT / "policies")


def _pack_config(settings: Any) -> dict[str, Any]:
    specs = settings.pack_config_specs()
    if not specs:
        return {}
    from gate.policy_config import load_pack_config  # not gate.policyhost: the SDK loads later

    return load_pack_config(specs)


def policy(settings: Any) -> tuple[list[Path], dict[str, Any]]:
    return _packs(settings), _pack_config(settings)


@contextlib.contextmanager
def records_env(settings: Any, program_dir: Path | None = None) -> Iterator[None]:
    """What the packs learn from the gate through the environment (as the CLI passes env to a pack): the
    records directory (GATE_RECORDS_DIR) and the program's directory (GATE_PROGRAM_DIR, where its
    Pulumi.yaml and stack files say where state and secrets are kept)."""
    records, program = PACK_VARIABLES[:2]
    values = {records: str(settings.records) if settings.records is not None else None,
              program: str(program_dir) if program_dir is not None else None}
    with environ(values):
        yield


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def write_docs(work: Path | None, reports: list[Any]) -> list[bytes]:
    """Each report's JSON document, rendered once (bytes, a batch of findings at a time), written to
    `<work>/<stack>.report.json` (if given); stdout prints the same bytes."""
    from gate.jsonio import write_bytes_atomic

    docs = [r.to_json_bytes() for r in reports]
    for r, doc in zip(reports, docs, strict=True):
        if work is not None:
            write_bytes_atomic(work / f"{r.stack}.report.json", doc)
    return docs


def write_reports(out: Path | None, reports: list[Any]) -> list[dict[str, Any]]:
    """Each stack's report document, built once; with `out`, the report files and the run's SARIF and
    JUnit files (published beside them)."""
    import gc

    # What is alive now (states, findings) lives until the process exits: frozen, the collector does not
    # scan it again on every pass while the reports' millions of small objects are made (10 s of 25 s when
    # 100k resources had 175k findings).
    gc.freeze()

    docs = write_docs(out, reports)
    if out is None:
        return docs
    from gate.report import render

    _write_text_atomic(out / "gate.sarif", lambda fh: render(reports, "sarif", fh))   # for code scanning
    _write_text_atomic(out / "gate.junit.xml", lambda fh: render(reports, "junit", fh))
    return docs


def _write_text_atomic(path: Path, write: Any) -> None:
    """`write(fh)` into a temp file beside `path`, then rename: readers never see half a file."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise




def locate_sources(reports: list[Any], project: Any) -> None:
    """SARIF locations are relative to the repository (the working directory); the program may be below it."""
    root = "" if project.root.resolve() == Path.cwd().resolve() else shown(project.root)
    for report in reports:
        report.source_root = root
        report.source_fallback = relative(project.config_dir / f"Pulumi.{report.stack}.yaml", project.root)


def worker_options(settings: Any, out: Path) -> dict[str, Any]:
    """What each recording worker needs from the settings (it reads its request file), with the paths the
    gate judges by and its output directory `out` (round 37: where it keeps this run's states, which a
    StackReference reads; a program leaving a file there for the next stack went unseen): a program may
    not write there (gate.side_effects)."""
    fixtures = settings.invoke_fixtures
    return {"invoke_fixtures": str(fixtures) if fixtures else None, "record_update": settings.record_update,
            "judged_paths": sorted({*judged_paths(settings), str(out.resolve())}), "out": str(out.resolve()),
            "recorder": settings.recorder}


def judged_paths(settings: Any) -> list[str]:
    """The records, the packs with the package they are part of (a pack imports its siblings: the
    project's `policies.core`), the packs' config files; and the gate itself: its code, its Python
    environment and checkov's (a project may keep them beside its program, and the gate imports more of
    them after the recording)."""
    paths: list[Path] = [*settings.packs, *settings.pack_config.values()]
    paths += [d.parent for d in settings.packs if (d.parent / "__init__.py").is_file()]
    if settings.records is not None:
        paths.append(settings.records)
    return sorted({*(str(Path(p).resolve()) for p in paths), *gate_paths()})


def gate_paths() -> list[str]:
    """The gate's code, its Python environment and checkov's: the gate writes there while a run records
    (bytecode, checkov's first use), so only the watch keeps the program from them (round 45)."""
    import sys

    from gate.checkov.toolenv import env_dir

    return sorted({str(Path(p).resolve()) for p in (Path(__file__).parent, Path(sys.prefix), env_dir())})


@contextlib.contextmanager
def program_environment(project: Any, timings: dict[str, float], deadline: float) -> Iterator[dict[str, str]]:
    """Worker options for the program's own environment (created on first use), or {} for the gate's;
    `deadline`: the program's, which bounds the environment's first answer (gate.program_env)."""
    import sys
    import time

    from gate import program_env

    started = time.perf_counter()
    env = program_env.prepare(project.root, project.file, deadline)
    timings["environment"] = time.perf_counter() - started
    if env.python is None:
        yield {}
        return
    if env.created:
        print(f"gate: note: {shown(env.python.parent.parent)}: the program's environment (toolchain "
              f"{env.toolchain}, pulumi {env.pulumi}) made in {timings['environment']:.1f}s", file=sys.stderr)
    with program_env.worker_path() as path:
        yield {"python": str(env.python), "worker_path": path}
