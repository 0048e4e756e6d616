"""Engine round 37: round 36's leads (docs/gate-red-team.md, round 37).

1. `gate.side_effects._left_by_another` (round 4: a recording may not read a file another recording of
   the run wrote: a deploy from a clean checkout does not have it) skipped every path with a part
   starting with `.`: stack a writing `.data/region.txt` for stack b went unseen. What the skip stood
   for — the environment a run creates or syncs, the gate's output directory — is told by what it is.
2. Pack discovery (`gate.packs.discover_packs`, every pack under `policies/` when the settings name
   none) skipped a `PulumiPolicy.yaml` under a hidden, `__pycache__` or `node_modules` directory: such a
   pack was not run, and nothing said so.
3. The program digest of the seals skipped `__pycache__` and `node_modules` by name: a module a program
   imports from one (its `sys.path` pointed there) changed no seal.
"""

from __future__ import annotations

import base64
import hashlib
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_leftovers_r25 import PACK, REPO, RUN_LIMIT, _env
from test_leftovers_r36 import _digests, _program

# --------------------------------------------------- 1. a file another recording wrote, in a hidden dir
LEAK = '''\
"""Stack a leaves {where}/region.txt; stack b (after a) takes its provider's region from it, else
us-east-1: a deploy of b from a clean checkout has no such file."""
from pathlib import Path

import pulumi
import pulumi_aws as aws

note = Path(__file__).parent / {where!r} / "region.txt"
if pulumi.get_stack() == "a":
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text("eu-west-1")
    aws.Provider("a", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    aws.Provider("b", region=note.read_text() if note.exists() else "us-east-1")
'''
REFERENCE = '''\
"""Compliant: stack b takes its provider's region from stack a's output, through a StackReference."""
import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    pulumi.export("region", "eu-west-1")
    aws.Provider("a", region="eu-west-1")
else:
    ref = pulumi.StackReference(pulumi.Config().require("after"))
    aws.Provider("b", region=ref.get_output("region"))
'''


def _two_stacks(tmp_path: Path, main: str) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: r37\nruntime: python\n")
    (program / "Pulumi.a.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "Pulumi.b.yaml").write_text("config:\n  aws:region: eu-west-1\n"
                                           "  r37:after: organization/r37/a\n")
    (program / "__main__.py").write_text(main)
    return program


def _all(program: Path, tmp_path: Path, *out: str | Path) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--all", "--no-checkov",
            "--no-cache", "--format", "json", "--policy-pack", str(PACK),
            *(("--out", str(out[0])) if out else ())]
    return subprocess.run(argv, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=RUN_LIMIT)


def test_a_hidden_file_another_recording_wrote_is_refused(tmp_path) -> None:
    """Round 4's unit check under `.data/`: what it said of `build/theirs.txt`."""
    from gate.side_effects import _left_by_another, _Watch

    data = tmp_path / ".data"
    data.mkdir()
    (data / "theirs.txt").write_text("b")
    _Watch.root, _Watch.since, _Watch.own = tmp_path, 2, set()
    try:
        assert _left_by_another(str(data / "theirs.txt")) == (
            "read .data/theirs.txt, which another recording of this run wrote (a deploy of this stack from "
            "a clean checkout does not have it): generate it in every run before reading it, or commit it")
    finally:
        _Watch.root, _Watch.since, _Watch.own = None, 0, set()


@pytest.mark.slow
@pytest.mark.parametrize("where", [".data", ".cache/deep", ".gate-notes"])
def test_a_file_left_in_a_hidden_directory_for_the_next_stack_is_refused(tmp_path, where) -> None:
    """Was exit 0: stack b recorded with a's region, which its deploy never sees."""
    program = _two_stacks(tmp_path, LEAK.format(where=where))
    proc = _all(program, tmp_path, tmp_path / "out")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "which another recording of this run wrote" in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("out", [".gate", "build/gate"])
def test_a_file_left_in_the_gates_output_directory_for_the_next_stack_is_refused(tmp_path, out) -> None:
    """The gate's output directory inside the program (`.gate`, the default; or `build/gate`): stack a
    may not leave a file there that stack b reads (was exit 0 under `.gate`)."""
    program = _two_stacks(tmp_path, LEAK.format(where=out))
    proc = _all(program, tmp_path, program / out)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert f"the program tries to make the directory {program / out}" in proc.stderr   # a's write refused


@pytest.mark.slow
@pytest.mark.parametrize("out", ["", ".gate", "build/gate"])
def test_a_stack_reference_with_the_output_inside_the_program_is_judged(tmp_path, out) -> None:
    """Compliant: the gate reads this run's recorded state of stack a (in its output directory, which
    lies in the program) for stack b's StackReference; that is no file another recording left."""
    program = _two_stacks(tmp_path, REFERENCE)
    proc = _all(program, tmp_path, *((program / out,) if out else ()))
    assert proc.returncode == 0, proc.stderr[-2000:]


READS_STATE = '''\
"""Stack b takes its provider's region from stack a's state as this run recorded it (in the gate's
output directory, which lies in the program), not through the StackReference; else us-east-1."""
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws

if pulumi.get_stack() == "a":
    aws.Provider("a", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = "us-east-1"
    for state in Path(__file__).parent.glob({runs!r}):
        for resource in json.loads(state.read_text())["deployment"]["resources"]:
            if resource["type"] == "pulumi:providers:aws":
                region = resource["inputs"]["region"]
    aws.Provider("b", region=region)
'''


@pytest.mark.slow
@pytest.mark.parametrize("out", [".gate", "build/gate"])
def test_a_program_reading_this_runs_recorded_state_itself_is_refused(tmp_path, out) -> None:
    """Round 37's first fix made the output directory the gate's (not the program's to write, so nothing
    there another recording's); the recorder's read for a StackReference is the gate's, the program's
    own read of the state another recording left there is round 4's case (was exit 0, before it too)."""
    program = _two_stacks(tmp_path, READS_STATE.format(runs=f"{out}/.runs/*/a.state.json"))
    proc = _all(program, tmp_path, program / out)
    assert proc.returncode == 2, proc.stderr[-2000:]
    # round 46: its listing of the run directories is refused first (`list …/.runs, where another
    # recording of this run wrote <run id>`), before the read of a.state.json
    assert ".runs, where another recording of this run wrote" in proc.stderr, proc.stderr[-2000:]

WRITES_OUT_DIR = REPO / "tests/corpus/engine/evil/writes-out-dir/__main__.py"
READS_STATE_ELSEWHERE = '''\
"""Stack b finds the gate's --out from its parents' command lines (as writes-out-dir does) and takes
its provider's region from stack a's state as this run recorded it there; else us-east-1."""
import json
import os
from pathlib import Path

import pulumi
import pulumi_aws as aws


{find}


if pulumi.get_stack() == "a":
    aws.Provider("a", region="eu-west-1")
else:
    pulumi.StackReference(pulumi.Config().require("after"))
    region = "us-east-1"
    for out in _out_dirs():
        for state in out.glob(".runs/*/a.state.json"):
            for resource in json.loads(state.read_text())["deployment"]["resources"]:
                if resource["type"] == "pulumi:providers:aws":
                    region = resource["inputs"]["region"]
    aws.Provider("b", region=region)
'''


def _finding_out() -> str:
    """`_out_dirs` of the corpus program that finds the gate's --out (evil/writes-out-dir)."""
    text = WRITES_OUT_DIR.read_text()
    return text[text.index("def _out_dirs"):text.index("\n\n\nfor out")]


@pytest.mark.slow
def test_a_program_reading_this_runs_recorded_state_outside_its_directory_is_refused(tmp_path) -> None:
    """The same read with `--out` outside the program (the corpus's, a CI's): no read outside the
    program's directory was checked (exit 0)."""
    program = _two_stacks(tmp_path, READS_STATE_ELSEWHERE.format(find=_finding_out()))
    proc = _all(program, tmp_path, tmp_path / "out")
    assert proc.returncode == 2, proc.stderr[-2000:]
    # round 46: its listing of the run directories is refused first (`list …/.runs, where another
    # recording of this run wrote <run id>`), before the read of a.state.json
    assert ".runs, where another recording of this run wrote" in proc.stderr, proc.stderr[-2000:]


def test_the_output_directory_run_variable_is_never_inherited(monkeypatch) -> None:
    """The worker sets it from its request; one a job gives would make another directory the gate's."""
    from gate.environ import refused_variables

    monkeypatch.setenv("GATE_RUN_OUT", "/elsewhere")
    assert "GATE_RUN_OUT" in refused_variables()


def _wheel(where: Path) -> Path:
    """A wheel installing a `.pth` to the gate's SDKs (the install that would need a registry) and a module
    `helper` the program imports while it is recorded."""
    files = {"gate_sdk.pth": site.getsitepackages()[0] + "\n", "helper.py": 'REGION = "eu-west-1"\n',
             "gate_sdk-0.dist-info/METADATA": "Metadata-Version: 2.1\nName: gate-sdk\nVersion: 0\n",
             "gate_sdk-0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: r37\nRoot-Is-Purelib: true\n"
                                            "Tag: py3-none-any\n"}
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("gate_sdk-0.dist-info/RECORD,,")
    path = where / "gate_sdk-0-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr("gate_sdk-0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("venv", [".venv", "venv"])
def test_a_declared_environment_the_run_creates_is_no_file_another_recording_left(tmp_path, venv) -> None:
    """Compliant: the gate creates the environment the program declares (`python -m venv`, `pip install
    -r requirements.txt`) before recording; its files are new, and the program imports from them."""
    program = _two_stacks(tmp_path, "import helper\nimport pulumi_aws as aws\n\n"
                                    "aws.Provider('p', region=helper.REGION)\n")
    (program / "Pulumi.yaml").write_text("name: r37\nruntime:\n  name: python\n  options:\n"
                                         f"    toolchain: pip\n    virtualenv: {venv}\n")
    (program / "requirements.txt").write_text(f"--no-index\n{_wheel(tmp_path)}\n")
    proc = _all(program, tmp_path, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (program / venv / "pyvenv.cfg").is_file()


# ------------------------------------------------------------------------ 2. packs in hidden directories
@pytest.mark.parametrize("where", [".staging", "team/.next", "__pycache__", "node_modules/x"])
def test_a_pack_under_a_hidden_or_cache_directory_is_discovered(tmp_path, where) -> None:
    """`gate preview` without packs in its settings runs every pack under `policies/`: one the discovery
    skips is a pack that silently never runs."""
    from gate.packs import discover_packs

    for pack in ("visible", f"{where}/blocker"):
        (tmp_path / pack).mkdir(parents=True)
        (tmp_path / pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    assert discover_packs(tmp_path) == sorted([tmp_path / "visible", tmp_path / where / "blocker"])


def test_this_projects_packs_are_discovered_as_before() -> None:
    """Compliant: `policies/` (its `__pycache__` folders, no hidden pack) holds the two packs."""
    from gate.packs import discover_packs

    assert discover_packs(REPO / "policies") == [REPO / "policies/eu_residency",
                                                 REPO / "policies/pia_conditions"]


# ------------------------------------------------------------ 3. `node_modules` and `__pycache__` by name
@pytest.mark.parametrize(("where", "rel"), [
    ("node_modules", "node_modules/regions.py"),
    ("__pycache__", "__pycache__/regions.py"),
    ("web/node_modules", "web/node_modules/regions.py"),
])
def test_a_module_imported_from_node_modules_or_pycache_is_in_the_program_digest(tmp_path, where,
                                                                                 rel) -> None:
    program = _program(tmp_path, where, "regions")
    before, after = _digests(program, program / rel)
    assert before != after


def test_bytecode_in_pycache_changes_no_digest(tmp_path) -> None:
    """Compliant: the interpreter's bytecode (written by each runner's imports, not byte for byte the same
    on two runners) is no source; the source it was compiled from is hashed."""
    from gate.shard_seal import program_digest

    program = _program(tmp_path, ".lib", "regions")
    before = program_digest(program)
    (program / ".lib" / "__pycache__").mkdir()
    (program / ".lib" / "__pycache__" / "regions.cpython-311.pyc").write_bytes(b"\x00" * 16)
    assert program_digest(program) == before


def test_a_node_modules_link_inside_it_is_followed_and_the_program_judged(tmp_path) -> None:
    """Compliant: npm's `.bin` links point inside `node_modules`; the digest is computed."""
    from gate.shard_seal import program_digest

    program = _program(tmp_path, "node_modules", "regions")
    (program / "node_modules" / "pkg").mkdir()
    (program / "node_modules" / "pkg" / "cli.js").write_text("// js\n")
    (program / "node_modules" / ".bin").mkdir()
    (program / "node_modules" / ".bin" / "cli").symlink_to("../pkg/cli.js")
    assert len(program_digest(program)) == 64

