"""DSSE envelopes (in-toto's signing envelope) with Ed25519 keys in PEM files: the one signing machinery of
the gate's run index (gate.run_sign) and the evidence bundle (evidence.signing).

An Ed25519 key signs here with `cryptography` alone (`Ed25519Key`): importing `securesystemslib.signer`
costs 0.6 s (it imports boto3 and the other clouds' SDKs for its KMS signers), which every gate run paid,
half of a nothing-changed preview. The envelope is byte for byte what securesystemslib makes with the same
key (Ed25519 is deterministic; tests/gate/test_dsse.py), and reading and verifying stay securesystemslib's.
Any other signer (a CryptoSigner of another key type, a KMS signer) signs through securesystemslib.

A key named by path is made on first use (mode 0600, its directory 0700) with its public half beside it as
`<key>.pub`; callers decide whether a missing key may be made. Errors are `KeyFileError` (one line naming
the file), which each caller turns into its own exit-2 error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any


class KeyFileError(ValueError):
    """A key file that is missing (and may not be made) or unreadable."""


MAX_KEY_BYTES = 64 * 1024


def read_key_file(path: Path) -> bytes:
    """The bytes of a key file (a symlink is followed: a mounted secret is one). Round 20: a key named by
    an environment variable may be a FIFO, which a plain read waits on for ever (opened without blocking
    here, then refused), or a file another user can replace: then whoever wrote it last signs, or is
    trusted. KeyFileError unless a regular file owned by this user (or root) and writable by no one else."""
    import stat

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KeyFileError(f"{path}: not a regular file")
        if st.st_uid not in (os.geteuid(), 0) or st.st_mode & 0o022:
            raise KeyFileError(f"{path}: owned by another user or writable by others (uid {st.st_uid}, "
                               f"mode {stat.S_IMODE(st.st_mode):04o}): chmod go-w it, or use a key only you "
                               "can write")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_KEY_BYTES + 1)
        if st.st_size > MAX_KEY_BYTES or len(data) > MAX_KEY_BYTES:   # round 32: 10 GiB read whole
            raise KeyFileError(f"{path}: larger than {MAX_KEY_BYTES // 1024} KiB (a PEM key is a few hundred "
                               "bytes): not a key file")
        return data
    finally:
        os.close(fd)


def _ser() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization


class Ed25519Key:
    """An Ed25519 private key with securesystemslib's key id (sha256 of the canonical JSON of its public
    half), so that its signatures verify with an SSlibKey of the same key."""

    def __init__(self, private: Any) -> None:
        raw = private.public_key().public_bytes(_ser().Encoding.Raw, _ser().PublicFormat.Raw)
        public = {"keytype": "ed25519", "keyval": {"public": raw.hex()}, "scheme": "ed25519"}
        self.private = private
        canonical = json.dumps(public, sort_keys=True, separators=(",", ":")).encode()
        self.keyid = hashlib.sha256(canonical).hexdigest()


def signer_of(private: Any) -> Any:
    """The signer of a `cryptography` private key: an Ed25519Key, or securesystemslib's CryptoSigner."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if isinstance(private, Ed25519PrivateKey):
        return Ed25519Key(private)
    from securesystemslib.signer import CryptoSigner

    return CryptoSigner(private)


def load_signer(key: Path, *, create: bool = True) -> Any:
    """The signer of the private key at `key` (PEM, PKCS8; Ed25519 made there on first use)."""
    ser = _ser()
    key = Path(key).expanduser()
    if not key.exists():
        if not create:
            raise KeyFileError(f"{key}: signing key not found")
        _make(key)
        return load_signer(key, create=False)
    try:
        private = ser.load_pem_private_key(read_key_file(key), password=None)
    except KeyFileError:
        raise
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{key}: not a readable PEM private key ({exc})") from None
    return signer_of(private)


def _make(key: Path) -> None:
    """Make a new key at `key`: the private key is linked into place (two runs making it at once agree on
    one key: the loser keeps the winner's), then its public half beside it."""
    import tempfile

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    ser = _ser()
    private = Ed25519PrivateKey.generate()
    key.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=key.parent, prefix=f".{key.name}.")   # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(private.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
        public = private.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
        pub = key.with_name(key.name + ".pub")
        pub_tmp = Path(tmp + ".pub")
        pub_tmp.write_bytes(public)
        pub_tmp.chmod(0o644)   # whatever the umask: read_key_file refuses a key others can write
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
        public = _ser().load_pem_public_key(read_key_file(Path(path)))
    except KeyFileError:
        raise
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a readable PEM public key ({exc})") from None
    return SSlibKey.from_crypto(public)


def sign(payload: bytes, payload_type: str, signer: Any) -> bytes:
    """The DSSE envelope (JSON) carrying `payload`, signed by `signer`."""
    if isinstance(signer, Ed25519Key):
        kind = payload_type.encode()
        pae = b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)   # DSSE's pre-auth encoding
        b64 = base64.standard_b64encode
        body = {"payload": b64(payload).decode(), "payloadType": payload_type,
                "signatures": [{"keyid": signer.keyid, "sig": b64(signer.private.sign(pae)).decode()}]}
    else:
        from securesystemslib.dsse import Envelope

        envelope = Envelope(payload=payload, payload_type=payload_type, signatures={})
        envelope.sign(signer)
        body = envelope.to_dict()
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


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
