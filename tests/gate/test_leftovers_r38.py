"""Engine round 38: round 37's leads, code Python loads from files that are no `*.py` (docs/gate-red-team.md,
round 38).

1. The program digest of the seals (`gate.shard_seal.program_digest`) hashes source patterns only: a
   sourceless `regions.pyc` the program imports from its own directory, an extension module, a zip
   archive on `sys.path`, a `.pth` file of a directory the program adds with `site.addsitedir`, or an
   unchecked hash-based `.pyc` (run without a look at its source) changed no seal.
2. The judge digest (`gate.cache.files_under`) skips `__pycache__` by name: a pack importing a sourceless
   module from one, or shipping an unchecked `.pyc` there, changed no seal.
3. The stack cache drops every input path with `__pycache__` in it (`gate.stack_inputs.input_files`), and
   its read tracker sees what is opened, not an extension module the loader maps: such code changed
   between two runs sharing a cache was answered by the first run's verdict.
What the import system runs is hashed; bytecode it keeps for a source beside it and checks against that
source before use stays out (each runner writes its own).
"""

from __future__ import annotations

import importlib.util
import py_compile
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from test_leftovers_r25 import PACK, REPO, RUN_LIMIT, _env

EU, US = 'REGION = "eu-west-1"\n', 'REGION = "us-east-1"\n'
UNCHECKED = py_compile.PycInvalidationMode.UNCHECKED_HASH
MAIN = '''\
import site
import sys
from pathlib import Path

import pulumi_aws as aws

here = Path(__file__).parent
sys.path.insert(0, str(here / {where!r}))
site.addsitedir(str(here / "site"))
import regions

aws.Provider("p", region=regions.REGION)
'''


def _compiled(target: Path, source_text: str, mode=py_compile.PycInvalidationMode.TIMESTAMP,
              keep_source: bool = False) -> None:
    """Bytecode of `source_text` at `target`; its source (`regions.py` beside `target`'s cache folder, or
    a scratch file) kept only when asked."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = (target.parent.parent if target.parent.name == "__pycache__" else target.parent) / "regions.py"
    if not keep_source:
        source = target.parent / "_scratch_regions.py"
    source.write_text(source_text)
    py_compile.compile(str(source), cfile=str(target), doraise=True, invalidation_mode=mode)
    if not keep_source:
        source.unlink()


def _program(tmp_path: Path, where: str = ".") -> Path:
    program = tmp_path / "program"
    (program / "site").mkdir(parents=True)
    (program / "Pulumi.yaml").write_text("name: r38\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text(MAIN.format(where=where))
    return program


def _digest(program: Path) -> str:
    from gate.shard_seal import program_digest

    return program_digest(program)


# ------------------------------------------------------------------------ 1. the program digest
def _sourceless_here(program: Path, text: str) -> None:
    _compiled(program / "regions.pyc", text)


def _sourceless_in_pycache(program: Path, text: str) -> None:
    _compiled(program / "__pycache__" / "regions.pyc", text)


def _unchecked_beside_source(program: Path, text: str) -> None:
    if not (program / "regions.py").exists():
        (program / "regions.py").write_text(EU)
    _compiled(program / "__pycache__" / f"regions.{sys.implementation.cache_tag}.pyc", text, UNCHECKED,
              keep_source=False)


def _zip(name: str):
    def write(program: Path, text: str) -> None:
        with zipfile.ZipFile(program / name, "w") as archive:
            archive.writestr("regions.py", text)
    return write


def _extension(name: str):
    def write(program: Path, text: str) -> None:
        (program / name).write_bytes(b"\x7fELF" + text.encode())   # hashed, not loaded, by the digest
    return write


def _pth(program: Path, text: str) -> None:
    (program / "site" / "zz.pth").write_text(f"import os; os.environ.setdefault('R38', {text!r})\n")


CHANGES = {
    "sourceless-pyc-in-the-program": _sourceless_here,
    "sourceless-pyc-in-pycache-on-sys-path": _sourceless_in_pycache,
    "unchecked-hash-pyc-beside-its-source": _unchecked_beside_source,
    "zip-archive": _zip("lib.zip"),
    "zip-archive-named-dat": _zip("regions.dat"),
    "extension-module": _extension(f"regions{sysconfig.get_config_var('EXT_SUFFIX')}"),
    "extension-module-abi3": _extension("regions.abi3.so"),
    "extension-module-pyd": _extension("regions.pyd"),
    "pth-file-of-an-added-site-dir": _pth,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_code_python_loads_from_no_py_file_is_in_the_program_digest(tmp_path, change) -> None:
    program = _program(tmp_path)
    CHANGES[change](program, EU)
    before = _digest(program)
    CHANGES[change](program, US)
    assert _digest(program) != before, "code the program runs changed, its digest did not"


@pytest.mark.parametrize("mode", [py_compile.PycInvalidationMode.TIMESTAMP,
                                  py_compile.PycInvalidationMode.CHECKED_HASH])
def test_bytecode_checked_against_its_source_changes_no_digest(tmp_path, mode) -> None:
    """Compliant: what each runner's imports write beside a source, checked against it before use."""
    program = _program(tmp_path)
    (program / "regions.py").write_text(EU)
    before = _digest(program)
    _compiled(program / "__pycache__" / f"regions.{sys.implementation.cache_tag}.pyc", EU, mode,
              keep_source=True)
    assert _digest(program) == before


def test_bytecode_of_a_source_that_is_gone_changes_no_digest(tmp_path) -> None:
    """Compliant: Python never loads a cache folder's bytecode without its source (a file deleted since)."""
    program = _program(tmp_path)
    before = _digest(program)
    _compiled(program / "__pycache__" / f"gone.{sys.implementation.cache_tag}.pyc", EU)
    assert _digest(program) == before


def test_a_data_file_that_is_no_archive_changes_no_digest(tmp_path) -> None:
    """Compliant, as before: a README or an image is no code."""
    program = _program(tmp_path)
    before = _digest(program)
    (program / "README.txt").write_text("notes\n")
    (program / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert _digest(program) == before


def test_this_projects_program_digest_is_computed() -> None:
    assert len(_digest(REPO)) == 64


# -------------------------------------------------------------------------- 2. the judge digest
def _judge(pack: Path) -> str:
    from gate.shard_seal import judge_digest

    class settings:   # the shape judge_digest reads
        packs, pack_config, records, invoke_fixtures = [pack], {}, None, None
        checkov, record_update = False, False

    return judge_digest(settings, "2026-12-05", "mandatory")


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack, ignore=shutil.ignore_patterns("__pycache__"))
    return pack


@pytest.mark.parametrize("where", ["__pycache__/regions.pyc", "lib/__pycache__/regions.pyc"])
def test_a_packs_sourceless_module_in_a_pycache_folder_is_in_the_judge_digest(tmp_path, where) -> None:
    pack = _pack(tmp_path)
    _compiled(pack / where, EU)
    before = _judge(pack)
    _compiled(pack / where, US)
    assert _judge(pack) != before


def test_a_packs_unchecked_bytecode_beside_its_source_is_in_the_judge_digest(tmp_path) -> None:
    pack = _pack(tmp_path)
    target = pack / "__pycache__" / f"regions.{sys.implementation.cache_tag}.pyc"
    _compiled(target, EU, UNCHECKED, keep_source=True)
    before = _judge(pack)
    _compiled(target, US, UNCHECKED)
    assert _judge(pack) != before


def test_a_packs_bytecode_checked_against_its_source_changes_no_judge_digest(tmp_path) -> None:
    """Compliant: the bytecode each runner's pack load writes (round 37's reason to skip the folder)."""
    pack = _pack(tmp_path)
    (pack / "regions.py").write_text(EU)
    before = _judge(pack)
    _compiled(pack / "__pycache__" / f"regions.{sys.implementation.cache_tag}.pyc", EU, keep_source=True)
    assert _judge(pack) == before


# --------------------------------------------------------------------------- 3. the stack cache
def _preview(program: Path, tmp_path: Path) -> int:
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json", "--policy-pack", str(PACK)]
    proc = subprocess.run(argv, cwd=REPO, env=_env(tmp_path), capture_output=True, text=True,
                          timeout=RUN_LIMIT)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return proc.returncode


@pytest.mark.slow
@pytest.mark.parametrize(("where", "change"), [
    (".", _sourceless_here),
    ("__pycache__", _sourceless_in_pycache),
    (".", _unchecked_beside_source),
    (".", _zip("regions.zip")),
])
def test_code_changed_between_two_runs_sharing_a_cache_is_judged_again(tmp_path, where, change) -> None:
    """First run: eu-west-1, passes; the module's code then says us-east-1: the second run must block,
    not answer with the first run's verdict."""
    program = _program(tmp_path, "regions.zip" if change.__name__ == "write" else where)
    change(program, EU)
    assert _preview(program, tmp_path) == 0
    change(program, US)
    assert _preview(program, tmp_path) == 1, "the stack cache answered for code that changed"


def test_an_extension_module_imported_is_a_read_of_the_stack(tmp_path) -> None:
    """The read tracker saw `open` only: an extension module is mapped by the loader, no `open` event."""
    lib = tmp_path / "lib"
    lib.mkdir()
    name = "audioop" + sysconfig.get_config_var("EXT_SUFFIX")
    shutil.copy(importlib.util.find_spec("audioop").origin, lib / name)   # one the gate never imports
    code = ("import sys, warnings; warnings.simplefilter('ignore')\n"
            "from gate.read_tracker import ReadTracker\n"
            f"ReadTracker.start(); sys.path.insert(0, {str(lib)!r}); import audioop\n"
            f"print({str(lib / name)!r} in ReadTracker.paths)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True,
                          timeout=RUN_LIMIT)
    assert proc.stdout.strip() == "True", proc.stderr[-2000:]


def test_a_sourceless_module_in_a_pycache_folder_is_an_input(tmp_path) -> None:
    from gate.stack_inputs import input_files

    pyc = tmp_path / "__pycache__" / "regions.pyc"
    _compiled(pyc, EU)
    assert str(pyc) in input_files({str(pyc)})


def test_bytecode_checked_against_its_source_is_no_input(tmp_path) -> None:
    """Compliant: a stat of the bytecode an import writes (a new mtime on each runner) keys nothing."""
    from gate.read_probes import PROBE
    from gate.stack_inputs import input_files

    (tmp_path / "regions.py").write_text(EU)
    pyc = tmp_path / "__pycache__" / f"regions.{sys.implementation.cache_tag}.pyc"
    _compiled(pyc, EU, keep_source=True)
    assert input_files({PROBE + str(pyc)}) == {}
