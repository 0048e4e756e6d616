"""Engine round 35: round 34's leads (docs/gate-red-team.md, round 35).

1. `pulumi new python` makes the program's environment in `venv` (`python -m venv venv`) and writes
   `runtime.options.virtualenv: venv` into Pulumi.yaml (pulumi/pulumi#4645). The gate walked that
   directory as the program's sources and refused the program (exit 2): its `bin/python` links out of
   the tree. The directory the program declares is its environment, as `.venv` is; one it does not
   declare, or that is no environment, is still the program's tree.
2. `evidence verify` without an anchor (`--key`, `--expect-sha256`) hashed whatever size a forged
   manifest listed.
3. A program of its own environment under `--recorder process`: the recorder is forked from the
   interpreter whose startup code is the program's (a limit, recorded here and in the docs).
The contract (docs/gate.md, docs/gate-usage.md, docs/evidence.md): bad input is one line, exit 2; a
compliant program is judged.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest
from gate import write_fence
from test_leftovers_r25 import PACK, REPO, RUN_LIMIT, _env
from test_leftovers_r29 import HUGE, _sparse
from test_leftovers_r33 import _exported, _signed

# ------------------------------------------------------------- 1. the virtualenv the program declares
NEW_PYTHON = ("name: new-python\nruntime:\n  name: python\n  options:\n    toolchain: pip\n"
              "    virtualenv: {venv}\n")
STARTUP = "import os; open({mark!r} + '.' + str(os.getpid()), 'w').write('ran')\n"


def _made_like_pulumi_new(tmp_path: Path, venv: str = "venv", region: str = "eu-west-1") -> Path:
    """Pulumi.yaml as `pulumi new python` writes it, its environment made by `python -m venv`; the SDKs
    are the gate's (a `.pth` file, for the `pip install -r requirements.txt` that needs a registry)."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(NEW_PYTHON.format(venv=venv))
    (program / "Pulumi.dev.yaml").write_text(f"config:\n  aws:region: {region}\n")
    (program / "__main__.py").write_text('import pulumi_aws as aws\n\naws.s3.Bucket("logs")\n')
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(program / venv)], check=True,
                   timeout=RUN_LIMIT)
    (_site(program / venv) / "gate-sdk.pth").write_text(site.getsitepackages()[0] + "\n")
    return program


def _site(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def _preview(program: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json", "--policy-pack", str(PACK), *extra]
    return subprocess.run(argv, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=RUN_LIMIT)


@pytest.mark.slow
@pytest.mark.parametrize("venv", ["venv", "envs/py311"])
def test_a_program_made_like_pulumi_new_python_is_judged(tmp_path, venv) -> None:
    """Compliant: its environment's `bin/python` links out of the tree (as every venv's does); it is
    no source of the program. Was exit 2 naming `venv/bin/python`."""
    proc = _preview(_made_like_pulumi_new(tmp_path, venv), tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    state = json.loads((tmp_path / "out" / "dev.state.json").read_text())
    assert any(r["type"] == "aws:s3/bucket:Bucket" for r in state["deployment"]["resources"])


@pytest.mark.slow
def test_a_program_in_a_declared_venv_is_still_judged_by_the_packs(tmp_path) -> None:
    """The same program with its bucket in us-east-1: blocked by the pack (exit 1), not refused."""
    proc = _preview(_made_like_pulumi_new(tmp_path, region="us-east-1"), tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]


@pytest.mark.slow
def test_startup_code_added_to_a_declared_venv_is_recorded_again(tmp_path) -> None:
    """Round 34's check on `venv`: a `sitecustomize` added after a first run is run again, not answered
    by the stack cache."""
    program = _made_like_pulumi_new(tmp_path)
    first = _preview(program, tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    # its mark in the program's directory: since round 46 the startup code runs under the write fence
    (_site(program / "venv") / "sitecustomize.py").write_text(STARTUP.format(mark=str(program / "ran")))
    again = _preview(program, tmp_path)
    assert again.returncode == 0, again.stderr[-2000:]
    assert list(program.glob("ran.*")), "the cache answered for an environment whose startup code changed"


def _venv_linking_out(where: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=RUN_LIMIT)


@pytest.mark.slow
def test_an_undeclared_environment_linking_out_is_still_refused(tmp_path) -> None:
    """Held before: `venv` beside a program that declares none (it runs on the gate's Python) is a
    directory of its tree like any other; its link out is named."""
    program = _made_like_pulumi_new(tmp_path)
    (program / "Pulumi.yaml").write_text("name: new-python\nruntime: python\n")
    proc = _preview(program, tmp_path)
    assert proc.returncode == 2 and "venv/bin/python" in proc.stderr, proc.stderr[-2000:]


def _digest_after_edit(program: Path, edited: Path) -> tuple[str, str]:
    from gate.shard_seal import program_digest

    before = program_digest(program)
    edited.write_text(edited.read_text() + "# edited\n")
    return before, program_digest(program)


def _program_of(tmp_path: Path, venv: str) -> Path:
    program = tmp_path / "program"
    (program / "stacks").mkdir(parents=True)
    (program / "Pulumi.yaml").write_text(NEW_PYTHON.format(venv=venv))
    (program / "__main__.py").write_text("import stacks.app\n")
    (program / "stacks" / "app.py").write_text("import pulumi\n")
    return program


@pytest.mark.parametrize("venv", ["stacks", ".", "../program"])
def test_a_declared_directory_that_is_no_environment_stays_the_programs(tmp_path, venv) -> None:
    """Held before (nothing was skipped by its declaration): naming the sources, or the program itself,
    as the virtualenv hides none of them from the program's digest (the shard and run seals)."""
    program = _program_of(tmp_path, venv)
    before, after = _digest_after_edit(program, program / "stacks" / "app.py")
    assert before != after


def test_an_environment_at_the_programs_root_hides_nothing(tmp_path) -> None:
    """`virtualenv: .` over a program holding a `pyvenv.cfg`: the root is never the environment."""
    program = _program_of(tmp_path, ".")
    (program / "pyvenv.cfg").write_text("home = /usr/bin\n")
    before, after = _digest_after_edit(program, program / "__main__.py")
    assert before != after


def test_a_program_whose_main_lies_in_its_environment_is_refused(tmp_path) -> None:
    """`main` inside the declared environment: its sources would be skipped as the environment's."""
    from gate.errors import GateError
    from gate.shard_seal import program_digest

    program = _program_of(tmp_path, "venv")
    _venv_linking_out(program / "venv")
    (program / "venv" / "app").mkdir()
    (program / "venv" / "app" / "__main__.py").write_text("import pulumi\n")
    (program / "Pulumi.yaml").write_text(NEW_PYTHON.format(venv="venv") + "main: venv/app\n")
    with pytest.raises(GateError, match=r"main: venv/app lies inside"):
        program_digest(program)


# -------------------------------------------------- 2. `evidence verify` of a manifest nothing anchors
def _forged_with_a_huge_file(tmp_path: Path, size: int = HUGE) -> Path:
    """An exported bundle plus a huge (sparse) file, listed at its size by a manifest re-written (and
    re-signed with another key, which no anchor trusts)."""
    root, _ = _exported(tmp_path)
    _sparse(root / "huge.bin", size)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["files"]["huge.bin"] = "0" * 64
    manifest["sizes"]["huge.bin"] = size
    (tmp_path / "forger").mkdir()
    _signed(root, manifest, tmp_path / "forger")
    return root


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files `verify` hashes; the huge one answered without being read (the check must not hang)."""
    from evidence import bundle

    seen: list[str] = []
    real = bundle.sha256

    def spy(path: Path) -> str:
        seen.append(Path(path).name)
        return "0" * 64 if Path(path).name == "huge.bin" else real(path)

    monkeypatch.setattr(bundle, "sha256", spy)
    return seen


@pytest.mark.parametrize("anchor", ["none", "wrong-sha256"])
def test_verify_without_an_anchor_hashes_no_more_than_its_bound(tmp_path, monkeypatch, anchor) -> None:
    """The sizes of a manifest no key or known hash vouches for are whoever wrote it: 10 GiB listed, 10
    GiB hashed. Refused, naming how to verify it (an anchor)."""
    from evidence import bundle
    from evidence.errors import EvidenceError

    root = _forged_with_a_huge_file(tmp_path)
    hashed = _spy(monkeypatch)
    expect = {"expect_sha256": "0" * 64} if anchor == "wrong-sha256" else {}
    with pytest.raises(EvidenceError, match="--key"):
        bundle.verify(root, **expect)
    assert "huge.bin" not in hashed, hashed


def test_verify_with_the_key_hashes_what_the_signed_manifest_lists(tmp_path, monkeypatch) -> None:
    """Compliant: signed by the given key, the sizes are the exporter's word: every file is hashed."""
    from evidence import bundle, signing

    root = _forged_with_a_huge_file(tmp_path)
    hashed = _spy(monkeypatch)
    key = signing.load_public_key(tmp_path / "forger" / "k.pem.pub")
    assert bundle.verify(root, public_key=key) == []
    assert "huge.bin" in hashed


def test_verify_without_an_anchor_of_a_small_bundle_is_intact(tmp_path) -> None:
    """Compliant: an auditor's integrity check of an ordinary bundle still needs no key."""
    from evidence import bundle

    root, _ = _exported(tmp_path)
    assert bundle.verify(root) == []


@pytest.mark.slow
def test_evidence_verify_without_a_key_is_one_line_past_its_bound(tmp_path) -> None:
    """The CLI: exit 2 and one line, the file not read (1 GiB + 1 sparse: read whole before, seconds)."""
    root = _forged_with_a_huge_file(tmp_path, 1024 ** 3 + 1)
    proc = subprocess.run([sys.executable, "-m", "evidence", "verify", str(root)], cwd=REPO,
                          env=_env(tmp_path), capture_output=True, text=True, timeout=RUN_LIMIT)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "--key" in lines[0], proc.stderr[-2000:]


# ----------------------------------------------- 3. an own environment under `--recorder process` (limit)
AT_FORK = ("import os; os.register_at_fork(after_in_child=lambda: open({mark!r} + '.' + str(os.getpid()), "
           "'w').write('forked'))\n")


@pytest.mark.slow
def test_limit_the_recorder_of_an_own_environment_runs_after_its_startup_code(tmp_path) -> None:
    """A limit, recorded (docs/gate-red-team.md, Known limits): the recorder process is forked from the
    worker, which runs the program environment's interpreter, so that environment's startup code has run
    in it first (here a fork hook it left behind ran in the recorder). Its record is as much the
    program's word as the in-process recorder's; `--recorder process` keeps a program on the gate's
    Python out of it."""
    program = _made_like_pulumi_new(tmp_path)
    # round 44: the recorder inherits the worker's write fence, so the hook writes only in the program's
    # directory (its write beside it is refused by the kernel)
    hooks = AT_FORK.format(mark=str(tmp_path / "forked")) + AT_FORK.format(mark=str(program / "forked"))
    (_site(program / "venv") / "sitecustomize.py").write_text(hooks)
    proc = _preview(program, tmp_path, "--recorder", "process")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert list(program.glob("forked.*")), "the recorder no longer runs after the environment's startup"
    if write_fence.abi() >= write_fence.NEEDED_ABI:
        assert not list(tmp_path.glob("forked.*")), "the recorder wrote outside the program's directory"


# ------------------------------------------------ 4. the program's frames (written after the corpus fix)
def test_the_programs_frames_are_told_by_place_not_by_folder_name(tmp_path) -> None:
    """`evil/env-read-in-a-folder-named-venv` and `…-site-packages` (corpus) at the unit: a folder the
    program names `venv` or `site-packages` is its own code; the environment it declares (`envs/py311`,
    outside any `site-packages` there too) is not. Fails on the code before 3d5219d5 (by name)."""
    from gate.recorder import Recorder

    program = _program_of(tmp_path, "envs/py311").resolve()
    _venv_linking_out(program / "envs" / "py311")
    recorder = Recorder.__new__(Recorder)
    recorder.place(program)
    for rel, own in [("venv/regions.py", True), ("lib/site-packages/regions.py", True),
                     ("stacks/app.py", True), ("envs/py311/tool.py", False),
                     ("envs/py311/lib/python3.11/site-packages/x.py", False)]:
        assert recorder.program_file((program / rel).as_uri()) == (rel if own else ""), rel
