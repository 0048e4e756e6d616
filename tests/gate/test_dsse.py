"""gate.dsse: an Ed25519 key signs without securesystemslib's signer package, and its envelope is the one
securesystemslib makes (so the export's securesystemslib verification accepts it)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from gate import dsse
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner, SSlibKey

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = b'{"run": "r1", "stacks": {}}\n'
KIND = "application/vnd.dosis-eloket.gate-run+json"


def _library_envelope(private: object) -> bytes:
    envelope = Envelope(payload=PAYLOAD, payload_type=KIND, signatures={})
    envelope.sign(CryptoSigner(private))
    return (json.dumps(envelope.to_dict(), indent=2, sort_keys=True) + "\n").encode()


def test_made_key_signs_the_envelope_securesystemslib_makes(tmp_path: Path) -> None:
    key = tmp_path / "k" / "gate.pem"
    signer = dsse.load_signer(key)
    assert isinstance(signer, dsse.Ed25519Key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert dsse.sign(PAYLOAD, KIND, signer) == _library_envelope(signer.private)
    public = dsse.load_public_key(key.with_name("gate.pem.pub"))
    assert public.keyid == signer.keyid
    assert dsse.signed_by(dsse.read(dsse.sign(PAYLOAD, KIND, signer)), public)


def test_a_changed_payload_does_not_verify(tmp_path: Path) -> None:
    signer = dsse.load_signer(tmp_path / "gate.pem")
    envelope = json.loads(dsse.sign(PAYLOAD, KIND, signer))
    envelope["payload"] = envelope["payload"][:-4] + "AAAA"
    public = dsse.load_public_key(tmp_path / "gate.pem.pub")
    assert not dsse.signed_by(dsse.read(json.dumps(envelope).encode()), public)


def test_other_key_types_sign_through_securesystemslib() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    signer = dsse.signer_of(private)
    assert isinstance(signer, CryptoSigner)
    public = SSlibKey.from_crypto(private.public_key())
    assert dsse.signed_by(dsse.read(dsse.sign(PAYLOAD, KIND, signer)), public)


def test_a_gate_key_signs_without_importing_the_cloud_signers(tmp_path: Path) -> None:
    key = tmp_path / "gate.pem"
    dsse.load_signer(key)
    pem = key.read_text()
    assert serialization.load_pem_private_key(pem.encode(), password=None)
    code = ("import sys; from gate import run_sign; k = run_sign.signer(); run_sign.envelope(b'{}', k); "
            "print(sorted(m for m in sys.modules if m.startswith(('securesystemslib', 'boto3'))))")
    for env in ({"GATE_SIGNING_KEY": str(key)}, {"GATE_SIGNING_KEY_PEM": pem}):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": f"{ROOT / 'scripts'}:{ROOT}",
                                  "GATE_SIGNING_KEY": "", "GATE_SIGNING_KEY_PEM": "", **env})
        assert out.stdout.strip() == "[]"
