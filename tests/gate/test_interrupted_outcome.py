"""Once SIGINT/SIGTERM reached the gate, its run ends as interrupted, whatever the unwinding raised first.

Found by CI (session 38): `test_a_signal_kills_children_…[15-None]` got exit 2 with "the recording zygote
ended while a worker ran" — the signal handler kills every child, and the recording whose zygote it killed
failed before the interrupt reached the run. Exit 2 either way; the line must say what happened."""

from __future__ import annotations

import signal

import pytest
from gate import cli
from gate.errors import GateError


@pytest.mark.parametrize("raised", [GateError("the recording zygote ended while a worker ran"),
                                    OSError(32, "Broken pipe"), RuntimeError("a pack server's pipe closed")])
def test_an_error_after_the_signal_reads_as_interrupted(monkeypatch, capsys, tmp_path, raised) -> None:
    def analyze(_args):
        cli._SIGNALLED.append(signal.SIGTERM)   # the handler ran; the recording it ended failed first
        raise raised

    monkeypatch.setattr(cli, "cmd_analyze", analyze)
    state = tmp_path / "s.json"
    state.write_text("{}")
    code = cli.main(["analyze", "--state", str(state), "--no-checkov", "--out", str(tmp_path / "out")])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines() == ["gate: interrupted (nothing written)"]


def test_the_same_error_without_a_signal_is_reported_as_itself(monkeypatch, capsys, tmp_path) -> None:
    def analyze(_args):
        raise GateError("the recording zygote ended while a worker ran")

    monkeypatch.setattr(cli, "cmd_analyze", analyze)
    state = tmp_path / "s.json"
    state.write_text("{}")
    code = cli.main(["analyze", "--state", str(state), "--no-checkov", "--out", str(tmp_path / "out")])
    assert code == 2
    assert "gate: error: the recording zygote ended while a worker ran" in capsys.readouterr().err
