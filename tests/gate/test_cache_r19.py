"""Engine round 19: the stack cache and checkov's cache under hostile conditions (docs/gate-red-team.md,
round 19). An unchanged stack answered from a poisoned or stale entry is a fail-open; an entry the gate
cannot trust is exit 2 naming it (gate.cache.trusted), one it cannot read is a miss, never a hang.

Entries are written by the cache's own writers (`Store.put`, `ResultCache`), then edited, moved, made
shared or replaced as an attacker with write access to the cache directory (a shared `GATE_CACHE_DIR`, a
CI cache restored from another branch) would.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from gate.cache import Store
from gate.checkov.cache import ResultCache, fast_digest
from gate.checkov.parallel import FRAMEWORKS
from gate.checkov.runner import scan_outcomes
from gate.errors import GateError

REPO = Path(__file__).resolve().parents[2]
KEY = "ab" + "0" * 62
STATE = {"deployment": {"resources": []}}
FORGED = {"files": {}, "outcome": {"failed": [], "runs": []}}   # "checkov found nothing"


def _never(_path):
    raise AssertionError("checkov ran: the forged entry was not what answered")


def _shared(path: Path) -> None:
    """Writable by the group too (a cache directory shared with other users, or restored as such)."""
    path.chmod(stat.S_IMODE(path.stat().st_mode) | 0o020)


def _checkov_stack_entry(root: Path) -> Path:
    cache = ResultCache(root, FRAMEWORKS)
    cache.keep_stack_result("prod", fast_digest(STATE), FORGED)
    return cache._path(cache._stack_key("prod"))


# ------------------------------------------------------------------------------- the stack cache (r3)
def test_a_stack_entry_in_a_shared_directory_is_refused(tmp_path):
    store = Store(tmp_path / "cache", "stacks")
    store.put(KEY, {"report": "clean"})
    _shared(store._path(KEY).parent)
    with pytest.raises(GateError, match="writable by others"):
        store.get(KEY)


def test_a_stack_entry_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    """A FIFO (a restored archive can hold one) blocks `open` until someone writes: the gate hung."""
    store = Store(tmp_path / "cache", "stacks")
    store.put(KEY, {"report": "clean"})
    path = store._path(KEY)
    path.unlink()
    os.mkfifo(path, 0o600)
    code = (f"import sys; sys.path[:0] = [{str(REPO / 'scripts')!r}, {str(REPO)!r}]\n"
            "from gate.cache import Store\nfrom gate.errors import GateError\n"
            f"try:\n    Store({str(tmp_path / 'cache')!r}, 'stacks').get({KEY!r})\n"
            "except GateError as exc:\n    print('refused:', exc)\n")
    try:
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the cache waited on a FIFO entry")
    assert "refused:" in proc.stdout and "not a regular file" in proc.stdout, proc


def test_a_symlinked_stack_entry_is_refused(tmp_path):
    """The cache writes regular files only: a symlink points the entry at whatever the link's author
    chose (another key's entry, a file outside the cache)."""
    store = Store(tmp_path / "cache", "stacks")
    store.put(KEY, {"report": "clean"})
    outside = tmp_path / "elsewhere.json"
    outside.write_text(store._path(KEY).read_text())
    outside.chmod(0o600)
    store._path(KEY).unlink()
    store._path(KEY).symlink_to(outside)
    with pytest.raises(GateError, match="not a regular file"):
        store.get(KEY)


def test_a_stack_entry_truncated_mid_write_is_a_miss(tmp_path):
    store = Store(tmp_path / "cache", "stacks")
    store.put(KEY, {"report": {"stack": "prod", "violations": [{"policy": "p"}]}})
    whole = store._path(KEY).read_bytes()
    for cut in range(len(whole)):
        store._path(KEY).write_bytes(whole[:cut])
        assert store.get(KEY) is None, cut


def test_an_entry_of_another_key_or_format_is_a_miss(tmp_path):
    """An entry copied from another gate version, pack source or lock file (another key) under this key's
    name, or of another entry format."""
    store = Store(tmp_path / "cache", "stacks")
    store.put("cd" + "1" * 62, {"report": "of another gate"})
    store._path(KEY).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    store._path(KEY).write_bytes(store._path("cd" + "1" * 62).read_bytes())
    assert store.get(KEY) is None
    store._path(KEY).write_text(json.dumps({"format": 0, "key": KEY, "value": {"report": "old"}}))
    assert store.get(KEY) is None


def test_two_runs_writing_one_key_at_once_leave_a_whole_entry(tmp_path):
    store = Store(tmp_path / "cache", "stacks")
    values = [{"report": {"run": n, "pad": "x" * 20000}} for n in range(2)]
    seen: list[object] = []

    def write(value):
        for _ in range(100):
            Store(tmp_path / "cache", "stacks").put(KEY, value)

    def read():
        for _ in range(300):
            seen.append(store.get(KEY))

    threads = [threading.Thread(target=write, args=(v,)) for v in values] + [threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {json.dumps(v) for v in seen if v is not None} <= {json.dumps(v) for v in values}
    assert store.get(KEY) in values


# ------------------------------------------------------------------------------------- checkov's cache
def test_a_forged_checkov_stack_entry_in_a_shared_directory_is_refused(tmp_path):
    """The stack entry said nothing was found; the stacks namespace is empty (nothing to refuse there),
    as under `gate analyze` or `--policy-mode grpc`, which use checkov's cache without the stack cache."""
    path = _checkov_stack_entry(tmp_path / "cache")
    _shared(path.parent)
    with pytest.raises(GateError, match="writable by others"):
        scan_outcomes({"prod": STATE}, tmp_path / "work", cache_dir=tmp_path / "cache", run=_never)


def test_a_forged_checkov_component_entry_in_a_shared_cache_root_is_refused(tmp_path):
    cache = ResultCache(tmp_path / "cache", FRAMEWORKS)
    cache.save("prod", "prod.tfplan.json", {"c0": []})      # "this component: no findings"
    _shared(tmp_path / "cache")
    with pytest.raises(GateError, match="writable by others"):
        ResultCache(tmp_path / "cache", FRAMEWORKS).lookup("prod", "prod.tfplan.json", "c0")


def test_a_checkov_entry_owned_by_another_user_is_refused(tmp_path):
    path = _checkov_stack_entry(tmp_path / "cache")
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    os.chown(path, 4242, -1)
    with pytest.raises(GateError, match="owned by another user"):
        ResultCache(tmp_path / "cache", FRAMEWORKS).stack_result("prod", fast_digest(STATE))


def test_a_symlinked_checkov_entry_is_refused(tmp_path):
    path = _checkov_stack_entry(tmp_path / "cache")
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(GateError, match="not a regular file"):
        ResultCache(tmp_path / "cache", FRAMEWORKS).stack_result("prod", fast_digest(STATE))


def test_a_checkov_entry_truncated_mid_write_is_a_miss(tmp_path):
    path = _checkov_stack_entry(tmp_path / "cache")
    whole = path.read_bytes()
    for cut in range(len(whole)):
        path.write_bytes(whole[:cut])
        assert ResultCache(tmp_path / "cache", FRAMEWORKS).stack_result("prod", fast_digest(STATE)) is None


def test_checkov_entries_written_under_a_loose_umask_are_still_trusted(tmp_path):
    """The cache's own directories are made only this user's whatever the umask (a CI's 002), or the
    check above would refuse the gate's own cache on the next run."""
    old = os.umask(0o002)
    try:
        _checkov_stack_entry(tmp_path / "cache")
    finally:
        os.umask(old)
    assert ResultCache(tmp_path / "cache", FRAMEWORKS).stack_result("prod", fast_digest(STATE)) == FORGED
