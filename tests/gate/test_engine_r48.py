"""Round 48 (docs/gate-red-team.md): what ends the gate's process is told by a parent no pack runs in,
the process_ends hook holds what it decides by, C functions judged by their names' words, and the gate's
modules and classes sealed before a pack loads. Each check failed on the round's branch point."""

from __future__ import annotations

import ctypes
import mmap
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gate import process_ends

SCRIPTS = str(Path(__file__).resolve().parents[2] / "scripts")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SCRIPTS, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                          check=False)


def test_the_sentinel_takes_only_the_status_the_gate_said():
    from gate.sentinel import verdict

    assert verdict(b"1\n", 1 << 8) == 1 and verdict(b"0\n", 0) == 0
    assert verdict(b"", 0) == 2                 # ended 0 without saying it: a pack's _exit
    assert verdict(b"1\n", 0) == 2              # said 1, ended 0 (after the gate said its word)
    assert verdict(b"0\n", 1 << 8) == 2
    assert verdict(b"", 3 << 8) == 3            # a failure stays one
    assert verdict(b"", 9) == 2                 # killed by a signal


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX: the sentinel forks")
def test_a_gate_process_ended_without_saying_its_status_exits_2():
    ended = _python("from gate import sentinel\nsentinel.stand()\nimport os\nos._exit(0)\n")
    assert ended.returncode == 2, ended.stderr
    assert "without having said so" in ended.stderr
    said = _python("from gate import sentinel\nsentinel.stand()\nsentinel.tell(1)\nraise SystemExit(1)\n")
    assert said.returncode == 1, said.stderr
    quiet = _python("from gate import sentinel\nsentinel.stand()\nsentinel.tell(0)\n")
    assert quiet.returncode == 0 and quiet.stderr == ""
    # a fork of the gate's process (a recording, an evaluation worker) cannot tell: its descriptor is gone
    forked = _python("from gate import sentinel\nsentinel.stand()\nimport os\npid = os.fork()\n"
                     "if pid == 0:\n    sentinel.tell(0)\n    os._exit(0)\nos.waitpid(pid, 0)\nos._exit(0)\n")
    assert forked.returncode == 2, forked.stderr


def test_ending_functions_are_told_by_their_names():
    for name in ("_exit", "Py_ExitStatusException", "Py_RunMain", "Py_BytesMain", b"execvpe", "abort",
                 "_Py_FatalErrorFunc", "PyOS_InterruptOccurred", "siglongjmp", "pidfd_send_signal_kill"):
        assert process_ends.ends(name), name
    for name in ("getpid", "qsort", "malloc_trim", "prctl", "PyInterpreterState_Next", "PyThreadState_Next",
                 "PyInterpreterState_Main", "dladdr", "strlen"):
        assert not process_ends.ends(name), name


def test_the_installed_hook_holds_its_owner(monkeypatch):
    monkeypatch.setattr(process_ends, "_TRIED", [])
    hook = process_ends._holding(os.getpid(), lambda address: None)
    monkeypatch.setattr(process_ends, "_OWNER", [])              # a pack emptied the module's list
    monkeypatch.setattr(process_ends, "_ENDS", frozenset())      # and its names
    with pytest.raises(PermissionError):
        hook("ctypes.dlsym", (object(), "_exit"))
    with pytest.raises(PermissionError):
        hook("import", ("cffi.api", None, [], [], []))
    hook("import", ("json", None, [], [], []))
    hook("ctypes.dlsym", (object(), "getpid"))
    process_ends._holding(os.getpid() + 1, None)("ctypes.dlsym", (object(), "_exit"))   # a forked process
    assert len(process_ends._TRIED) == 2   # the two refusals, in the list the hook was made with


def test_a_call_is_judged_by_where_it_lands():
    from gate.native_calls import landing

    where = landing(process_ends.ends)
    libc = ctypes.CDLL(None)
    getpid = ctypes.cast(libc.getpid, ctypes.c_void_p).value
    hard_exit = ctypes.cast(libc._exit, ctypes.c_void_p).value
    assert where(getpid) is None
    assert where(ctypes._memmove_addr) is None and where(ctypes._cast_addr) is None
    assert "_exit" in where(hard_exit)
    assert "no symbol starts" in where(getpid + 1)
    page = mmap.mmap(-1, mmap.PAGESIZE)
    buffer = ctypes.c_char.from_buffer(page)
    assert "no symbol starts" in where(ctypes.addressof(buffer))
    del buffer
    page.close()


SEAL = """
import os, sys
from gate import gate_seal, process_ends
import gate.commands, gate.model
process_ends._OWNER[:] = [os.getpid()]
gate_seal.seal()
print(gate_seal.changed())
{edit}
print(gate_seal.changed())
"""


@pytest.mark.parametrize(("edit", "named"), [
    ("gate.model.StackReport.blocked = property(lambda self: False)",
     "gate.model.StackReport.blocked rebound"),
    ("gate.commands.any = lambda values: False", "gate.commands.any added"),
    ("sys.exit = lambda code=None: None", "sys.exit rebound"),
    ("import builtins\nbuiltins.any = lambda values: False", "builtins.any rebound"),
    ("del gate.commands.render", "gate.commands.render removed"),
])
def test_what_a_pack_changes_of_the_gate_is_named(edit, named):
    out = _python(SEAL.format(edit=edit))
    before, after = out.stdout.splitlines()
    assert before == "[]", out.stderr
    assert named in after, out.stdout + out.stderr


def test_a_gate_functions_code_may_not_be_set_once_sealed():
    out = _python(SEAL.format(edit="try:\n    gate.model.StackReport.to_json.__defaults__ = (1,)\n"
                                   "except PermissionError:\n    print('refused')\n"
                                   "import gate.watch_seal"))
    lines = out.stdout.splitlines()
    assert lines[0] == "[]" and lines[1] == "refused", out.stdout + out.stderr
    assert "tried to set StackReport.to_json.__defaults__" in lines[2]
    assert "gate.watch_seal" not in lines[2]   # a gate module imported later is the gate's own doing
