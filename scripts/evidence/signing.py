"""The bundle's signature: a DSSE envelope (in-toto's envelope, via securesystemslib) over manifest.json.

Offline path: a local Ed25519 key, generated on first use at DEFAULT_KEY (never inside a bundle); its
public half beside it as `<key>.pub`, which auditors receive out of band and pass to `evidence verify
--key`. Real path (docs/evidence.md): the same envelope signed by a cloud KMS key (AWS KMS ECC_NIST_P256 /
Azure Key Vault EC key) through securesystemslib's `AWSSigner` / `AzureSigner`, verified with the key's
exported public key.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from evidence.errors import EvidenceError

ENVELOPE = "manifest.dsse.json"
PAYLOAD_TYPE = "application/vnd.dosis-eloket.evidence-manifest+json"
DEFAULT_KEY = Path(os.environ.get("EVIDENCE_SIGNING_KEY")
                   or Path.home() / ".config" / "dosis-eloket" / "evidence-signing-key.pem")


def _crypto() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization


def load_signer(key: Path, *, create: bool = True) -> Any:
    """A CryptoSigner for the Ed25519 private key at `key` (PEM, PKCS8), generated there on first use."""
    from securesystemslib.signer import CryptoSigner

    ser = _crypto()
    key = Path(key).expanduser()
    if not key.exists():
        if not create:
            raise EvidenceError(f"{key}: signing key not found")
        signer = CryptoSigner.generate_ed25519()
        key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(signer.private_bytes)
        public = signer._private_key.public_key().public_bytes(
            ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
        key.with_name(key.name + ".pub").write_bytes(public)
        return signer
    try:
        private = ser.load_pem_private_key(key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise EvidenceError(f"{key}: not a readable PEM private key ({exc})") from None
    return CryptoSigner(private)


def load_public_key(path: Path) -> Any:
    """An SSlibKey from a PEM public key file (`<key>.pub`)."""
    from securesystemslib.signer import SSlibKey

    try:
        public = _crypto().load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise EvidenceError(f"{path}: not a readable PEM public key ({exc})") from None
    return SSlibKey.from_crypto(public)


def sign(manifest: bytes, signer: Any) -> bytes:
    """The DSSE envelope (JSON) carrying `manifest` as its payload, signed by `signer`."""
    from securesystemslib.dsse import Envelope

    envelope = Envelope(payload=manifest, payload_type=PAYLOAD_TYPE, signatures={})
    envelope.sign(signer)
    return (json.dumps(envelope.to_dict(), indent=2, sort_keys=True) + "\n").encode()


def check(envelope_bytes: bytes | None, manifest: bytes, public_key: Any | None) -> list[str]:
    """Findings about the signature: missing, not over this manifest, not by `public_key`."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import VerificationError

    if envelope_bytes is None:
        return [f"unsigned: {ENVELOPE} missing"]
    try:
        envelope = Envelope.from_dict(json.loads(envelope_bytes))
    except (ValueError, KeyError, TypeError) as exc:
        return [f"changed: {ENVELOPE} (not a DSSE envelope: {exc})"]
    problems = []
    if envelope.payload != manifest or envelope.payload_type != PAYLOAD_TYPE:
        problems.append(f"changed: manifest.json (differs from the signed copy in {ENVELOPE})")
    if public_key is not None:
        try:
            envelope.verify([public_key], 1)
        except VerificationError:
            problems.append(f"signature: {ENVELOPE} is not signed by the given key")
    return problems


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

