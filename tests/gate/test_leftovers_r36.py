"""Engine round 36: round 35's lead "hidden directories" (docs/gate-red-team.md, round 36).

The program digest of the shard and run seals (`gate.shard_seal.program_digest`) skipped every directory
whose name starts with `.`: a program importing a module from `.lib/` (its `sys.path` edited) could be
changed between a shard run and `gate merge`, or between a run and the export of its evidence, unseen by
the seal. Only what is not the program's sources may be skipped, each by what it is: the environment the
program declares (a `pyvenv.cfg` there, round 35), git's own directory, and the gate's own tool directory.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gate.errors import GateError
from test_leftovers_r25 import REPO, RUN_LIMIT

MAIN = "import sys\nsys.path.insert(0, {where!r})\nimport {module}\n"


def _program(tmp_path: Path, where: str, module: str) -> Path:
    """A program importing `module` from the hidden directory `where` (relative to the program)."""
    program = tmp_path / "program"
    source = program / where / (module.replace(".", "/") + ".py")
    source.parent.mkdir(parents=True)
    (program / "Pulumi.yaml").write_text("name: hidden\nruntime: python\n")
    (program / "__main__.py").write_text(MAIN.format(where=where, module=module))
    for package in list(source.parents)[: module.count(".")]:
        (package / "__init__.py").write_text("")
    source.write_text('REGION = "eu-west-1"\n')
    return program


def _digests(program: Path, edited: Path) -> tuple[str, str]:
    from gate.shard_seal import program_digest

    before = program_digest(program)
    edited.write_text('REGION = "us-east-1"\n')
    return before, program_digest(program)


@pytest.mark.parametrize(("where", "module", "rel"), [
    (".lib", "regions", ".lib/regions.py"),
    (".hidden", "pkg.regions", ".hidden/pkg/regions.py"),
])
def test_a_module_imported_from_a_hidden_directory_is_in_the_program_digest(tmp_path, where, module,
                                                                            rel) -> None:
    program = _program(tmp_path, where, module)
    before, after = _digests(program, program / rel)
    assert before != after


def test_gate_merge_refuses_shards_of_a_program_changed_in_a_hidden_directory(tmp_path) -> None:
    """Two shards of one pipeline, `.lib/regions.py` edited between them: other programs, refused."""
    from gate.shard_seal import check_shards, program_digest, write_seals

    program = _program(tmp_path, ".lib", "regions")
    found = {}
    for shard, stack in (("1/2", "a"), ("2/2", "b")):
        out = tmp_path / f"shard{shard[0]}"
        out.mkdir()
        (out / f"{stack}.report.json").write_text("{}\n")
        write_seals(out, [stack], shard=shard, level=None, plan=["a", "b"], program=program_digest(program),
                    judge="0" * 64)
        found[stack] = out / f"{stack}.report.json"
        (program / ".lib" / "regions.py").write_text('REGION = "us-east-1"\n')
    with pytest.raises(GateError, match="judged another program"):
        check_shards(found)


def test_a_run_seal_notices_a_hidden_module_changed_after_the_run(tmp_path) -> None:
    """`run.json`'s seal is what the export computes again: an edit after the run is another program."""
    from gate.run_seal import of_run

    class _Args:
        as_of, policy_mode = "2026-12-05", "mandatory"

        class settings:   # the shape judge_digest reads
            packs, pack_config, records, invoke_fixtures = [], {}, None, None
            checkov, record_update = False, False

    class _Project:
        root = _program(tmp_path, ".hidden", "pkg.regions")

    first = of_run(_Args, _Project)
    (_Project.root / ".hidden/pkg/regions.py").write_text('REGION = "us-east-1"\n')
    assert of_run(_Args, _Project)["program"] != first["program"]


def test_a_hidden_directory_linking_out_is_refused(tmp_path) -> None:
    """What a hidden directory holds is the program's tree: a link out of it is named, as anywhere."""
    program = _program(tmp_path, ".lib", "regions")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (program / ".lib" / "shared").symlink_to(elsewhere)
    from gate.shard_seal import program_digest

    with pytest.raises(GateError, match=r"\.lib/shared"):
        program_digest(program)


def test_gits_own_directory_is_not_the_programs_sources(tmp_path) -> None:
    """Compliant: a program in a git work tree; git's directory (its objects, a hook) changes with every
    commit and is no source."""
    program = _program(tmp_path, ".lib", "regions")
    subprocess.run(["git", "init", "-q", str(program)], check=True, timeout=RUN_LIMIT)
    hook = program / ".git" / "hooks" / "check.py"
    hook.write_text("pass\n")
    before, after = _digests(program, hook)
    assert before == after


def test_a_folder_named_git_that_is_no_git_directory_is_hashed(tmp_path) -> None:
    """Not by name: a `.git` folder without git's HEAD, objects and refs is a folder of the program."""
    program = _program(tmp_path, ".git", "regions")
    before, after = _digests(program, program / ".git" / "regions.py")
    assert before != after


def test_this_projects_program_digest_is_computed(tmp_path) -> None:
    """Compliant: the gate's home project (its `.venv`, `.tools` of uv, checkov and actionlint, `.gate`
    output, `.git`) is judged, not refused for the links of its tool environments."""
    from gate.shard_seal import program_digest

    assert len(program_digest(REPO)) == 64


def test_a_dot_venv_linking_to_the_environment_the_program_runs_on_is_skipped(tmp_path) -> None:
    """Compliant: a program that declares no environment runs on the Python the gate runs on (as the CLI
    runs on the `python` of PATH); a `.venv` that is that environment (a link to it, as a developer's
    activated one) is no source, told by what it is."""
    import sys

    from gate.shard_seal import program_digest

    program = _program(tmp_path, ".lib", "regions")
    before = program_digest(program)
    (program / ".venv").symlink_to(Path(sys.prefix))
    assert program_digest(program) == before


def test_a_dot_venv_linking_to_another_environment_is_refused(tmp_path) -> None:
    """An undeclared `.venv` the program does not run on is a directory of its tree, as an undeclared
    `venv` is (round 35): its link out is named, not skipped by the name."""
    from gate.shard_seal import program_digest

    program = _program(tmp_path, ".lib", "regions")
    (tmp_path / "shared-env").mkdir()
    (program / ".venv").symlink_to(tmp_path / "shared-env")
    with pytest.raises(GateError, match=r"\.venv"):
        program_digest(program)


def test_the_environment_a_program_inside_the_tree_declares_is_skipped(tmp_path) -> None:
    """Compliant (found by the round's first fix on this project: its test program `own-env` keeps the
    `.venv` it declares, whose `bin/python` links out): the environment a program inside the judged tree
    declares is that program's, not the judged program's sources."""
    import sys

    from gate.shard_seal import program_digest

    program = _program(tmp_path, ".lib", "regions")
    inner = program / "tests" / "own-env"
    inner.mkdir(parents=True)
    (inner / "Pulumi.yaml").write_text("name: own-env\nruntime:\n  name: python\n  options:\n"
                                       "    toolchain: uv\n    virtualenv: .venv\n")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(inner / ".venv")], check=True,
                   timeout=RUN_LIMIT)
    assert len(program_digest(program)) == 64
