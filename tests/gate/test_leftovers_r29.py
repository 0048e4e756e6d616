"""Engine round 29: round 28's leads (docs/gate-red-team.md, round 29).

Round 28 bounded what the export reads of run.json and its signature, but left the state files: a
`<stack>.state.json` a gate dir lists, the file `gate analyze --state` is given, and the states of a
`gate merge` shard were read whole for their digest (or their parse), however large, and a shard's
report could be a FIFO. The contract (docs/gate.md): bad input is one line naming the file (and key),
exit 2, nothing written — in bounded memory and time. Each hostile file runs in a child process under a
2 GiB address-space limit and a bound on its time (a child past it is a hang, not a slow pass).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_leftovers_r25 import REPO, RUN_LIMIT, _env
from test_leftovers_r28 import AS_OF, STACK, _gate_dir, _shard

MEMORY = 2 * 1024 ** 3      # the child's address space: a 10 GiB file read whole cannot fit
HUGE = 10 * 1024 ** 3       # a sparse file: no disk used, every read a zero byte
STUB_REJUDGE = "from evidence import rejudge; rejudge.check_rejudged = lambda *a: None\n"


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _run(argv: list[str], tmp_path: Path, bound: float = RUN_LIMIT / 4) -> tuple[int, list[str]]:
    """The command in a child with bounded memory; its exit and its stderr lines. Past `bound` seconds it
    is killed and the check fails as a hang."""
    proc = subprocess.Popen(argv, cwd=REPO, env=_env(tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_limited)
    try:
        _, err = proc.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"HANG: {argv[-6:]}") from None
    return proc.returncode, [ln for ln in err.splitlines() if ln.strip()]


def _one_line(result: tuple[int, list[str]], *names: str) -> None:
    code, lines = result
    assert code == 2 and len(lines) == 1, (code, lines[-5:])
    for name in names:
        assert name in lines[0], (name, lines[0])


def _sparse(path: Path, size: int = HUGE) -> None:
    with path.open("wb") as f:
        f.truncate(size)


# ------------------------------------------------------------------ 1. state files: huge, FIFO, device
def _export(gate_dir: Path, out: Path, *extra: str) -> list[str]:
    code = (STUB_REJUDGE + "import sys\nfrom evidence import cli\nsys.exit(cli.main(sys.argv[1:]))\n")
    return [sys.executable, "-c", code, "export", "--all", "--gate-dir", str(gate_dir), "--out", str(out),
            "--as-of", AS_OF, *extra]


def _hostile_state(where: Path, kind: str, name: str = f"{STACK}.state.json") -> Path:
    """The state `name` in `where` replaced by a hostile file (run.json and seals unchanged)."""
    state = where / name
    state.unlink()
    if kind == "huge":
        _sparse(state)
    elif kind == "fifo":
        os.mkfifo(state)
    elif kind == "device":     # a character device of its own, not a link: /dev/zero's numbers
        os.mknod(state, 0o600 | 0o020000, os.stat("/dev/zero").st_rdev)
    elif kind == "link-out":
        outside = where.parent / "elsewhere.state.json"
        _sparse(outside)
        state.symlink_to(outside)
    elif kind == "dev-zero":
        state.symlink_to("/dev/zero")
    return state


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")


@pytest.mark.parametrize("kind", ["huge", "fifo", pytest.param("device", marks=needs_root), "link-out",
                                  "dev-zero"])
def test_a_hostile_state_in_a_gate_dir_is_one_line(tmp_path, kind) -> None:
    """The digest check read the listed state whole (a 10 GiB sparse file: all of it into memory)."""
    gate_dir = _gate_dir(tmp_path)
    (gate_dir / "run.dsse.json").unlink()   # the child has not the tests' gate key: unsigned, allowed
    _hostile_state(gate_dir, kind)
    out = tmp_path / "evidence"
    _one_line(_run(_export(gate_dir, out, "--allow-unsigned-gate"), tmp_path), f"{STACK}.state.json")
    assert not out.exists(), "HALF-WRITTEN"


def _analyze(state: Path) -> list[str]:
    return [sys.executable, "-m", "gate", "analyze", "--state", str(state), "--stack", STACK, "--no-checkov",
            "--format", "json", "--as-of", AS_OF]


@pytest.mark.parametrize("kind", ["huge", "fifo", pytest.param("device", marks=needs_root), "dev-zero"])
def test_a_hostile_state_given_to_analyze_is_one_line(tmp_path, kind) -> None:
    """`gate analyze --state`: the chunked reader stopped at the first zero byte and the strict path read
    the 10 GiB file whole to word its error."""
    where = tmp_path / "in"
    where.mkdir()
    (where / f"{STACK}.state.json").write_text("{}")
    state = _hostile_state(where, kind)
    _one_line(_run(_analyze(state), tmp_path), str(state))


@pytest.mark.parametrize("kind", ["huge", pytest.param("device", marks=needs_root)])
def test_a_hostile_state_in_a_merged_shard_is_one_line(tmp_path, kind) -> None:
    """`gate merge`: the shard seal's digest check read each state whole (`Path.read_bytes`)."""
    shard = _shard(tmp_path / "shard", True)
    _hostile_state(shard, kind, "dev.state.json")
    out = tmp_path / "out"
    result = _run([sys.executable, "-m", "gate", "merge", str(shard), "--out", str(out), "--format", "json"],
                  tmp_path)
    _one_line(result, "dev.state.json")
    assert not (out / "run.json").exists(), "HALF-WRITTEN"


# ------------------------------------------------------------- 2. a report of another run, unsigned
def test_a_report_of_another_run_is_refused_even_unsigned(tmp_path) -> None:
    """Two runs of the same findings (the second run's report differs only in a count of a policy
    run); the first run's dir given the second's report, run.json unsigned and not edited: run.json lists
    each report's SHA-256, which binds the report to its run."""
    first = _gate_dir(tmp_path)
    (first / "run.dsse.json").unlink()
    other = json.loads((first / f"{STACK}.report.json").read_text())
    other["policies"] = [{"pack": "eu-residency", "policy": "require-eea-location", "level": "mandatory",
                          "resources_checked": 2, "violations": 1}]
    (first / f"{STACK}.report.json").write_text(json.dumps(other))
    code, lines = _run(_export(first, tmp_path / "evidence", "--allow-unsigned-gate"), tmp_path)
    assert code == 2 and f"{STACK}.report.json: changed since the gate run" in lines[-1], (code, lines[-3:])


# ------------------------------------------------------------------ 3. a wrong shape names the key
SHAPES = {
    "policies": ("policies", {"pack": "eu-residency"}),                  # a policy run without its fields
    "policies-not-list": ("policies", "all of them"),
    "resource_types": ("resource_types", ["aws:s3/bucket:Bucket"]),
    "regions": ("regions", {"eu-west-1": "two"}),
    "violation-key": ("violations", None),
}


def _shaped(report: dict, case: str) -> None:
    key, value = SHAPES[case]
    if case == "policies":
        report[key] = [value]
    elif case == "violation-key":
        report["violations"][0]["colour"] = "green"    # a key no finding has
    else:
        report[key] = value


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_a_wrong_shape_in_an_exported_report_names_the_key(tmp_path, case) -> None:
    from evidence.errors import EvidenceError
    from evidence.inputs import report_from_json

    report = json.loads((_gate_dir(tmp_path) / f"{STACK}.report.json").read_text())
    _shaped(report, case)
    with pytest.raises(EvidenceError, match=rf"r\.json: {SHAPES[case][0]}(\[0\])?(\.[a-z_]+)?: "):
        report_from_json(report, "r.json")


@pytest.mark.parametrize("case", ["policies", "regions"])
def test_a_wrong_shape_in_a_merged_report_names_the_key(tmp_path, case) -> None:
    """`gate merge` read the report with the cache's reader: `not a gate report ('stack')` named a key
    only by the exception's text, a wrong type not at all."""
    shard = _shard(tmp_path / "shard", True)
    report = json.loads((shard / "dev.report.json").read_text())
    _shaped(report, case)
    (shard / "dev.report.json").write_text(json.dumps(report))
    _reseal(shard)
    result = _run([sys.executable, "-m", "gate", "merge", str(shard), "--format", "json"], tmp_path)
    _one_line(result, f"dev.report.json: {SHAPES[case][0]}")


def _reseal(shard: Path) -> None:
    seal = json.loads((shard / "dev.shard.json").read_text())
    for rel in seal["files"]:
        seal["files"][rel] = hashlib.sha256((shard / rel).read_bytes()).hexdigest()
    (shard / "dev.shard.json").write_text(json.dumps(seal, indent=1, sort_keys=True) + "\n")


# ------------------------------------------------------- 4. blind: hostile shard dirs for gate merge
def test_a_shard_report_that_is_a_fifo_is_one_line(tmp_path) -> None:
    """A FIFO for a shard's report: the seal check skips what is no regular file (a state left out of the
    artefact is no change), then the merge opened it to read and waited for a writer."""
    shard = _shard(tmp_path / "shard", True)
    (shard / "dev.report.json").unlink()
    os.mkfifo(shard / "dev.report.json")
    _one_line(_run([sys.executable, "-m", "gate", "merge", str(shard), "--format", "json"], tmp_path),
              "dev.report.json")


def test_a_shard_report_named_with_a_line_break_is_one_line(tmp_path) -> None:
    """A report whose file name (the stack's) holds a line break and a workflow command: the line naming
    it must stay one line, and nothing the merge prints may start a line with `::`."""
    shard = _shard(tmp_path / "shard", True)
    evil = "dev\n::error::gate allowed"
    for suffix in (".report.json", ".shard.json", ".state.json"):
        shutil.move(shard / f"dev{suffix}", shard / f"{evil}{suffix}")
    code, lines = _run([sys.executable, "-m", "gate", "merge", str(shard), "--format", "json"], tmp_path)
    assert code == 2 and len(lines) == 1 and not lines[0].startswith("::"), (code, lines)



@pytest.mark.slow
def test_a_program_file_that_is_a_fifo_is_named_at_once(tmp_path) -> None:
    """Written after the fixes above, found probing the merge's neighbour: a FIFO named like a source
    file in the program directory blocked the run seal's hashing; the gate waited out its 120 s bound and
    then said only that one of the project's or judge's files may be a FIFO, naming none."""
    program = tmp_path / "program"
    shutil.copytree(REPO / "tests/gate/programs/multi", program)
    os.mkfifo(program / "evil.py")
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--all", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json"]
    code, lines = _run(argv, tmp_path, RUN_LIMIT)
    assert code == 2 and "evil.py" in lines[-1], (code, lines[-3:])
