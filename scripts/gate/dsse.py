"""DSSE envelopes (in-toto's signing envelope, via securesystemslib) with Ed25519 keys in PEM files: the
one signing machinery of the gate's run index (gate.run_sign) and the evidence bundle (evidence.signing).

A key named by path is made on first use (mode 0600, its directory 0700) with its public half beside it as
`<key>.pub`; callers decide whether a missing key may be made. Errors are `KeyFileError` (one line naming
the file), which each caller turns into its own exit-2 error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class KeyFileError(ValueError):
    """A key file that is missing (and may not be made) or unreadable."""


def _ser() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization


def load_signer(key: Path, *, create: bool = True) -> Any:
    """A CryptoSigner for the Ed25519 private key at `key` (PEM, PKCS8), generated there on first use."""
    from securesystemslib.signer import CryptoSigner

    ser = _ser()
    key = Path(key).expanduser()
    if not key.exists():
        if not create:
            raise KeyFileError(f"{key}: signing key not found")
        _make(key)
        return load_signer(key, create=False)
    try:
        private = ser.load_pem_private_key(key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{key}: not a readable PEM private key ({exc})") from None
    return CryptoSigner(private)


def _make(key: Path) -> None:
    """Make a new key at `key`: the private key is linked into place (two runs making it at once agree on
    one key: the loser keeps the winner's), then its public half beside it."""
    import tempfile

    from securesystemslib.signer import CryptoSigner

    signer = CryptoSigner.generate_ed25519()
    key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=key.parent, prefix=f".{key.name}.")   # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(signer.private_bytes)
        public = signer._private_key.public_key().public_bytes(
            _ser().Encoding.PEM, _ser().PublicFormat.SubjectPublicKeyInfo)
        pub = key.with_name(key.name + ".pub")
        pub_tmp = Path(tmp + ".pub")
        pub_tmp.write_bytes(public)
        try:
            os.link(tmp, key)
        except FileExistsError:
            return
        os.replace(pub_tmp, pub)
    finally:
        Path(tmp).unlink(missing_ok=True)
        Path(tmp + ".pub").unlink(missing_ok=True)


def load_public_key(path: Path) -> Any:
    """An SSlibKey from a PEM public key file (`<key>.pub`)."""
    from securesystemslib.signer import SSlibKey

    try:
        public = _ser().load_pem_public_key(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a readable PEM public key ({exc})") from None
    return SSlibKey.from_crypto(public)


def sign(payload: bytes, payload_type: str, signer: Any) -> bytes:
    """The DSSE envelope (JSON) carrying `payload`, signed by `signer`."""
    from securesystemslib.dsse import Envelope

    envelope = Envelope(payload=payload, payload_type=payload_type, signatures={})
    envelope.sign(signer)
    return (json.dumps(envelope.to_dict(), indent=2, sort_keys=True) + "\n").encode()


def read(envelope_bytes: bytes) -> Any:
    """The Envelope in `envelope_bytes`; ValueError when it is not one."""
    from securesystemslib.dsse import Envelope

    try:
        return Envelope.from_dict(json.loads(envelope_bytes))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a DSSE envelope: {exc}") from None


def signed_by(envelope: Any, public_key: Any) -> bool:
    """Whether `envelope` carries a valid signature of `public_key` over its payload."""
    from securesystemslib.exceptions import VerificationError

    try:
        envelope.verify([public_key], 1)
    except VerificationError:
        return False
    return True
