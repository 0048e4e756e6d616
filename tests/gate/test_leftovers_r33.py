"""Engine round 33: the leads of rounds 30-32 (docs/gate-red-team.md, round 33).

Round 32 left `evidence verify` hashing a huge file of a bundle whole (the manifest records no sizes to
refuse it by first). Round 30 left a frameless thread that takes the ident of a frameless thread that ended
(identity was the ident alone), and threading's records — `_active`, a `Thread`'s ident, target, daemon
flag — the program's to forge. And a child the program's code starts that outlives it had been tried
against a gate stopped, never against a run that goes on: a `sitecustomize` of the program's own
environment runs, unfiltered, in the version probe and at the start of each recording worker.
The contract (docs/gate.md, docs/evidence.md): bad input is one line, nothing a program leaves running is
taken as the runtime's, nothing of a program's code outlives the step that ran it or sees the run's key.
"""

from __future__ import annotations

import _thread
import contextlib
import json
import os
import signal
import site
import subprocess
import sys
import threading
from concurrent.futures import thread as _pool
from pathlib import Path
from typing import Any

import pulumi_aws as aws
import pytest
from fence_marks import hook_side, marks
from test_leftovers_r25 import REPO, RUN_LIMIT, _env
from test_leftovers_r29 import HUGE, _run, _sparse
from test_leftovers_r30 import EU, UNIT_BOUND, _RuntimeRawThread


# ---------------------------------------------------------------- 1. `evidence verify` and a bundle's sizes
def _signed(root: Path, manifest: dict, tmp_path: Path) -> Path:
    """`manifest` written and signed into `root`; the public key."""
    from evidence import signing

    body = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (root / "manifest.json").write_bytes(body)
    (root / signing.ENVELOPE).write_bytes(signing.sign(body, signing.load_signer(tmp_path / "k.pem")))
    return tmp_path / "k.pem.pub"


def _exported(tmp_path: Path) -> tuple[Path, Any]:
    """A bundle as `evidence export` writes one (`bundle.write`), and the public key."""
    from evidence import bundle, signing
    from evidence.redact import Redactor

    root = tmp_path / "bundle"
    files = {"a.txt": b"evidence\n", "sub/b.json": b"{}\n"}
    bundle.write(root, files, {"stacks": []}, Redactor(set()), signing.load_signer(tmp_path / "k.pem"))
    return root, signing.load_public_key(tmp_path / "k.pem.pub")


def _hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files `verify` hashes, in order."""
    from evidence import bundle

    seen: list[str] = []
    real = bundle.sha256

    def spy(path: Path) -> str:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(bundle, "sha256", spy)
    return seen


def test_the_manifest_records_each_files_size_under_the_signature(tmp_path) -> None:
    """The manifest said only each file's SHA-256: nothing to refuse a file of another size by before
    reading it whole. The sizes are in the signed bytes (the envelope's payload)."""
    import base64

    root, _ = _exported(tmp_path)
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest.get("sizes") == {"a.txt": 9, "sub/b.json": 3}, manifest
    payload = json.loads((root / "manifest.dsse.json").read_text())["payload"]
    assert json.loads(base64.b64decode(payload))["sizes"] == manifest["sizes"]


@pytest.mark.parametrize("how", ["grown", "shrunk"])
def test_a_file_of_another_size_is_changed_without_being_read(tmp_path, monkeypatch, how) -> None:
    """A bundle file replaced by a 10 GiB (sparse) one, or emptied: hashed whole before it was called
    changed (minutes for a large file; the size says it at once)."""
    from evidence import bundle

    root, key = _exported(tmp_path)
    (root / "a.txt").unlink()
    if how == "grown":
        _sparse(root / "a.txt", HUGE)
    else:
        (root / "a.txt").write_bytes(b"")
    hashed = _hashed(monkeypatch)
    problems = bundle.verify(root, public_key=key)
    assert any(p.startswith("changed: a.txt") for p in problems), problems
    assert "a.txt" not in hashed, hashed


def test_an_added_huge_file_is_named_without_being_read(tmp_path, monkeypatch) -> None:
    """A file the manifest does not list was hashed too (its hash compared with nothing)."""
    from evidence import bundle

    root, key = _exported(tmp_path)
    _sparse(root / "extra.bin", HUGE)
    hashed = _hashed(monkeypatch)
    assert "added: extra.bin" in bundle.verify(root, public_key=key)
    assert "extra.bin" not in hashed, hashed


BAD_SIZES = {
    "text": {"a.txt": "9", "sub/b.json": 3},
    "negative": {"a.txt": -1, "sub/b.json": 3},
    "boolean": {"a.txt": True, "sub/b.json": 3},
    "missing-one": {"a.txt": 9},
    "another-file": {"a.txt": 9, "sub/b.json": 3, "c.txt": 1},
    "not-a-map": [9, 3],
}


@pytest.mark.parametrize("case", sorted(BAD_SIZES))
def test_a_signed_manifest_with_wrong_sizes_is_not_intact(tmp_path, case) -> None:
    """A manifest (signed: whoever holds the key) whose `sizes` is no map of every listed file to a byte
    count: the tool never writes one, and a file it does not size is hashed unbounded again."""
    from evidence import bundle, signing

    root, _ = _exported(tmp_path)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest["sizes"] = BAD_SIZES[case]
    key = _signed(root, manifest, tmp_path)
    problems = bundle.verify(root, public_key=signing.load_public_key(key))
    assert any(p.startswith("changed: manifest.json") and "sizes" in p for p in problems), problems


def test_a_bundle_without_sizes_verifies_by_hash_and_says_so(tmp_path) -> None:
    """A bundle exported before round 33 (no `sizes`): still intact when its hashes hold, every file hashed
    whole — and the output says that it was (an auditor's old bundles stay verifiable, explicitly)."""
    root, _ = _exported(tmp_path)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest.pop("sizes", None)
    key = _signed(root, manifest, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "evidence", "verify", str(root), "--key", str(key)],
                          cwd=REPO, env=_env(tmp_path), capture_output=True, text=True, timeout=RUN_LIMIT)
    assert proc.returncode == 0, proc.stderr
    assert "records no sizes" in proc.stdout + proc.stderr, (proc.stdout, proc.stderr)


def test_a_tampered_old_bundle_is_still_not_intact(tmp_path) -> None:
    """Compliant with the decision above: a file changed in a bundle without sizes is still `changed`."""
    from evidence import bundle, signing

    root, _ = _exported(tmp_path)
    manifest = json.loads((root / "manifest.json").read_text())
    manifest.pop("sizes", None)
    key = _signed(root, manifest, tmp_path)
    (root / "a.txt").write_text("forged\n")
    assert "changed: a.txt" in bundle.verify(root, public_key=signing.load_public_key(key))


def test_an_intact_exported_bundle_hashes_each_listed_file_once(tmp_path, monkeypatch) -> None:
    """Compliant: the bundle `bundle.write` made is intact, each listed file hashed once."""
    from evidence import bundle

    root, key = _exported(tmp_path)
    hashed = _hashed(monkeypatch)
    assert bundle.verify(root, public_key=key) == []
    assert sorted(hashed) == ["a.txt", "b.json"]


def test_an_out_whose_manifest_is_huge_is_one_line(tmp_path) -> None:
    """`evidence export --out DIR` over a DIR whose `manifest.json` is 10 GiB (sparse): the check whether
    DIR is a bundle this tool wrote read it whole."""
    out = tmp_path / "out"
    out.mkdir()
    _sparse(out / "manifest.json", HUGE)
    call = ("import sys\nfrom pathlib import Path\nfrom evidence import bundle\nfrom evidence.errors import "
            "EvidenceError\ntry:\n    bundle._check_target(Path(sys.argv[1]))\nexcept EvidenceError as exc:\n"
            "    print(exc, file=sys.stderr)\n    sys.exit(2)\n")
    code, lines = _run([sys.executable, "-c", call, str(out)], tmp_path, UNIT_BOUND)
    assert code == 2 and len(lines) == 1 and str(out) in lines[0], (code, lines[-5:])


# ------------------------------------------------------------------- 2. threads: identity and forgeries
def _record(program) -> Any:
    from gate.recording import record_callable

    return record_callable(program, config=EU)


def test_a_frameless_thread_in_place_of_an_ended_frameless_one_is_refused() -> None:
    """Round 30's lead: a runtime thread running a C callable at the baseline (no outermost frame) ends
    while the program runs; the program's own frameless thread gets its ident (glibc reuses the ended
    thread's stack) and passed: ident and `None` frame matched the baseline."""
    from gate.errors import ProgramError

    runtime = _RuntimeRawThread(frameless=True)
    held = _thread.allocate_lock()
    held.acquire()

    def program():
        runtime.end()
        _thread.start_new_thread(held.acquire, ())
        aws.s3.Bucket("b")

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread"):
            _record(program)
    finally:
        held.release()


def _raw(hold: threading.Event) -> int:
    return _thread.start_new_thread(hold.wait, ())


def _forge_main(hold: threading.Event) -> None:
    """The main thread's `Thread` object (in the baseline, alive) given the raw thread's ident and listed
    under it: the raw thread reads as threading's, the main thread as a baseline thread."""
    raw = _raw(hold)
    main = threading.main_thread()
    main._ident = raw
    threading._active[raw] = main


def _forge_decoy(hold: threading.Event) -> None:
    """A `Thread` made to look started, alive (its tstate lock held), daemonic and a pool worker (its
    target the pool's `_worker`), listed under the raw thread's ident."""
    raw = _raw(hold)
    decoy = threading.Thread(target=_pool._worker, daemon=True)
    decoy._ident = raw
    decoy._started.set()
    lock = _thread.allocate_lock()
    lock.acquire()
    decoy._tstate_lock = lock
    threading._active[raw] = decoy


def _forge_target(hold: threading.Event, daemon: bool) -> None:
    """A real thread of the program whose `_target` is swapped, once it runs, for the pool's `_worker`:
    taken for the runtime's executor, neither joined (non-daemon) nor refused (daemon)."""
    thread = threading.Thread(target=hold.wait, daemon=daemon)
    thread.start()
    thread._target = _pool._worker


def test_a_non_daemon_thread_posing_as_a_pool_worker_is_not_taken_for_one() -> None:
    """A non-daemon thread is joined, as the interpreter joins it at exit (what it does then is recorded),
    unless it is the runtime's pool worker; one whose `_target` the program swapped for the pool's
    `_worker` was taken for one, and the recording ended while it ran. (Written first as a refusal through
    a recording, which joining makes wait for the thread; asked of the check that decides instead.)"""
    from gate import deferred

    hold = threading.Event()
    thread = threading.Thread(target=hold.wait)
    thread.start()
    thread._target = _pool._worker
    try:
        assert not deferred._executor_worker(thread)
    finally:
        hold.set()
        thread.join()


def test_a_pool_worker_is_taken_for_one() -> None:
    """Compliant: a real pool worker, idle, is the runtime's (neither joined nor refused)."""
    from concurrent.futures import ThreadPoolExecutor

    from gate import deferred

    with ThreadPoolExecutor(1) as pool:
        pool.submit(int).result()
        [worker] = list(pool._threads)
        for _ in range(200):     # until it is back in `_worker`, waiting for work
            if deferred._executor_worker(worker):
                break
            threading.Event().wait(0.01)
        assert deferred._executor_worker(worker)


FORGERIES = {
    "main-thread-reidentified": _forge_main,
    "decoy-pool-worker": _forge_decoy,
    "daemon-target-swapped": lambda hold: _forge_target(hold, True),
}


@pytest.mark.parametrize("case", sorted(FORGERIES))
def test_a_thread_hidden_by_forging_threadings_records_is_refused(case) -> None:
    """Round 30's lead: threading's records are the program's to forge; a thread still running when the
    program ends must be refused whatever they say."""
    from gate.errors import ProgramError

    hold = threading.Event()
    main, ident = threading.main_thread(), threading.main_thread()._ident
    active = dict(threading._active)

    def program():
        FORGERIES[case](hold)
        aws.s3.Bucket("b")

    try:
        with pytest.raises(ProgramError, match=r"still running when the program ends"):
            _record(program)
    finally:
        hold.set()
        main._ident = ident
        with threading._active_limbo_lock:
            threading._active.clear()
            threading._active.update(active)


def test_a_daemon_thread_taken_out_of_threadings_list_is_refused() -> None:
    """Held before (its ident is then listed by no one): a daemon thread the program removes from
    `threading._active`."""
    from gate.errors import ProgramError

    hold = threading.Event()

    def program():
        thread = threading.Thread(target=hold.wait, daemon=True)
        thread.start()
        with threading._active_limbo_lock:
            threading._active.pop(thread.ident)

    try:
        with pytest.raises(ProgramError, match=r"still running when the program ends"):
            _record(program)
    finally:
        hold.set()


def test_a_frameless_runtime_thread_ending_while_the_program_starts_none_is_no_refusal() -> None:
    """Compliant: the runtime's frameless thread ends while the program runs; the program starts none."""
    runtime = _RuntimeRawThread(frameless=True)

    def program():
        runtime.end()
        aws.s3.Bucket("b")

    assert [r.name for r in _record(program).by_type("aws:s3/bucket:Bucket")] == ["b"]


def test_threads_and_pool_work_the_program_joins_are_no_refusal() -> None:
    """Compliant: a thread the program starts and joins, a non-daemon one it leaves to the interpreter's
    join, and work it hands the event loop's pool."""
    import asyncio

    done: list[str] = []

    def program():
        joined = threading.Thread(target=lambda: done.append("joined"))
        joined.start()
        joined.join()
        threading.Thread(target=lambda: done.append("left")).start()
        asyncio.get_event_loop().run_in_executor(None, lambda: done.append("pooled"))
        aws.s3.Bucket("b")

    assert [r.name for r in _record(program).by_type("aws:s3/bucket:Bucket")] == ["b"]
    assert sorted(done) == ["joined", "left", "pooled"]


# --------------------------------------------------- 3. a child of the program's code that outlives it
# The program environment's `sitecustomize` (its Python is the program's: it runs before any gate code
# there). Once (`flag`), in the version probe (`python -c CODE`) or at a recording worker's start, it
# double-forks a grandchild into a session of its own, marked `escaped.<pid>` (by the middle process, before
# it exits). The grandchild notes the run's signing key if its environment holds it, and waits for the
# gate's own outputs (a state in the run directory, or the published run); seeing one, it marks `late.<pid>`
# and overwrites every report it finds. Its environment's Python starts under the write fence (round 46):
# its turn and its marks go through `fence_marks`; the reports it overwrites are the fence's to refuse.
ESCAPE_HOOK = """\
import os
import sys
import time
from pathlib import Path

flag, out = Path({flag!r}), Path({out!r})
if (sys.argv == ["-c"]) == {in_probe!r} and flag.exists() and once("hook"):
    if "GATE_SIGNING_KEY_PEM" in os.environ or "GATE_SIGNING_KEY" in os.environ:
        mark("key-seen")
    if os.fork() == 0:
        os.setsid()
        escaped = os.fork()
        if escaped:
            mark(f"escaped.{{escaped}}")
            os._exit(0)
        while True:
            if list(out.glob("**/*.state.json")) or (out / "run.json").exists():
                mark(f"late.{{os.getpid()}}")
                for report in out.glob("**/*.report.json"):
                    if not report.read_bytes().startswith(b"FORGED"):
                        report.write_bytes(b"FORGED")
            time.sleep(0.005)
    os.wait()
"""


def _program(tmp_path: Path, in_probe: bool) -> Path:
    """A program with a `virtualenv` the user made, whose packages are the gate's (a `.pth` file), and
    ESCAPE_HOOK as its `sitecustomize`."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: own-venv\nruntime:\n  name: python\n  options:\n"
                                         "    virtualenv: .venv\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    (program / "__main__.py").write_text('import pulumi_aws as aws\n\naws.s3.Bucket("logs")\n')
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(program / ".venv")], check=True,
                   timeout=RUN_LIMIT)
    where = next((program / ".venv" / "lib").glob("python3*/site-packages"))
    (where / "gate-sdk.pth").write_text(site.getsitepackages()[0] + "\n")
    (where / "sitecustomize.py").write_text(hook_side(tmp_path) + ESCAPE_HOOK.format(
        flag=str(tmp_path / "hook.flag"), out=str(tmp_path / "out"), in_probe=in_probe))
    (tmp_path / "hook.flag").write_text("once")
    return program


def _marks(tmp_path: Path, kind: str) -> list[int]:
    return [int(p.suffix[1:]) for p in tmp_path.glob(f"{kind}.*")]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _gate_with_an_escape(tmp_path: Path, in_probe: bool, **env: str) -> subprocess.CompletedProcess:
    program = _program(tmp_path, in_probe)
    argv = [sys.executable, "-m", "gate", "preview", "--program", str(program), "--stack", "dev", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json"]
    try:
        with marks(tmp_path):
            return subprocess.run(argv, cwd=REPO, env=_env(tmp_path, **env), capture_output=True, text=True,
                                  timeout=RUN_LIMIT)
    finally:
        for pid in _marks(tmp_path, "escaped"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("in_probe", [True, False], ids=["version-probe", "recording-worker"])
def test_a_process_the_programs_code_leaves_ends_with_the_step_that_ran_it(tmp_path, in_probe) -> None:
    """The grandchild left the step's process group and session; the step's group was killed, and the
    grandchild, reparented to the gate, ran on through the recording, the judgment and the publication
    (ended only by the gate's exit): it saw the gate's outputs and could rewrite them before they were
    hashed and signed."""
    proc = _gate_with_an_escape(tmp_path, in_probe)
    assert _marks(tmp_path, "escaped"), f"the hook never ran: {proc.stderr[-2000:]}"
    assert not _marks(tmp_path, "late"), "LATE: a process of the program's code saw the gate's outputs"
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "dev.report.json").read_text())
    assert report["stack"] == "dev"
    assert not any(_alive(pid) for pid in _marks(tmp_path, "escaped"))


@pytest.mark.slow
def test_the_program_environments_probe_never_sees_the_runs_signing_key(tmp_path) -> None:
    """The version probe (and the installs) ran the program environment's Python with the gate's whole
    environment: `GATE_SIGNING_KEY_PEM`, the CI's key that signs `run.json`, was there to read (a recording
    worker starts without it since round 9)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    proc = _gate_with_an_escape(tmp_path, True, GATE_SIGNING_KEY_PEM=pem)
    assert _marks(tmp_path, "escaped"), f"the hook never ran: {proc.stderr[-2000:]}"
    assert not (tmp_path / "key-seen").exists(), "the program environment's code saw the run's signing key"


@pytest.mark.slow
def test_a_program_that_double_forks_in_a_recording_is_stopped_before_the_fork(tmp_path, run_gate) -> None:
    """Held (the zygote's workers: the audit hook, then the system-call filter): a program that forks
    into a session of its own is refused, exit 2, and no process of it is left."""
    program = tmp_path / "forks"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: forks\nruntime: python\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: eu-west-1\n")
    mark = tmp_path / "forked"
    (program / "__main__.py").write_text(
        "import os\nimport pulumi_aws as aws\n\naws.s3.Bucket('b')\n"
        f"if os.fork() == 0:\n    os.setsid()\n    open({str(mark)!r}, 'w').write(str(os.getpid()))\n"
        "    os._exit(0)\n")
    proc = run_gate("preview", "--program", program, "--stack", "dev", "--out", tmp_path / "out",
                    "--no-checkov", "--format", "json")
    assert proc.returncode == 2 and "fork" in proc.stderr, proc.stderr[-2000:]
    assert not mark.exists()
    assert not (tmp_path / "out" / "run.json").exists()
