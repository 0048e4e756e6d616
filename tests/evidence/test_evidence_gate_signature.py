"""Round 9 (docs/gate-red-team.md): the gate signs run.json, the export checks whose word a gate dir is.

Each refusal of `evidence.gate_run` with its exact one-line message; the gate's side (gate.publish with
gate.run_sign) writing, omitting and replacing the envelope. Real gate runs of this project are in
test_evidence_red_team_r9.py.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from evidence import gate_run
from evidence.errors import EvidenceError
from gate import dsse, run_sign
from gate.errors import GateError
from gate.publish import RunDir

AGAIN = "run `gate preview --out DIR` of this checkout again, then export"


def _key(tmp_path: Path, name: str = "ci") -> Path:
    key = tmp_path / "keys" / f"{name}.pem"
    dsse.load_signer(key)
    return key


def _publish(out: Path) -> Path:
    """A run that publishes one stack (a state and a SARIF file) into `out`, as gate preview does."""
    with RunDir(out) as run:
        (run.path / "app.state.json").write_text("{}")
        (run.path / "gate.sarif").write_text('{"runs": []}')
        run.publish(["app"], {"command": "preview", "exit": 0})
    return out


@pytest.fixture
def ci_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key = _key(tmp_path)
    monkeypatch.setenv(run_sign.KEY_ENV, str(key))
    monkeypatch.delenv(run_sign.PEM_ENV, raising=False)
    return key


def _check(out: Path, key: Path | None, allow: bool = False) -> str:
    return gate_run.check_signed(out, (out / "run.json").read_bytes(), key, allow)


def test_the_gate_signs_run_json_with_the_digests_of_every_file(tmp_path: Path, ci_key: Path) -> None:
    out = _publish(tmp_path / "gate")
    index = json.loads((out / "run.json").read_text())
    assert index["files"] == {"gate.sarif": hashlib.sha256(b'{"runs": []}').hexdigest()}
    pub = Path(f"{ci_key}.pub")
    said = _check(out, pub)
    assert said == f"gate run signed by key {dsse.load_public_key(pub).keyid[:16]} (ci.pem.pub)"
    gate_run.check_run_files(out, index["files"])


def test_the_default_trust_anchor_is_this_machines_gate_key(tmp_path: Path, ci_key: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's main job: gate and export on one machine, neither given a key."""
    monkeypatch.delenv(gate_run.VERIFY_ENV, raising=False)
    out = _publish(tmp_path / "gate")
    assert _check(out, None).startswith("gate run signed by key ")


def test_a_key_given_as_pem_text_signs_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = _key(tmp_path)
    monkeypatch.setenv(run_sign.PEM_ENV, key.read_text())
    out = _publish(tmp_path / "gate")
    assert _check(out, Path(f"{key}.pub")).startswith("gate run signed by key ")


def test_an_unusable_gate_key_is_exit_2_before_anything_is_published(tmp_path: Path, ci_key: Path) -> None:
    ci_key.write_text("not a key")
    with pytest.raises(GateError, match=rf"^{ci_key}: cannot use it to sign the gate run \("):
        _publish(tmp_path / "gate")
    assert not (tmp_path / "gate" / "run.json").exists()


def test_an_unsigned_run_is_refused_unless_allowed_and_then_says_so(tmp_path: Path, ci_key: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    out = _publish(tmp_path / "gate")                     # signed: the next, unsigned run removes it
    monkeypatch.setenv(run_sign.KEY_ENV, run_sign.OFF)
    _publish(out)
    assert not (out / run_sign.ENVELOPE).exists()
    with pytest.raises(EvidenceError) as err:
        _check(out, Path(f"{ci_key}.pub"))
    assert str(err.value) == (f"{out / 'run.json'}: unsigned gate run (no run.dsse.json): sign it with the "
                              "CI's key ($GATE_SIGNING_KEY or $GATE_SIGNING_KEY_PEM), or export with "
                              "--allow-unsigned-gate (recorded in the bundle)")
    assert _check(out, Path(f"{ci_key}.pub"), allow=True) == ("UNSIGNED gate run (exported with "
                                                              "--allow-unsigned-gate)")


def test_run_json_changed_after_signing_is_refused(tmp_path: Path, ci_key: Path) -> None:
    out = _publish(tmp_path / "gate")
    index = json.loads((out / "run.json").read_text())
    index["exit"] = 0
    (out / "run.json").write_text(json.dumps(index))
    with pytest.raises(EvidenceError) as err:
        _check(out, Path(f"{ci_key}.pub"))
    assert str(err.value) == (f"{out / 'run.json'}: changed since the gate signed it (differs from the "
                              f"signed copy in run.dsse.json): {AGAIN}")


def test_a_run_re_signed_by_another_key_is_refused(tmp_path: Path, ci_key: Path) -> None:
    out = _publish(tmp_path / "gate")
    forger = dsse.load_signer(_key(tmp_path, "forger"))
    (out / run_sign.ENVELOPE).write_bytes(run_sign.envelope((out / "run.json").read_bytes(), forger))
    with pytest.raises(EvidenceError) as err:
        _check(out, Path(f"{ci_key}.pub"))
    assert str(err.value) == (f"{out / run_sign.ENVELOPE}: not signed by the gate key {ci_key}.pub (another "
                              f"key signed this run, or run.json was re-signed after an edit): {AGAIN}")


def test_no_trusted_gate_key_is_refused(tmp_path: Path, ci_key: Path) -> None:
    out = _publish(tmp_path / "gate")
    missing = tmp_path / "nowhere.pub"
    with pytest.raises(EvidenceError) as err:
        _check(out, missing)
    assert str(err.value) == (f"{missing}: no public key to check {out / run_sign.ENVELOPE} against: give "
                              "--gate-key <the CI's gate key>.pub (or $GATE_VERIFY_KEY)")


def test_a_signature_that_is_no_envelope_or_a_link_is_refused(tmp_path: Path, ci_key: Path) -> None:
    out = _publish(tmp_path / "gate")
    envelope = out / run_sign.ENVELOPE
    envelope.write_text("[]")
    with pytest.raises(EvidenceError, match=rf"^{envelope}: unreadable signature of the gate run "
                                            r"\(not a DSSE envelope: "):
        _check(out, Path(f"{ci_key}.pub"))
    envelope.unlink()
    envelope.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(EvidenceError) as err:
        _check(out, Path(f"{ci_key}.pub"))
    assert str(err.value) == f"{envelope}: not a regular file the gate wrote"


def test_a_sarif_changed_after_the_run_is_refused(tmp_path: Path, ci_key: Path) -> None:
    out = _publish(tmp_path / "gate")
    (out / "gate.sarif").write_text('{"runs": [], "edited": true}')
    with pytest.raises(EvidenceError) as err:
        gate_run.check_run_files(out, json.loads((out / "run.json").read_text())["files"])
    assert str(err.value) == f"{out / 'gate.sarif'}: changed since the gate run that wrote it (run.json)"


def test_the_verify_key_variable_is_the_trust_anchor(tmp_path: Path, ci_key: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    other = _key(tmp_path, "other")
    monkeypatch.setenv(gate_run.VERIFY_ENV, f"{other}.pub")
    out = _publish(tmp_path / "gate")
    with pytest.raises(EvidenceError, match="not signed by the gate key"):
        _check(out, None)
    assert os.environ[run_sign.KEY_ENV] == str(ci_key)


def test_a_recorded_program_never_sees_the_signing_key(make_program, run_gate, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A program that could read the key could sign a forged gate dir: the recording workers (and the
    zygote they are forked from) start without GATE_SIGNING_KEY / GATE_SIGNING_KEY_PEM."""
    key = _key(tmp_path)
    program = make_program("import os\nimport pulumi\n\n"
                           "pulumi.export('seen', [k for k in ('GATE_SIGNING_KEY', 'GATE_SIGNING_KEY_PEM') "
                           "if os.environ.get(k)])\n")
    for variable, value in ((run_sign.KEY_ENV, str(key)), (run_sign.PEM_ENV, key.read_text())):
        monkeypatch.setenv(variable, value)
        proc = run_gate("preview", "--program", program, "--stack", "dev", "--no-checkov",
                        "--out", tmp_path / variable, "--format", "json")
        assert proc.returncode in (0, 1), proc.stderr
        state = json.loads((tmp_path / variable / "dev.state.json").read_text())
        stack = next(r for r in state["deployment"]["resources"] if r["type"] == "pulumi:pulumi:Stack")
        assert stack["outputs"]["seen"] == [], stack["outputs"]
        assert (tmp_path / variable / run_sign.ENVELOPE).is_file()
