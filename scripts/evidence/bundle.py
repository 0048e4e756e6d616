"""Write a bundle atomically with a signed SHA-256 manifest, and verify one later.

The bundle is built in a temporary directory next to the target and renamed into place, so a failed
export never leaves a half-written bundle. The target must be empty, absent, or a bundle this tool made
(only the files its manifest lists); the old bundle is then removed file by file from its own manifest,
never wholesale. The manifest lists every other file with its hash and is signed (gate.signing: a DSSE
envelope beside it), and its size (round 33: `verify` compares sizes first and hashes only a listed file
of its listed size, so a huge file put in a bundle is named without being read). `verify` names every
changed, added or removed file, every symlink, extra directory and special file, and checks the signature
against the given key or the manifest against a known hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence import signing
from evidence.errors import EvidenceError
from evidence.redact import Redactor

MANIFEST = "manifest.json"
GENERATOR = "evidence export"
OWN = (MANIFEST, signing.ENVELOPE)
MAX_OWN_BYTES = 64 * 1024 * 1024   # the manifest and its signature hold a digest a file: a few KiB
# What `verify` hashes for a manifest no anchor vouches for (round 35): its sizes are whoever wrote it;
# this project's bundles are a few MiB, a gate state at most 1 GiB (gate.inputs.MAX_STATE_BYTES).
UNANCHORED_BYTES = 1024 ** 3


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def listing(root: Path) -> dict[str, dict[str, Any]]:
    """The manifest's `files` (relative POSIX path -> SHA-256) and `sizes` (-> bytes) of every regular file
    under ``root`` except the bundle's own."""
    rels = [rel for rel, kind in sorted(_walk(root).items()) if kind == "file" and rel not in OWN]
    return {"files": {rel: sha256(root / rel) for rel in rels},
            "sizes": {rel: (root / rel).stat().st_size for rel in rels}}


def _walk(root: Path) -> dict[str, str]:
    """Every entry under `root` (not following symlinks): rel -> "file" | "dir" | "symlink" | "special".
    An unreadable directory is bad input (EvidenceError), not a removed file."""
    found: dict[str, str] = {}
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError as exc:
            raise EvidenceError(f"{directory}: cannot read ({exc.strerror or exc})") from None
        for entry in entries:
            rel = Path(entry.path).relative_to(root).as_posix()
            mode = entry.stat(follow_symlinks=False).st_mode
            if stat.S_ISLNK(mode):
                found[rel] = "symlink"
            elif stat.S_ISDIR(mode):
                found[rel] = "dir"
                pending.append(Path(entry.path))
            elif stat.S_ISREG(mode):
                found[rel] = "file"
            else:
                found[rel] = "special"
    return found


def _own_bundle(out: Path) -> dict[str, Any] | None:
    """The manifest of a bundle this tool wrote at `out`, holding nothing but its listed files; else None."""
    try:
        body, _ = _read_manifest(out)   # round 33: a 10 GiB manifest there was read whole
        manifest = json.loads(body) if body is not None else None
    except (EvidenceError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        return None
    files = manifest.get("files")
    if not isinstance(files, dict):
        return None
    listed = set(files) | set(OWN)
    parents = {p.as_posix() for rel in files for p in Path(rel).parents if p.as_posix() != "."}
    for rel, kind in _walk(out).items():
        if not (kind == "file" and rel in listed) and not (kind == "dir" and rel in parents):
            return None
    return manifest


def _remove_own(old: Path, manifest: dict[str, Any]) -> None:
    """Delete an old bundle file by file from its manifest, then its (now empty) directories."""
    for rel in [*manifest["files"], *OWN]:
        with contextlib.suppress(FileNotFoundError):
            (old / rel).unlink()
    dirs = sorted({p for rel in manifest["files"] for p in (old / rel).parents if old in p.parents},
                  key=lambda p: len(p.parts), reverse=True)
    for d in [*dirs, old]:
        with contextlib.suppress(OSError):
            d.rmdir()


def _check_target(out: Path) -> dict[str, Any] | None:
    if not out.exists():
        return None
    if not out.is_dir() or out.is_symlink():
        raise EvidenceError(f"{out}: exists and is not a directory (refusing to replace it)")
    if not any(out.iterdir()):
        return None
    manifest = _own_bundle(out)
    if manifest is None:
        raise EvidenceError(f"{out}: not empty and not a bundle written by `evidence export` "
                            "(refusing to touch it; choose an empty or new --out)")
    return manifest


def write(out: Path, files: dict[str, bytes], meta: dict[str, Any], redactor: Redactor,
          signer: Any = None) -> dict[str, Any]:
    """Publish ``files`` (relative path -> bytes) and the signed manifest at ``out``; returns the manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        return _write(out, files, meta, redactor, signer)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """`--out` held against another export writing there (round 28: one moved the other's old bundle
    aside, the other's rename then failed and left it there), by a lock beside it (`out` itself is
    replaced); bounded like the gate's (GATE_LOCK_TIMEOUT)."""
    from gate.publish import held, lock_wait

    wait = lock_wait()
    try:
        with held(out.parent / f".{out.name}.lock", wait):
            yield
    except TimeoutError:
        raise EvidenceError(f"{out}: another `evidence export` is writing there (waited {wait:g} s; "
                            "GATE_LOCK_TIMEOUT raises the wait)") from None


def _write(out: Path, files: dict[str, bytes], meta: dict[str, Any], redactor: Redactor,
           signer: Any) -> dict[str, Any]:
    old_manifest = _check_target(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for rel, data in files.items():
            if redactor.leaks(data):
                raise EvidenceError(f"{rel}: would contain a secret value; export aborted")
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        manifest = {**meta, "generator": GENERATOR, **listing(tmp)}
        body = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
        (tmp / MANIFEST).write_bytes(body)
        if signer is not None:
            (tmp / signing.ENVELOPE).write_bytes(signing.sign(body, signer))
        os.chmod(tmp, 0o755)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            _remove_own(old, old_manifest or {"files": {}})
        return manifest
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _read_manifest(root: Path) -> tuple[bytes | None, list[str]]:
    path = root / MANIFEST
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None, [f"removed: {MANIFEST}"]
    if not stat.S_ISREG(mode):
        raise EvidenceError(f"{path}: not a regular file")
    return _read_own(path), []


def _read_own(path: Path) -> bytes:
    """The manifest or its signature, a regular file of at most MAX_OWN_BYTES (round 32: a 10 GiB one was
    read whole, `MemoryError`); EvidenceError naming it otherwise."""
    limit = MAX_OWN_BYTES
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size > limit or len(data := f.read(limit + 1)) > limit:
                raise EvidenceError(f"{path}: larger than {limit // (1024 * 1024)} MiB (a bundle's manifest "
                                    "and its signature are a few KiB): not a bundle this tool made")
            return data
    except OSError as exc:
        raise EvidenceError(f"{path}: cannot read ({exc.strerror or exc})") from None


def verify(root: Path, public_key: Any = None, expect_sha256: str | None = None) -> list[str]:
    """Problems found in the bundle at ``root`` (empty list: intact). Unreadable input: EvidenceError."""
    root = Path(root)
    if not root.is_dir():
        raise EvidenceError(f"{root}: not a directory")
    body, problems = _read_manifest(root)
    if body is None:
        return problems
    try:
        manifest = json.loads(body)
        recorded = manifest["files"]
        if not isinstance(recorded, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return [f"changed: {MANIFEST} (unreadable or without 'files')"]
    if expect_sha256 is not None and hashlib.sha256(body).hexdigest() != expect_sha256.lower():
        problems.append(f"changed: {MANIFEST} (sha256 is not the expected {expect_sha256})")
    envelope = root / signing.ENVELOPE
    envelope_bytes = _read_own(envelope) if envelope.is_file() and not envelope.is_symlink() else None
    signature = signing.check(envelope_bytes, body, public_key)
    anchored = (public_key is not None or expect_sha256 is not None) and not problems and not signature
    problems += signature
    sizes = manifest.get("sizes")
    wrong = _wrong_sizes(sizes, recorded)
    if wrong:
        return [*problems, f"changed: {MANIFEST} ({wrong})"]
    entries = _walk(root)
    parents = {p.as_posix() for rel in recorded for p in Path(rel).parents if p.as_posix() != "."}
    problems += [f"symlink: {rel}" for rel, kind in sorted(entries.items()) if kind == "symlink"]
    problems += [f"special file: {rel}" for rel, kind in sorted(entries.items()) if kind == "special"]
    problems += [f"added directory: {rel}" for rel, kind in sorted(entries.items())
                 if kind == "dir" and rel not in parents]
    present = sorted(rel for rel, kind in entries.items() if kind == "file" and rel not in OWN)
    if not anchored:
        _refuse_unbounded(root, [rel for rel in present if rel in recorded], sizes, problems)
    problems += [_changed(root, rel, recorded[rel], None if sizes is None else sizes[rel])
                 for rel in present if rel in recorded]
    problems += [f"removed: {rel}" for rel in sorted(recorded) if rel not in entries]
    problems += [f"added: {rel}" for rel in present if rel not in recorded]
    return [p for p in problems if p]


def _refuse_unbounded(root: Path, listed: list[str], sizes: dict[str, int] | None, why: list[str]) -> None:
    """EvidenceError when the listed files `verify` would hash (those of their listed size) pass
    UNANCHORED_BYTES: without a key or a known hash, or with one that failed (`why`), a forged manifest
    listed 10 GiB and 10 GiB were hashed (round 35). A larger bundle is verified against its anchor."""
    total = 0
    for rel in listed:
        try:
            size = (root / rel).lstat().st_size
        except OSError as exc:
            raise EvidenceError(f"{root / rel}: cannot read ({exc.strerror or exc})") from None
        total += size if sizes is None or sizes[rel] == size else 0
    if total > UNANCHORED_BYTES:
        anchor = f"the anchor failed: {why[0]}" if why else "no --key or --expect-sha256 given"
        raise EvidenceError(f"{root}: its manifest lists {total} bytes to hash, past the "
                            f"{UNANCHORED_BYTES // 1024 ** 3} GiB verified without an anchor ({anchor}): "
                            "give --key with the exporter's public key, or --expect-sha256")


def unsized(root: Path) -> bool:
    """The bundle's manifest records no sizes (exported before round 33: its files were hashed whole)."""
    body, _ = _read_manifest(Path(root))
    try:
        return body is not None and "sizes" not in json.loads(body)
    except (ValueError, TypeError):
        return False


def _wrong_sizes(sizes: Any, recorded: dict[str, Any]) -> str:
    """Why a manifest's `sizes` is not what `listing` writes (every listed file, a byte count), or ''. No
    `sizes` at all is a bundle written before round 33: verified by hash alone (unsized, as `evidence
    verify` then says)."""
    if sizes is None:
        return ""
    if not isinstance(sizes, dict):
        return "sizes: not a map of file to size"
    if set(sizes) != set(recorded):
        odd = sorted(set(sizes) ^ set(recorded))[0]
        return f"sizes: {odd!r} is not sized as listed (sizes and files name other files)"
    for rel, size in sorted(sizes.items()):
        if type(size) is not int or size < 0:
            return f"sizes: {rel!r}: {size!r} is not a byte count"
    return ""


def _changed(root: Path, rel: str, digest: Any, size: int | None) -> str:
    """'changed: REL' when the file is not the one listed, else ''; a file of another size than listed is
    changed without being read."""
    try:
        actual = (root / rel).lstat().st_size
        if size is not None and actual != size:
            return f"changed: {rel} ({actual} bytes, listed as {size})"
        return "" if sha256(root / rel) == digest else f"changed: {rel}"
    except OSError as exc:
        raise EvidenceError(f"{root / rel}: cannot read ({exc.strerror or exc})") from None
