"""The bundle's signature: a DSSE envelope (in-toto's envelope, via securesystemslib) over manifest.json.

Offline path: a local Ed25519 key, generated on first use at default_key() (never inside a bundle); its
public half beside it as `<key>.pub`, which auditors receive out of band and pass to `evidence verify
--key`. Real path (docs/evidence.md): the same envelope signed by a cloud KMS key (AWS KMS ECC_NIST_P256 /
Azure Key Vault EC key) through securesystemslib's `AWSSigner` / `AzureSigner`, verified with the key's
exported public key.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from gate import dsse

from evidence.errors import EvidenceError

ENVELOPE = "manifest.dsse.json"
PAYLOAD_TYPE = "application/vnd.dosis-eloket.evidence-manifest+json"


def default_key() -> Path:
    """$EVIDENCE_SIGNING_KEY, else the key in the user's configuration; read per export (round 16: read at
    import, a later export of the process with another key set signed with the first)."""
    return Path(os.environ.get("EVIDENCE_SIGNING_KEY")
                or Path.home() / ".config" / "dosis-eloket" / "evidence-signing-key.pem")


def load_signer(key: Path, *, create: bool = True) -> Any:
    """The signer of the private key at `key` (PEM, PKCS8; Ed25519 made there on first use)."""
    try:
        return dsse.load_signer(key, create=create)
    except dsse.KeyFileError as exc:
        raise EvidenceError(str(exc)) from None


def load_public_key(path: Path) -> Any:
    """An SSlibKey from a PEM public key file (`<key>.pub`)."""
    try:
        return dsse.load_public_key(path)
    except dsse.KeyFileError as exc:
        raise EvidenceError(str(exc)) from None


def sign(manifest: bytes, signer: Any) -> bytes:
    """The DSSE envelope (JSON) carrying `manifest` as its payload, signed by `signer`."""
    return dsse.sign(manifest, PAYLOAD_TYPE, signer)


def check(envelope_bytes: bytes | None, manifest: bytes, public_key: Any | None) -> list[str]:
    """Findings about the signature: missing, not over this manifest, not by `public_key`."""
    if envelope_bytes is None:
        return [f"unsigned: {ENVELOPE} missing"]
    try:
        envelope = dsse.read(envelope_bytes)
    except ValueError as exc:
        return [f"changed: {ENVELOPE} ({exc})"]
    problems = []
    if envelope.payload != manifest or envelope.payload_type != PAYLOAD_TYPE:
        problems.append(f"changed: manifest.json (differs from the signed copy in {ENVELOPE})")
    if public_key is not None and not dsse.signed_by(envelope, public_key):
        problems.append(f"signature: {ENVELOPE} is not signed by the given key")
    return problems


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

