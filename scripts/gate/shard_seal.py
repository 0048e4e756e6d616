"""What a shard's output says about itself, so `gate merge` refuses what would not be one run.

A shard job writes, per stack, `<stack>.shard.json`: the shard (K/N, level), every stack of the project
(the plan the merged run must cover), a digest of the program that was judged (its Pulumi files, Python
sources, fixtures and lock files) and the SHA-256 of the stack's report, state and update graph. `gate
merge` refuses (exit 2) a report without its seal, a file that no longer matches its digest (a report
edited to 0 findings), shards of different programs (two commits), and a plan not covered by the shards
given (a shard missing). Round 4: the seal also holds a digest of the judge (the gate's sources, each
pack's files, each pack config's bytes, the records, the evaluation date, the policy mode, checkov and
the update recording on or off): shards judged with other packs or settings are refused too. The
seal is no signature: it catches stale, partial and edited artefacts, not someone who rewrites a
report and its seal alike (protect the artefacts where CI keeps them). Round 39: the seal holds what
the shard's recordings read of the program's tree (`reads`, gate.run_seal.reads): a data file
two shards read with other bytes (`settings/region.txt` of two commits) is two programs, refused too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from gate.errors import GateError

SEAL = ".shard.json"
_SOURCES = ("*.py", "Pulumi*.yaml", "pyproject.toml", "requirements*.txt", "uv.lock")
_TOOLS = Path(__file__).resolve().parents[2] / ".tools"   # the gate's home project's tool directory


def program_digest(root: Path) -> str:
    """SHA-256 over the files that decide what a program registers (relative path + content)."""
    from gate.inputs import require_regular_file

    h = hashlib.sha256()
    for path in sorted(_program_files(root)):
        require_regular_file(path, "program file")   # round 29: a FIFO blocked the run seal's thread
        content = hashlib.sha256(path.read_bytes()).digest()
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + content)
    return h.hexdigest()


def _program_files(root: Path) -> list[Path]:
    """Through the tree's links (gate.cache.walk_tree, round 31: a linked directory was not descended),
    hidden directories too (round 36: code imported from `.lib/` changed no seal), `__pycache__` and
    `node_modules` too (round 37: a module imported from one changed no seal; the bytecode there is no
    source pattern); not into what is no source of the program, each told by what it is
    (`_not_sources`). Besides the patterns, every file Python can load as code (round 38: a sourceless
    `.pyc`, an extension module, a zip archive on `sys.path` changed no seal; `gate.code_files`)."""
    from gate.cache import walk_tree
    from gate.code_files import is_code

    return walk_tree(root, lambda d: not _not_sources(d, Path(root)),
                     lambda p: ("fixtures" in p.parent.relative_to(root).parts
                                or any(fnmatch(p.name, pattern) for pattern in _SOURCES) or is_code(p)))


def _not_sources(directory: Path, root: Path) -> bool:
    """Git's own directory (a `.git` holding what git requires of one: it changes with every commit); the
    gate's own tool directory (uv, checkov and actionlint environments `scripts/uvw` and `gate.checkov.
    toolenv` make, whose interpreters link out of the tree) when the program is the gate's home project;
    an environment (a `pyvenv.cfg`) that is the Python the gate runs on, which a program declaring none
    runs on (a developer's `.venv`), or that the program or a program inside it declares (round 35; the
    home project's test programs keep theirs). Any other environment is the program's tree."""
    from gate.program_env import same_as_ours

    if directory.name == ".git":
        return (directory / "HEAD").is_file() and all((directory / d).is_dir() for d in ("objects", "refs"))
    if Path(os.path.abspath(directory)) == _TOOLS:
        return True
    if not (directory / "pyvenv.cfg").is_file():
        return False
    return same_as_ours(directory) or any(_declares(program, directory, program == root)
                                          for program in directory.parents if program.is_relative_to(root))


def _declares(program: Path, directory: Path, own: bool) -> bool:
    """Whether `program`'s Pulumi.yaml declares `directory` as its environment; a program inside the tree
    whose Pulumi.yaml cannot be read declares none (the corpus holds such), the program judged is refused."""
    from gate.program_env import declared_environment

    try:
        return declared_environment(program) == directory
    except GateError:
        if own:
            raise
        return False


def _files_of(stack: str) -> tuple[str, str, str]:
    return f"{stack}.report.json", f"{stack}.state.json", f".updates/{stack}.state.json"


def _files(directory: Path, stack: str) -> dict[str, str]:
    """The digest of each of the stack's files that is there, read in chunks; a FIFO, a device or a file
    past MAX_STATE_BYTES where one should be is refused, not skipped (round 29: a device for a state read
    as a state left out, a 10 GiB one was read whole)."""
    from gate.inputs import file_sha256

    return {rel: file_sha256(directory / rel, f"stack {stack}'s file in a shard's output")
            for rel in _files_of(stack) if os.path.lexists(directory / rel)}


def judge_digest(settings: Any, as_of: str, policy_mode: str) -> str:
    """What decided the verdicts besides the program: a lenient pack config, an older pack, other records
    or another day give other verdicts for the same program."""
    from gate.cache import digest, file_digest, gate_version, tree_files

    return digest({
        "gate": gate_version(), "packs": [tree_files(p) for p in settings.packs],
        "pack_config": {k: file_digest(Path(v)) for k, v in sorted(settings.pack_config.items())},
        "records": tree_files(settings.records) if settings.records else None,
        "fixtures": file_digest(settings.invoke_fixtures) if settings.invoke_fixtures else None,
        "as_of": as_of, "policy_mode": policy_mode, "checkov": settings.checkov,
        "record_update": settings.record_update,
        **({"recorder": "process"} if getattr(settings, "recorder", "inprocess") == "process" else {}),
    })


def refuse_unhashable_judge(settings: Any) -> None:
    """The files judge_digest hashes, checked by their stat when the settings name them: a FIFO, a device
    or a file past 1 GiB is a GateError naming it before anything runs (round 30: the run seal's thread
    hashed them under a 120 s wait, and a FIFO among them was then named by no path)."""
    from gate.cache import files_under
    from gate.inputs import MAX_STATE_BYTES, require_regular_file

    trees = [Path(t) for t in (*settings.packs, *([settings.records] if settings.records else []))]
    files = [*(p for tree in trees for p in files_under(tree)), *map(Path, settings.pack_config.values()),
             *([Path(settings.invoke_fixtures)] if settings.invoke_fixtures else [])]
    for path in files:
        if os.path.exists(path):   # a missing one is its reader's to name (and "missing" in the digest)
            require_regular_file(path, "a file of the judge (packs, pack configs, records, fixtures)",
                                 MAX_STATE_BYTES)


def write_seals(directory: Path, stacks: list[str], *, shard: str, level: int | None, plan: list[str],
                program: str, judge: str = "", reads: dict[str, str] | None = None) -> None:
    for stack in stacks:
        seal = {"stack": stack, "shard": shard, "level": level, "plan": sorted(plan), "program": program,
                "judge": judge, "files": _files(directory, stack), "reads": reads or {}}
        (directory / f"{stack}{SEAL}").write_text(json.dumps(seal, indent=1, sort_keys=True) + "\n")


_SHARD = re.compile(r"([1-9][0-9]*)/([1-9][0-9]*)")
_DIGEST = re.compile(r"[0-9a-f]{64}")


def _seal(report: Path, stack: str) -> dict[str, Any]:
    path = report.with_name(f"{stack}{SEAL}")
    try:
        seal = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GateError(f"{report}: no readable {path.name} beside it: gate merge takes only the outputs of "
                        "`gate preview --all --shard K/N` (keep each shard's *.shard.json with its reports)"
                        ) from None
    problem = _shape_problem(seal, stack) if isinstance(seal, dict) else "not a JSON object"
    if problem:
        raise GateError(f"{path}: not the shard seal of stack {stack} ({problem}): run the shard again")
    return seal


def _shape_problem(seal: dict[str, Any], stack: str) -> str:
    """Why a seal is not one `write_seals` wrote for `stack` ("" when it is): round 18, a bit flipped in a
    file's name left that file unchecked, and a plan of another type crashed the merge."""
    shard = _SHARD.fullmatch(seal.get("shard")) if isinstance(seal.get("shard"), str) else None
    plan, files, level, reads = seal.get("plan"), seal.get("files"), seal.get("level"), seal.get("reads")
    checks = (
        (set(seal) == {"stack", "shard", "level", "plan", "program", "judge", "files", "reads"}, "keys"),
        (seal.get("stack") == stack, "stack"),
        (shard is not None and int(shard[1]) <= int(shard[2]), "shard is not K/N"),
        (level is None or (type(level) is int and level >= 0), "level"),
        (isinstance(plan, list) and stack in plan and all(isinstance(s, str) for s in plan)
         and plan == sorted(set(plan)), "plan"),
        (all(isinstance(seal.get(k), str) and _DIGEST.fullmatch(seal[k]) for k in ("program", "judge")),
         "program or judge is not a digest"),
        (isinstance(files, dict) and f"{stack}.report.json" in files and set(files) <= set(_files_of(stack))
         and all(isinstance(d, str) and _DIGEST.fullmatch(d) for d in files.values()), "files"),
        (isinstance(reads, dict) and all(isinstance(d, str) for d in reads.values()), "reads"),
    )
    return next((why for ok, why in checks if not ok), "")


def _same_reads(found: dict[str, Path], seals: dict[str, dict[str, Any]]) -> None:
    """GateError when a file two shards' recordings read had other bytes in each (round 39)."""
    seen: dict[str, tuple[str, str]] = {}    # path -> (digest, shard of the first seal that read it)
    for stack, seal in seals.items():
        differ = sorted(rel for rel, d in seal["reads"].items()
                        if seen.setdefault(rel, (d, seal["shard"]))[0] != d)
        if differ:
            raise GateError(f"{found[stack]}: shard {seal['shard']} read {', '.join(differ[:3])} with other "
                            f"content than shard {seen[differ[0]][1]} (a file the program reads differs: "
                            "another commit or an edit between the shards): merge the shards of one "
                            "pipeline run")


def check_shards(found: dict[str, Path]) -> None:
    """GateError unless the reports are unchanged, of one program, and cover every stack of its plan."""
    for stack, path in found.items():   # round 4: a link can be pointed elsewhere after the check
        for rel in (f"{stack}.report.json", f"{stack}{SEAL}", *_files_of(stack)[1:]):
            if (path.parent / rel).is_symlink():
                raise GateError(f"{path.parent / rel}: a symbolic link in a shard's output: gate merge takes "
                                "only the files the shard wrote")
    seals = {stack: _seal(path, stack) for stack, path in found.items()}
    for stack, seal in seals.items():
        directory = found[stack].parent
        now = _files(directory, stack)    # a state or update graph left out of the artefact is no change
        if set(now) - set(seal["files"]) or any(
                now.get(rel, digest) != digest for rel, digest in seal["files"].items()):
            raise GateError(f"{found[stack]}: stack {stack}'s report, state or update graph does not "
                            f"match its shard seal ({stack}{SEAL}): edited after the shard ran; run the "
                            "shard again")
    first, seal0 = next(iter(seals.items()))
    for stack, seal in seals.items():
        for key in ("program", "plan"):
            if seal.get(key) != seal0.get(key):
                raise GateError(f"{found[stack]}: shard {seal.get('shard')} judged another {key} than "
                                f"stack {first}'s shard {seal0.get('shard')} (different commits or "
                                "projects): merge the shards of one pipeline run")
        if not seal.get("judge") or seal.get("judge") != seal0.get("judge"):
            raise GateError(f"{found[stack]}: shard {seal.get('shard')} was judged with other packs or "
                            f"settings than stack {first}'s shard {seal0.get('shard')} (pack files, pack "
                            "configs, records, --as-of, policy mode, checkov or record-update differ): run "
                            "every shard with the same judge")
    _same_reads(found, seals)
    missing = sorted(set(seal0.get("plan") or []) - set(seals))
    if missing:
        raise GateError(f"stack(s) {', '.join(missing)} of the project are in no shard given "
                        f"({len(seals)} of {len(seal0['plan'])} stacks; a shard missing): merge every "
                        "shard's output of every level")
