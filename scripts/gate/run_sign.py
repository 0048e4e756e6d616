"""The gate signs what it wrote (round 9, docs/gate-red-team.md): `run.dsse.json` beside `run.json`.

`run.json` holds the SHA-256 of every file the run published (states, reports, update graphs, checkov
exports, SARIF, JUnit) and the seal; a checksum anyone can recompute. Its DSSE envelope (gate.dsse, the
machinery of the evidence bundle) is a signature only the holder of the key can make, so an auditor who
trusts the CI's public key can tell a gate dir the pipeline wrote from one edited after it.

The key: `$GATE_SIGNING_KEY_PEM` (the PEM itself, a CI secret), else the file `$GATE_SIGNING_KEY`, else
`~/.config/dosis-eloket/gate-signing-key.pem`; a file is made on first use (0600) with `<key>.pub` beside
it, as the evidence key is. `GATE_SIGNING_KEY=off` runs unsigned (the export then refuses the run unless
told `--allow-unsigned-gate`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gate.errors import GateError

ENVELOPE = "run.dsse.json"
PAYLOAD_TYPE = "application/vnd.dosis-eloket.gate-run+json"
KEY_ENV = "GATE_SIGNING_KEY"
PEM_ENV = "GATE_SIGNING_KEY_PEM"
OFF = "off"


def key_path() -> Path | None:
    """The signing key file of this run, None when signing is off or the key comes as PEM text."""
    if os.environ.get(PEM_ENV):
        return None
    given = os.environ.get(KEY_ENV, "")
    if given == OFF:
        return None
    return Path(given or Path.home() / ".config" / "dosis-eloket" / "gate-signing-key.pem").expanduser()


def signer() -> Any | None:
    """The signer of this run (None: unsigned). GateError (exit 2) naming the key when it is unusable."""
    from gate import dsse

    pem = os.environ.get(PEM_ENV)
    if pem:
        from cryptography.hazmat.primitives import serialization

        try:
            return dsse.signer_of(serialization.load_pem_private_key(pem.encode(), password=None))
        except (ValueError, TypeError) as exc:
            raise GateError(f"${PEM_ENV}: not a PEM private key ({type(exc).__name__})") from None
    path = key_path()
    if path is None:
        return None
    try:
        return dsse.load_signer(path)
    except (dsse.KeyFileError, OSError) as exc:
        raise GateError(f"{path}: cannot use it to sign the gate run ({exc}); ${KEY_ENV} names the key, "
                        f"{KEY_ENV}={OFF} runs unsigned") from None


def public_key_path() -> Path | None:
    """Where this machine's gate key keeps its public half (the export's default trust anchor)."""
    path = key_path()
    return None if path is None else path.with_name(path.name + ".pub")


def envelope(index: bytes, key: Any) -> bytes:
    """The DSSE envelope over the exact bytes of run.json."""
    from gate import dsse

    return dsse.sign(index, PAYLOAD_TYPE, key)
