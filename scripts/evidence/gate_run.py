"""Whose word a reused gate run is (round 9, docs/gate-red-team.md): the signature over its run.json.

Round 7 left "a state and a report forged together pass: the seal is a checksum". The gate now signs
run.json (gate.run_sign: `run.dsse.json`, a DSSE envelope over its exact bytes; run.json holds the digest
of every state, report, update graph, checkov export and SARIF). The export checks that envelope against
the gate's public key it trusts — `--gate-key PUB`, else `$GATE_VERIFY_KEY`, else the public half of this
machine's gate key (the README's main job: both commands on one machine) — and refuses anything else.
An unsigned run is refused unless `--allow-unsigned-gate` is given; the bundle then says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from gate import dsse, run_sign

from evidence.errors import EvidenceError

VERIFY_ENV = "GATE_VERIFY_KEY"
_AGAIN = "run `gate preview --out DIR` of this checkout again, then export"


def trusted_key(given: Path | None) -> Path | None:
    """The public key a gate run must be signed by (None: none known)."""
    if given is not None:
        return Path(given).expanduser()
    if os.environ.get(VERIFY_ENV):
        return Path(os.environ[VERIFY_ENV]).expanduser()
    return run_sign.public_key_path()


def check_signed(gate_dir: Path, index_bytes: bytes, gate_key: Path | None, allow_unsigned: bool) -> str:
    """What the bundle records of the run's signature; EvidenceError (one line naming the file) unless
    run.json is signed by the trusted gate key, or unsigned and the export was told to allow that."""
    envelope_path = gate_dir / run_sign.ENVELOPE
    if envelope_path.is_symlink() or (envelope_path.exists() and not envelope_path.is_file()):
        raise EvidenceError(f"{envelope_path}: not a regular file the gate wrote")
    if not envelope_path.exists():
        if allow_unsigned:
            return "UNSIGNED gate run (exported with --allow-unsigned-gate)"
        raise EvidenceError(f"{gate_dir / 'run.json'}: unsigned gate run (no {run_sign.ENVELOPE}): sign it "
                            f"with the CI's key (${run_sign.KEY_ENV} or ${run_sign.PEM_ENV}), or export with "
                            "--allow-unsigned-gate (recorded in the bundle)")
    from evidence.gate_report import MAX_INDEX_BYTES, read_regular

    try:   # round 28: bounded (base64 of run.json, a third more)
        envelope = dsse.read(read_regular(envelope_path, 2 * MAX_INDEX_BYTES))
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"{envelope_path}: unreadable signature of the gate run ({exc})") from None
    if envelope.payload != index_bytes or envelope.payload_type != run_sign.PAYLOAD_TYPE:
        raise EvidenceError(f"{gate_dir / 'run.json'}: changed since the gate signed it (differs from the "
                            f"signed copy in {run_sign.ENVELOPE}): {_AGAIN}")
    key_path = trusted_key(gate_key)
    if key_path is None or not key_path.is_file():
        raise EvidenceError(f"{key_path or '--gate-key'}: no public key to check {envelope_path} against: "
                            "give --gate-key <the CI's gate key>.pub (or $GATE_VERIFY_KEY)")
    try:
        public = dsse.load_public_key(key_path)
    except dsse.KeyFileError as exc:
        raise EvidenceError(str(exc)) from None
    if not dsse.signed_by(envelope, public):
        raise EvidenceError(f"{envelope_path}: not signed by the gate key {key_path} (another key signed "
                            f"this run, or run.json was re-signed after an edit): {_AGAIN}")
    return f"gate run signed by key {public.keyid[:16]} ({key_path.name})"


def check_run_files(gate_dir: Path, files: object) -> None:
    """The run-wide files run.json names (gate.sarif, gate.junit.xml) are as the run wrote them."""
    if not isinstance(files, dict):
        return
    for rel, digest in files.items():
        path = gate_dir / str(rel)
        if "/" in str(rel) or path.is_symlink():
            raise EvidenceError(f"{path}: not a file the gate run wrote in {gate_dir}")
        check_digest(path, digest)


def check_digest(path: Path, digest: object) -> None:
    """EvidenceError naming `path` unless its SHA-256 is the one the gate run's index recorded."""
    from gate.errors import GateError
    from gate.inputs import file_sha256

    try:   # round 28: never waits on a FIFO; round 29: in chunks, at most MAX_STATE_BYTES
        actual = file_sha256(path, "a file the gate run lists")
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except GateError as exc:
        raise EvidenceError(str(exc)) from None
    if actual != digest:
        raise EvidenceError(f"{path}: changed since the gate run that wrote it (run.json)")
