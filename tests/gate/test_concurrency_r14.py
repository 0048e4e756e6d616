"""Round 14: the recorder's state reached from several threads at once (the SDK registers and invokes from an
executor's threads; the process recorder serves them from a gRPC thread pool). Each test forces one
interleaving with events (a thread held inside the critical step, the other let run) and asserts what the
gate keeps; none asserts a time. docs/gate-red-team.md, round 14."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import types
from pathlib import Path
from unittest import mock

import grpc
import pytest
from gate import transforms
from gate.deploy_options import changed_by_options
from gate.mocks import GateMocks
from gate.relay import _State
from processes import untimed
from pulumi.runtime.mocks import MockCallArgs
from pulumi.runtime.proto import resource_pb2

REPO = Path(__file__).resolve().parents[2]
ROOM = 0.3   # how long the other thread may run before the held one is released: room, never asserted


def test_a_registration_waits_for_the_sdk_another_thread_is_still_loading(tmp_path, monkeypatch):
    """The recorder process loads a provider SDK when its first registration arrives; a second one, on
    another thread while the first still loads it, saw `pulumi_x._utilities` half loaded in sys.modules (no
    `get_version` yet), so the version check was skipped and another plugin version passed unrefused."""
    package = tmp_path / "pulumi_rfourteen"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "_utilities.py").write_text(
        "import r14_hold\nr14_hold.inside.set()\nr14_hold.release.wait(60)\n"
        "def get_version():\n    return '1.0.0'\n")
    hold = types.SimpleNamespace(inside=threading.Event(), release=threading.Event())
    monkeypatch.setitem(sys.modules, "r14_hold", hold)
    monkeypatch.syspath_prepend(str(tmp_path))
    order: list[str] = []
    register = lambda r: order.append(changed_by_options(r, {}, "rfourteen"))  # noqa: E731
    monitor = types.SimpleNamespace(RegisterResource=register)
    state = _State(types.SimpleNamespace(mocks=GateMocks(lambda ref, pkg: None)), monitor)
    request = resource_pb2.RegisterResourceRequest(type="rfourteen:index:Thing", name="t", custom=True,
                                                   version="9.9.9")
    try:
        first = threading.Thread(target=state.call, args=("RegisterResource", request))
        first.start()
        assert hold.inside.wait(60), "the SDK was never loaded"
        second = threading.Thread(target=state.call, args=("RegisterResource", request))
        second.start()
        second.join(ROOM)
        order.append("released")
        hold.release.set()
        first.join()
        second.join()
    finally:
        for name in ("pulumi_rfourteen._utilities", "pulumi_rfourteen"):
            sys.modules.pop(name, None)
    refusal = ("t (rfourteen:index:Thing) asks for provider plugin 9.9.9, a provider plugin version other "
               "than the installed SDK's (1.0.0), which is what the gate records with: pin the SDK to the "
               "version you deploy with instead")
    assert order == ["released", refusal, refusal]


def test_an_answered_invoke_is_not_taken_for_one_another_thread_could_not_answer():
    """The recorder told the worker which invokes had no answer by looking at the shared list's last entry
    after its own call: an answered invoke whose call overlapped an unanswered one took its token and
    arguments (and the unanswered one's call site went to the wrong call)."""
    mocks = GateMocks(lambda ref, pkg: "eu-west-1")
    held, other_done = threading.Event(), threading.Event()
    region, zone = "aws:index/getRegion:getRegion", "aws:route53/getZone:getZone"

    def invoke(request):
        if request.tok == region:
            held.set()
            other_done.wait(60)
        return mocks.call(MockCallArgs(token=request.tok, args={"name": "example.com"}, provider=""))

    state = _State(types.SimpleNamespace(mocks=mocks), types.SimpleNamespace(Invoke=invoke))
    request = resource_pb2.ResourceInvokeRequest(tok=region)
    answered = threading.Thread(target=state.call, args=("Invoke", request))
    answered.start()
    assert held.wait(60), "the invoke never started"
    state.call("Invoke", resource_pb2.ResourceInvokeRequest(tok=zone))
    other_done.set()
    answered.join()
    assert state.invokes == [[zone, [zone, {"name": "example.com"}]], [region, None]]


def test_one_channel_per_callback_server_whichever_threads_ask(monkeypatch):
    """Two gRPC threads calling transforms back at once each opened a channel to the program's callback
    server; one was never closed."""
    opened: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def channel(target):
        opened.append(target)
        if len(opened) == 1:
            inside.set()
            release.wait(60)
        return mock.MagicMock()

    monkeypatch.setattr(grpc, "insecure_channel", channel)
    monkeypatch.setattr(transforms, "_STUBS", {})
    stubs: list[object] = []
    ask = lambda: stubs.append(transforms._remote("127.0.0.1:1"))  # noqa: E731
    first = threading.Thread(target=ask)
    first.start()
    assert inside.wait(60), "no channel was opened"
    second = threading.Thread(target=ask)
    second.start()
    second.join(ROOM)
    release.set()
    first.join()
    second.join()
    assert opened == ["127.0.0.1:1"] and stubs[0] is stubs[1]


@pytest.mark.slow
def test_the_process_recorder_records_a_program_the_same_twice(tmp_path):
    """The same program, recorded twice out of process (preview and update), gets the same records and
    reports (scripts/dev/repeat_gate.py does this K times for the project's stacks, under load)."""
    program = REPO / "tests" / "gate" / "programs" / "multi"
    env = {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'scripts'}",
           "PYTHONDONTWRITEBYTECODE": "1"}
    outs = [tmp_path / "a", tmp_path / "b"]
    runs = [subprocess.run([sys.executable, "-m", "gate", "preview", "--program", str(program), "--all",
                            "--recorder", "process", "--no-checkov", "--no-cache", "--format", "json",
                            "--as-of", "2026-11-30", "--out", str(out)],
                           cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
            for out in outs]
    assert runs[0].returncode == runs[1].returncode, runs[0].stderr[-2000:]
    assert runs[0].stdout == runs[1].stdout
    states = [sorted(out.glob("*.state.json")) for out in outs]
    assert [p.name for p in states[0]] == [p.name for p in states[1]] and states[0]
    for a, b in zip(*states, strict=True):
        assert untimed(json.loads(a.read_text())) == untimed(json.loads(b.read_text())), a.name
    for a in sorted(outs[0].glob("*.report.json")):
        assert a.read_bytes() == (outs[1] / a.name).read_bytes(), a.name
