"""Engine round 30: round 29's leads (docs/gate-red-team.md, round 30).

Round 29 read a gate dir's, a shard's and `analyze --state`'s files in chunks and capped a state at 1 GiB,
and left: digests still read whole (`gate.cache.file_digest` for the judge's files, the program's inputs
and checkov's tables; `gate.publish`'s digest of what a run publishes; checkov's cache entries), a state
under the cap that is no JSON read whole to word its error, the judge's files hashed in the run seal's
thread under a 120 s wait (a FIFO among them named by no path), a `_thread` thread told by a count, and a
report's waiver checked as any object. The contract (docs/gate.md): bad input is one line naming the file,
exit 2, in bounded memory and time. Each hostile file is read in a child under a 2 GiB address-space limit
and a bound on its time (past it: a hang).
"""

from __future__ import annotations

import _thread
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

import pulumi_aws as aws
import pytest
from test_leftovers_r25 import REPO, RUN_LIMIT
from test_leftovers_r28 import AS_OF, STACK, _shard
from test_leftovers_r29 import HUGE, _one_line, _reseal, _run, _sparse

EU = {"aws:region": "eu-west-1"}
UNIT_BOUND = 30.0   # seconds a child reading one hostile file may take before it counts as a hang


# ------------------------------------------------- 1. files still read whole: digests, a cache, a state
def _hostile(where: Path, kind: str) -> Path:
    """A hostile file named `input.json` in `where`: huge (sparse), a FIFO, a link to /dev/zero, or a link
    to a huge file outside `where`."""
    where.mkdir(parents=True, exist_ok=True)
    path = where / "input.json"
    if kind == "huge":
        _sparse(path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "link-out":
        outside = where.parent / "outside.json"
        _sparse(outside)
        path.symlink_to(outside)
    return path


CALL = """
import sys
from pathlib import Path
from gate.errors import GateError
try:
    {call}
except GateError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
"""

DIGESTS = {
    "cache.file_digest": "from gate.cache import file_digest; file_digest(Path(sys.argv[1]))",
    "publish._digest": "from gate.publish import _digest; _digest(Path(sys.argv[1]))",
}


@pytest.mark.parametrize("kind", ["huge", "fifo", "dev-zero", "link-out"])
@pytest.mark.parametrize("where", sorted(DIGESTS))
def test_a_hostile_file_hashed_is_one_line(tmp_path, where, kind) -> None:
    """The judge's files, a program's inputs and checkov's tables (`gate.cache.file_digest`), and what a
    run publishes (`gate.publish._digest`), were read whole (`read_bytes`): a 10 GiB sparse file all into
    memory, a FIFO waited on for a writer, /dev/zero read for ever."""
    path = _hostile(tmp_path / "in", kind)
    argv = [sys.executable, "-c", CALL.format(call=DIGESTS[where]), str(path)]
    _one_line(_run(argv, tmp_path, UNIT_BOUND), str(path))


CACHE = """
import sys
from pathlib import Path
from gate.errors import GateError
from gate.checkov.cache import ResultCache
cache = ResultCache(Path(sys.argv[1]), ("terraform_plan",))
key = cache._key("dev", sys.argv[2])
entry = cache._path(key)
entry.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
with entry.open("wb") as f:
    f.truncate({size})
try:
    cache.{read}
except GateError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
"""


@pytest.mark.parametrize("read", ["_read(key)", "_read_head(key, {'state': 'x'})"])
def test_a_huge_checkov_cache_entry_is_one_line(tmp_path, read) -> None:
    """checkov's cache read an entry whole (`read_bytes`) or a line at a time (`readline`, which reads a
    file with no line break whole): a 10 GiB entry all into memory."""
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    argv = [sys.executable, "-c", CACHE.format(size=HUGE, read=read), str(root), "dev.tfplan.json"]
    _one_line(_run(argv, tmp_path, UNIT_BOUND), str(root / "checkov"))


UNDER_CAP = 1024 ** 3 - 1   # a state the size cap lets through: the strict path read it whole


def test_a_state_that_is_no_json_under_the_cap_is_worded_in_bounded_memory(tmp_path) -> None:
    """`gate analyze --state`: the chunked reader stops at the first zero byte and the strict path read
    the whole 1 GiB file (bytes, then text) to word its parse error."""
    state = tmp_path / f"{STACK}.state.json"
    _sparse(state, UNDER_CAP)
    argv = [sys.executable, "-m", "gate", "analyze", "--state", str(state), "--stack", STACK, "--no-checkov",
            "--format", "json", "--as-of", AS_OF]
    _one_line(_run(argv, tmp_path), str(state), "not JSON")


def test_a_state_that_is_no_json_under_the_cap_is_worded_by_the_export(tmp_path) -> None:
    """`evidence.inputs.read_state` (the export's `--state`) read the whole file to word its error."""
    state = tmp_path / f"{STACK}.state.json"
    _sparse(state, UNDER_CAP)
    code = ("import sys\nfrom pathlib import Path\nfrom evidence.errors import EvidenceError\n"
            "from evidence.inputs import read_state\ntry:\n    read_state(Path(sys.argv[1]))\n"
            "except EvidenceError as exc:\n    print(exc, file=sys.stderr)\n    sys.exit(2)\n")
    _one_line(_run([sys.executable, "-c", code, str(state)], tmp_path, UNIT_BOUND), str(state), "not JSON")


def test_a_state_whose_error_is_past_the_prefix_is_still_worded(tmp_path) -> None:
    """Compliant: a small state with its error late is worded exactly as the strict path words it."""
    from gate.errors import GateError
    from gate.state_load import load_state

    state = tmp_path / "s.json"
    state.write_text('{"version": 3, "deployment": {"resources": []}} x')
    with pytest.raises(GateError, match=r"s\.json: not JSON \(line 1: Extra data\)"):
        load_state(state)


# ------------------------------------------- 2. the judge's files, named when they are first named
def _preview(tmp_path: Path, *extra: str) -> list[str]:
    program = tmp_path / "program"
    shutil.copytree(REPO / "tests/gate/programs/multi", program)
    return [sys.executable, "-m", "gate", "preview", "--program", str(program), "--all", "--out",
            str(tmp_path / "out"), "--no-checkov", "--format", "json", *extra]


def _records_with(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    records = tmp_path / "records"
    shutil.copytree(REPO / "stacks/records", records)
    return records, _hostile(records / "pia", kind)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["fifo", "huge"])
def test_a_hostile_file_among_the_records_is_named_at_once(tmp_path, kind) -> None:
    """A FIFO among the records: the run seal's thread waited on it for 120 s, then a line named none of
    the judge's files (a huge one: read whole, MemoryError)."""
    records, bad = _records_with(tmp_path, kind)
    code, lines = _run(_preview(tmp_path, "--records", str(records)), tmp_path, RUN_LIMIT / 3)
    assert code == 2 and str(bad) in lines[-1], (code, lines[-3:])   # before it: the program's notes


@pytest.mark.slow
def test_a_pack_config_that_is_a_fifo_is_named_at_once(tmp_path) -> None:
    fifo = tmp_path / "eu-residency.json"
    os.mkfifo(fifo)
    argv = _preview(tmp_path, "--policy-pack-config", f"eu-residency={fifo}")
    code, lines = _run(argv, tmp_path, RUN_LIMIT / 3)
    assert code == 2 and len(lines) == 1 and str(fifo) in lines[0], (code, lines[-3:])


# ------------------------------------------------------ 3. a raw thread the count of threads misses
class _RuntimeRawThread:
    """A `_thread` thread running when the recording starts (as one of the runtime's could), which ends
    while the program runs, when the program lets it; `frameless`: it runs a C callable (no Python frame
    while it waits)."""

    def __init__(self, frameless: bool = False) -> None:
        self.baseline = _thread._count()
        self.go = _thread.allocate_lock()
        self.go.acquire()
        _thread.start_new_thread(self.go.acquire if frameless else self._wait, ())

    def _wait(self) -> None:
        self.go.acquire()

    def end(self) -> None:
        self.go.release()
        for _ in range(200):     # until _thread counts it no more (it has returned)
            if _thread._count() <= self.baseline:
                return
            threading.Event().wait(0.01)


def _record(program) -> None:
    from gate.recording import record_callable

    record_callable(program, config=EU)


def _programs_raw_thread(frameless: bool, hold: threading.Event, held: Any) -> None:
    if frameless:
        _thread.start_new_thread(held.acquire, ())
    else:
        _thread.start_new_thread(hold.wait, ())


@pytest.mark.parametrize("frameless", [False, True], ids=["python", "c-callable"])
def test_a_raw_thread_started_in_place_of_an_ending_one_is_refused(frameless) -> None:
    """The count of `_thread` threads threading does not list was compared with the baseline: a raw thread
    of the runtime that ends while the program runs makes room for the program's own (which, on glibc,
    mostly gets the ended thread's ident too)."""
    from gate.errors import ProgramError

    runtime = _RuntimeRawThread()
    hold, held = threading.Event(), _thread.allocate_lock()
    held.acquire()

    def program():
        runtime.end()
        _programs_raw_thread(frameless, hold, held)
        aws.s3.Bucket("b")

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread"):
            _record(program)
    finally:
        hold.set()
        held.release()


def test_a_raw_thread_hidden_by_an_entry_in_threadings_list_is_refused() -> None:
    """threading's list is the program's to edit: an unstarted Thread put in it counted as a listed thread
    and cancelled out the program's raw thread."""
    from gate.errors import ProgramError

    hold = threading.Event()
    decoy = threading.Thread(target=hold.wait)

    def program():
        _thread.start_new_thread(hold.wait, ())
        with threading._active_limbo_lock:
            threading._active[-1] = decoy

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread"):
            _record(program)
    finally:
        with threading._active_limbo_lock:
            threading._active.pop(-1, None)
        hold.set()


def test_a_frameless_raw_thread_is_refused() -> None:
    """Held before (the count saw it): a raw thread running a C callable, which `sys._current_frames`
    does not list."""
    from gate.errors import ProgramError

    held = _thread.allocate_lock()
    held.acquire()

    def program():
        _thread.start_new_thread(held.acquire, ())

    try:
        with pytest.raises(ProgramError, match=r"started with _thread.start_new_thread \(a thread without"):
            _record(program)
    finally:
        held.release()


def test_a_runtime_raw_thread_ending_during_the_program_is_no_refusal() -> None:
    """Compliant: the runtime's raw thread ends while the program runs, the program starts none."""
    from gate.recording import record_callable

    runtime = _RuntimeRawThread()

    def program():
        runtime.end()
        aws.s3.Bucket("b")

    assert [r.name for r in record_callable(program, config=EU).by_type("aws:s3/bucket:Bucket")] == ["b"]


def test_a_runtime_raw_thread_running_on_is_no_refusal() -> None:
    """Compliant: a raw thread that was running before the recording and still runs after it."""
    from gate.recording import record_callable

    runtime = _RuntimeRawThread()
    try:
        graph = record_callable(lambda: aws.s3.Bucket("b"), config=EU)
    finally:
        runtime.end()
    assert [r.name for r in graph.by_type("aws:s3/bucket:Bucket")] == ["b"]


# ------------------------------------------------------------------ 4. a report's waiver, field by field
WAIVER = {"rule": "CKV_AWS_18", "resource": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "reason": "why",
          "owner": "team", "expires": "2027-06-30"}
BAD_WAIVERS = {
    "empty": {},
    "rule-missing": {k: v for k, v in WAIVER.items() if k != "rule"},
    "owner-number": {**WAIVER, "owner": 7},
    "expires-word": {**WAIVER, "expires": "never"},
    "expires-impossible": {**WAIVER, "expires": "2027-02-30"},
    "own-key": {**WAIVER, "approved": True},
    "rule-empty": {**WAIVER, "rule": ""},
}


def _waived(waiver: dict, level: str = "advisory") -> dict:
    from gate.model import StackReport, Violation

    found = Violation("checkov", "CKV_AWS_18", level, "low", WAIVER["resource"], "aws:s3/bucket:Bucket",
                      "[waived] logging", waiver=dict(WAIVER))
    report = StackReport("dev", 1, [found], as_of=AS_OF).to_json()
    report["violations"][0]["waiver"] = waiver
    return report


@pytest.mark.parametrize("case", sorted(BAD_WAIVERS))
def test_a_wrong_waiver_in_a_report_names_its_field(case) -> None:
    from gate.report_shape import problem

    assert problem(_waived(BAD_WAIVERS[case])).startswith("violations[0].waiver"), problem(
        _waived(BAD_WAIVERS[case]))


def test_a_waiver_on_a_mandatory_finding_is_refused() -> None:
    """A waived finding is advisory (the packs and checkov lower it): a waiver beside `mandatory` made a
    blocking finding not block."""
    from gate.report_shape import problem

    assert problem(_waived(dict(WAIVER), "mandatory")).startswith("violations[0].waiver")


def test_a_waiver_as_the_gate_writes_it_is_taken() -> None:
    from gate.report_shape import problem

    assert problem(_waived(dict(WAIVER))) == ""


def test_an_empty_waiver_on_a_merged_blocking_finding_is_one_line(tmp_path) -> None:
    """`gate merge` of a resealed shard whose mandatory finding holds `waiver: {}`: any object passed, and
    a finding with a waiver does not block."""
    shard = _shard(tmp_path / "shard", True)
    report = json.loads((shard / "dev.report.json").read_text())
    report["violations"][0]["waiver"] = {}
    (shard / "dev.report.json").write_text(json.dumps(report))
    _reseal(shard)
    result = _run([sys.executable, "-m", "gate", "merge", str(shard), "--format", "json"], tmp_path)
    _one_line(result, "dev.report.json: violations[0].waiver")


def test_a_json_document_cut_anywhere_is_never_refused_by_its_prefix(tmp_path, monkeypatch) -> None:
    """Compliant: a prefix whose only error is where it was cut (mid-string, mid-escape, mid-literal or
    mid-number) decides nothing, wherever the cut falls."""
    from gate import inputs

    resource = {"urn": "urn:pulumi:s::p::t::n\u00e9\\\"", "inputs": {"a": [True, False, None, -1.5e3],
                                                                     "b": "\U0001f600" + "x" * 40}}
    path = tmp_path / "s.json"
    for ascii_only in (True, False):   # \uXXXX escapes and surrogate pairs, then UTF-8 bytes
        data = json.dumps({"deployment": {"resources": [resource] * 3}}, ensure_ascii=ascii_only).encode()
        path.write_bytes(data)
        for cut in range(1, len(data) - 1):
            monkeypatch.setattr(inputs, "PREFIX", cut)
            inputs.refuse_unparsable_prefix(path, "state file")
