"""Round 20: the environment. Every variable the gate, its workers, the recorder, the checkov driver,
`evidence export` and `exit-drill` read, given hostile values: each is used as documented, refused with
one line naming it (exit 2), or ignored on purpose — never a traceback, a hang, or a bound switched off."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from gate import cli
from gate.errors import GateError

NUMERIC = ["GATE_MAX_RESOURCES", "GATE_MAX_RECORD_BYTES", "GATE_LOCK_TIMEOUT", "GATE_EVAL_WORKERS",
           "GATE_CHECKOV_JOBS", "GATE_PROGRAM_TIMEOUT", "GATE_PACK_START_TIMEOUT", "GATE_POLICY_TIMEOUT",
           "GATE_CONFIGURE_TIMEOUT", "GATE_CHECKOV_TIMEOUT"]
HOSTILE = ["abc", "-1", "0", "²", "nan", "inf", "1e400", " 5", "99999999999999999999999"]


def _gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`gate analyze` of a state that does not exist: a variable refused stops it before the state is read."""
    code = cli.main(["analyze", "--state", str(tmp_path / "missing.json"), "--no-checkov"])
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_number_is_refused_naming_its_variable(name: str, value: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """Not a number, zero or negative (a bound switched off, or every program failed for a reason it
    does not say), a non-ASCII digit (`str.isdigit` says yes, `int` says no: a traceback), or past what
    a wait can hold: exit 2 before anything runs, one line naming the variable."""
    if value == "99999999999999999999999" and name in ("GATE_MAX_RESOURCES", "GATE_MAX_RECORD_BYTES"):
        pytest.skip("a huge resource or byte limit raises the limit, as documented")
    monkeypatch.setenv(name, value)
    code, lines = _gate(tmp_path, capsys)
    assert code == 2 and len(lines) == 1 and name in lines[0], (code, lines)


@pytest.mark.parametrize("name", ["GATE_MAX_RESOURCES", "GATE_LOCK_TIMEOUT", "GATE_EVAL_WORKERS",
                                  "GATE_CHECKOV_JOBS", "GATE_POLICY_TIMEOUT"])
def test_an_empty_number_is_unset(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Empty is unset (the default), as a CI job's `NAME:` with no value means: documented."""
    monkeypatch.setenv(name, "")
    code, lines = _gate(tmp_path, capsys)
    assert code == 2 and name not in " ".join(lines) and "missing.json" in " ".join(lines), lines


def test_the_numbers_are_read_where_they_are_used() -> None:
    """Each reader parses its variable itself (a worker reads the recorder's limits): the same rules."""
    from gate import parallel_eval, publish, sdk_patches
    from gate.checkov import parallel
    from gate.errors import UsageError

    readers = {"GATE_MAX_RESOURCES": sdk_patches.resource_limit,
               "GATE_MAX_RECORD_BYTES": sdk_patches.byte_limit,
               "GATE_LOCK_TIMEOUT": publish.lock_wait, "GATE_CHECKOV_JOBS": parallel.default_jobs,
               "GATE_EVAL_WORKERS": lambda: parallel_eval.workers(2, 10**6)}
    for name, read in readers.items():
        for value in ("²", "0", "-3", "x"):
            os.environ[name] = value
            try:
                with pytest.raises(UsageError, match=name):
                    read()
            finally:
                del os.environ[name]
    os.environ["GATE_EVAL_WORKERS"] = "3"
    try:
        assert parallel_eval.workers(2, 10) == 3
    finally:
        del os.environ["GATE_EVAL_WORKERS"]


CHECKOV_VARIABLES = {"CKV_SKIP_CHECK": "CKV_AWS_24", "CKV_CHECK": "CKV_AWS_1", "CKV_FRAMEWORK": "arm",
                     "CKV_SKIP_FRAMEWORK": "terraform_plan", "CHECKOV_MAX_IAC_FILE_SIZE": "10",
                     "CHECKOV_MAX_FILE_SIZE": "10", "CKV_IGNORED_DIRECTORIES": "aws-cases",
                     "CKV_POLICY_METADATA_FILTER": "policy.label=x", "CKV_NO_FAIL_ON_CRASH": "true",
                     "CHECKOV_RENDER_MAX_LEN": "1", "EXTERNAL_MODULES_DIR": "/tmp",
                     "PRISMA_API_URL": "https://example.invalid", "BC_ROOT_DIR": "/"}


@pytest.mark.parametrize("name", sorted(CHECKOV_VARIABLES))
def test_a_variable_that_configures_checkov_is_refused(name: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A CI job's CKV_SKIP_CHECK (or a file-size cap, an ignored directory, a framework filter) skipped
    checkov checks the gate judges by, and the gate said nothing: checkov honours its variables (the
    driver hands them to `checkov.main`). The gate's skips are waivers on record; the variable is bad
    input naming itself."""
    monkeypatch.setenv(name, CHECKOV_VARIABLES[name])
    code = cli.main(["analyze", "--state", str(tmp_path / "missing.json")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and name in lines[0], (code, lines)


def test_a_checkov_config_file_in_the_home_directory_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """~/.checkov.yaml configures checkov as its variables do (the driver honours it): the same refusal."""
    (tmp_path / ".checkov.yaml").write_text("skip-check:\n  - CKV_AWS_24\n")
    monkeypatch.setenv("HOME", str(tmp_path))
    code = cli.main(["analyze", "--state", str(tmp_path / "missing.json")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and ".checkov.yaml" in lines[0], (code, lines)


def test_the_variables_the_gate_sets_for_checkov_itself_are_not_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """What the gate sets (or drops) for its driver anyway is no configuration of the caller's."""
    for name, value in (("CKV_NO_TELEMETRY", "1"), ("BC_SKIP_MAPPING", "TRUE"), ("BC_API_KEY", "x"),
                        ("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "true"), ("LOG_LEVEL", "DEBUG")):
        monkeypatch.setenv(name, value)
    code = cli.main(["analyze", "--state", str(tmp_path / "missing.json")])
    err = capsys.readouterr().err
    assert code == 2 and "missing.json" in err and "CKV_" not in err and "BC_" not in err


def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "key.pem"
    os.mkfifo(fifo)
    return fifo


def _bounded(call: object) -> BaseException | None:
    """Run `call` in a thread; a call still running after 20 s hung (a FIFO no one writes)."""
    box: list[BaseException | None] = []

    def run() -> None:
        try:
            call()   # type: ignore[operator]
            box.append(None)
        except BaseException as exc:   # the test inspects it
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert box, "hung on a FIFO"
    return box[0]


def test_a_signing_key_that_is_a_fifo_is_refused_not_waited_on(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """GATE_SIGNING_KEY (the gate's key), GATE_VERIFY_KEY (the export's trust anchor) and
    EVIDENCE_SIGNING_KEY naming a FIFO: the read waited for a writer for ever."""
    from evidence import signing
    from evidence.errors import EvidenceError
    from gate import dsse, run_sign

    fifo = _fifo(tmp_path)
    monkeypatch.setenv(run_sign.KEY_ENV, str(fifo))
    assert isinstance(_bounded(run_sign.signer), GateError)
    assert isinstance(_bounded(lambda: dsse.load_public_key(fifo)), dsse.KeyFileError)
    monkeypatch.setenv("EVIDENCE_SIGNING_KEY", str(fifo))
    assert isinstance(_bounded(lambda: signing.load_signer(signing.default_key())), EvidenceError)


def test_a_signing_key_others_can_write_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key (or the public key an export trusts) that another user can replace is no key of this
    user's: the run it signs, or the run it lets through, is whoever wrote it last."""
    from gate import dsse, run_sign

    key = tmp_path / "gate.pem"
    dsse.load_signer(key)
    for path in (key, key.with_name(key.name + ".pub")):
        path.chmod(0o666)
        with pytest.raises(dsse.KeyFileError, match="writable by others"):
            (dsse.load_signer if path == key else dsse.load_public_key)(path)
        path.chmod(0o600)
    monkeypatch.setenv(run_sign.KEY_ENV, str(key))
    assert run_sign.signer() is not None
    link = tmp_path / "link.pem"
    link.symlink_to(key)   # a mounted secret is a symlink: followed, the target judged
    assert dsse.load_signer(link, create=False) is not None


def test_a_cache_dir_that_is_no_directory_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """GATE_CACHE_DIR naming a FIFO or a file: exit 2 naming it, before anything runs."""
    fifo = _fifo(tmp_path)
    for where in (fifo, tmp_path / "file"):
        if not where.exists():
            where.write_text("x")
        monkeypatch.setenv("GATE_CACHE_DIR", str(where))
        code, lines = _gate(tmp_path, capsys)
        assert code == 2 and len(lines) == 1 and "GATE_CACHE_DIR" in lines[0], lines
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize(("name", "value"), [("CKV_SKIP_CHECK", "CKV_AWS_24"),
                                             ("GATE_CHECKOV_TIMEOUT", "0"), ("GATE_MAX_RESOURCES", "²"),
                                             ("GATE_LOCK_TIMEOUT", "nan")])
def test_evidence_export_refuses_them_too(name: str, value: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The export runs the gate again (packs, checkov, the update graph): the same settings, the same
    refusals, before it reads or writes anything."""
    from evidence import cli as evidence_cli

    monkeypatch.setenv(name, value)
    code = evidence_cli.main(["export", "--stack", "dosis-prod", "--out", str(tmp_path / "bundle")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and name in lines[0], (code, lines)
    assert not (tmp_path / "bundle").exists()


def test_a_run_with_the_side_effect_refusals_off_is_no_verdict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """GATE_UNSAFE_PROGRAM_SIDE_EFFECTS=1 (the engine's own process tests) inherited by a CI job: the
    programs ran with the side-effect refusals off and the run passed, with a warning (exit 0)."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: scratch\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config: {}\n")
    (program / "__main__.py").write_text("import pulumi\npulumi.export('x', 1)\n")
    monkeypatch.setenv("GATE_UNSAFE_PROGRAM_SIDE_EFFECTS", "1")
    out = tmp_path / "out"
    code = cli.main(["preview", "--program", str(program), "--stack", "dev", "--out", str(out),
                     "--no-checkov", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2 and "GATE_UNSAFE_PROGRAM_SIDE_EFFECTS=1" in err and "no verdict" in err, (code, err)
    assert not (out / "run.json").exists()
