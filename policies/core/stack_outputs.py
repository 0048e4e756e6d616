"""Credentials exported as stack outputs (rounds 32 to 34). The engine records no dependencies for outputs,
so what a secret output holds cannot be traced, and whoever may read the stack's state reads every output
(`pulumi stack output --show-secrets`). A secret output blocks whatever it holds; a plain output blocks when
its value has the shape of a credential (a SAS signature, a key or password in a connection string or a URL,
base64 key material, a private key, a token of a documented shape) or its name says it is one, since
invokes such as `listStorageAccountSAS` or `listDatabaseAccountKeys` return keys that are not secret unless
the program marks them."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from pulumi_policy.secret import Secret as _Secret

from policies.core.documents import unproxied
from policies.core.references import REDACTED
from policies.core.view import SECRET_SIG_KEY, StackGraph

STACK_TYPE = "pulumi:pulumi:Stack"
_SAS = re.compile(r"(^|[?&])sig=[^&\s]+", re.I)
_CONN = re.compile(
    r"(^|;)\s*(accountkey|sharedaccesskey|sharedaccesssignature|accesskey|secret|clientsecret|password|pwd)"
    r"\s*=\s*[^;\s]+",
    re.I,
)
_B64 = re.compile(r"^[A-Za-z0-9+/]{40,}={0,2}$")
_PRIVATE = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
_PUBLIC = re.compile(r"^-----BEGIN (CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL)-----")
_URL_USERINFO = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#@\s:]*:[^/?#@\s]+@", re.I)
_URL_QUERY = re.compile(
    r"[?&](password|passwd|pwd|api[-_]?key|access[-_]?token|auth[-_]?token|client[-_]?secret|secret|token)"
    r"=[^&\s]+",
    re.I,
)
# Tokens whose issuers document a fixed prefix (GitHub, GitLab, Slack, Stripe, Google, npm) and JWTs.
_PREFIXED = re.compile(
    r"^(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}|"
    r"[sr]k_live_\w{16,}|AIza[\w-]{35}|npm_[A-Za-z0-9]{36}|eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+)$"
)
_DIGEST_NAME = re.compile(r"(hash|digest|sha(1|256|384|512)?|md5|checksum|fingerprint|thumbprint)$", re.I)
_DIGEST_BYTES = (16, 20, 32, 48, 64)
# Round 35: a digest name whose stem names a credential (`exportKeySha256`, `passwordHash`) declares nothing:
# a public key's or host key's fingerprint is the exception.
_CREDENTIAL_STEM = re.compile(r"(key|secret|password|passwd|pwd|passphrase|token|credential)s?[-_]?$", re.I)
_PUBLIC_STEM = re.compile(r"(public|host)[-_]?key[-_]?$", re.I)
# Hex of an AES-128/192/256 or a 64-byte key; 20 bytes (40 hex: commit ids, SHA-1 thumbprints) is not read.
_HEX = re.compile(r"^(?:[0-9a-fA-F]{2}){16,}$")
_HEX_KEY_BYTES = (16, 24, 32, 64)
_NAME = re.compile(
    r"(password|passwd|secret(?!(uri|url|id|name|arn|version)$)|token$|sastoken|sas$|"
    r"(primary|secondary|master|account|access|shared|api|storage|auth|private)key$)",
    re.I,
)
_REFERENCE = re.compile(r"^(arn:|/subscriptions/|https?://)", re.I)
_FIX = (
    "keep the credential in a Key Vault or Secrets Manager secret of this stack whose readers the gate "
    "weighs and export its name or ARN, or give the reader an Entra or IAM identity instead"
)


def secret_paths(value: Any, path: str = "") -> list[str]:
    """Where a value holds a secret (the gate's redaction, a secret wrapper or the engine's secret marker)."""
    value = unproxied(value)
    if value == REDACTED or isinstance(value, _Secret):
        return [path]
    if isinstance(value, dict) and SECRET_SIG_KEY in value:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in secret_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in secret_paths(v, f"{path}[{i}]")]
    return []


def _key_material(value: str) -> bool:
    """Base64 mixing upper and lower case and digits: 44+ characters with padding or '+' (a storage, Cosmos
    DB or Service Bus key) or exactly 40 (an AWS secret access key); a path of words has no padding, no '+'
    and rarely 40 characters without a separator."""
    classes = (str.isupper, str.islower, str.isdigit)
    return (
        bool(_B64.match(value))
        and (len(value) == 40 or (len(value) >= 44 and (value.endswith("=") or "+" in value)))
        and all(any(f(c) for c in value) for f in classes)
    )


def _decoded(value: str) -> bytes:
    """The bytes a base64 string stands for, or b"" when it is not base64."""
    if len(value) < 40 or not _B64.match(value.strip()):
        return b""
    try:
        return base64.b64decode(value.strip() + "=" * (-len(value.strip()) % 4), validate=True)
    except (binascii.Error, ValueError):
        return b""


def digest_name(leaf: str) -> bool:
    """A name that says its value is a digest: ending in hash, sha256, …, whose stem names no credential."""
    m = _DIGEST_NAME.search(leaf)
    if m is None:
        return False
    stem = leaf[: m.start()]
    return not _CREDENTIAL_STEM.search(stem) or bool(_PUBLIC_STEM.search(stem))


def _public_or_digest(leaf: str, raw: bytes) -> bool:
    """Base64 of a PEM certificate or public key, or a digest's length under a name that says it is one."""
    text = raw.decode("ascii", "ignore")
    return bool(_PUBLIC.match(text)) or (len(raw) in _DIGEST_BYTES and digest_name(leaf))


def _hex_key(leaf: str, value: str) -> bool:
    """Hex of a key's length, mixing digits and letters, unless a digest name declares a digest's length."""
    v = value.strip()
    n = len(v) // 2
    if not _HEX.match(v) or n not in _HEX_KEY_BYTES or v.isdigit() or not any(c.isdigit() for c in v):
        return False
    return not (n in _DIGEST_BYTES and digest_name(leaf))


def _looks_like(name: str, value: str) -> str | None:
    """Why a plain string output is a credential, or None."""
    leaf = name.split(".")[-1].split("[")[0]
    if why := credential_shape(leaf, value):
        return why
    if _NAME.search(leaf) and value.strip() and not _REFERENCE.match(value):
        return "its name says it is a password, key or token"
    return None


def credential_shape(leaf: str, value: str) -> str | None:
    """Why a string under the name `leaf` has the shape of a credential, or None (its name alone not read)."""
    raw = _decoded(value)
    if _PRIVATE.search(value) or _PRIVATE.search(raw.decode("ascii", "ignore")):
        return "a private key"
    if _SAS.search(value):
        return "a SAS signature"
    if _CONN.search(value):
        return "a key or password in a connection string"
    if _URL_USERINFO.match(value) or _URL_QUERY.search(value):
        return "a password or token in a URL"
    if _PREFIXED.match(value.strip()):
        return "a token of a documented shape"
    if _key_material(value) and not _public_or_digest(leaf, raw):
        return f"base64 key material; {_DIGEST_FIX}, a certificate or public key as its PEM"
    if _hex_key(leaf, value):
        return f"hex key material; {_DIGEST_FIX}"
    return None


_DIGEST_FIX = (
    "a digest is read as one under a name ending in hash, digest, sha256, checksum, thumbprint or "
    "fingerprint whose stem names no key, secret, password or token"
)


def credential_paths(value: Any, path: str = "") -> list[tuple[str, str]]:
    """(path, why) of plain strings in a value that look like credentials."""
    value = unproxied(value)
    if isinstance(value, dict) and SECRET_SIG_KEY not in value:
        return [x for k, v in value.items() for x in credential_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [x for i, v in enumerate(value) for x in credential_paths(v, f"{path}[{i}]")]
    if isinstance(value, str) and value != REDACTED and (why := _looks_like(path, value)):
        return [(path, why)]
    return []


def exported_credentials(graph: StackGraph, databases: str | None) -> list[tuple[str, str]]:
    """Secret outputs (with the round-32 message when the program gives `databases` a password of its own)
    and plain outputs shaped like credentials."""
    out = []
    for s in graph.by_type(STACK_TYPE):
        if paths := secret_paths(s.raw):
            names = ", ".join(f"`{p}`" for p in paths)
            out.append((s.urn, _beside(names, databases) if databases else _secret(names)))
        if plain := credential_paths(s.raw):
            names = ", ".join(f"`{p}` ({why})" for p, why in plain)
            out.append(
                (
                    s.urn,
                    f"the stack exports output(s) {names} in clear: whoever reads the stack's state reads "
                    "them, and an invoke's result (listKeys, listStorageAccountSAS, listDatabaseAccountKeys) "
                    f"is not secret unless the program marks it; do not export credentials: {_FIX}",
                )
            )
    return out


def _secret(names: str) -> str:
    return (
        f"the stack exports secret output(s) {names}: outputs carry no dependencies, so what they hold (a "
        "password, key or token) cannot be judged, and whoever reads the stack's state (`pulumi stack output "
        f"--show-secrets`) holds it with no second factor; do not export secrets: {_FIX}"
    )


def _beside(names: str, databases: str) -> str:
    return (
        f"the stack exports secret output(s) {names} while the program gives {databases} a password of its "
        "own: outputs carry no dependencies, so whether one is that password cannot be judged, and whoever "
        "reads the stack's state (`pulumi stack output --show-secrets`) would sign in as the shared "
        "administrator; do not export secrets, keep the password in a Key Vault or Secrets Manager secret of "
        "this stack whose readers the gate weighs"
    )
