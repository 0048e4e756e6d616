"""A signed bundle: every tamper kind is found, a manifest re-signed without the key is rejected, export
never destroys or escapes, unreadable input is exit 2."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from evidence import cli, signing
from evidence.errors import EvidenceError
from evidence.export import export
from evidence_fixtures import PROJECT


@pytest.fixture
def bundle(tmp_path: Path, export_kwargs) -> Path:
    out = tmp_path / "bundle"
    export(PROJECT, out, stacks=None, signing_key=tmp_path / "keys" / "k.pem", **export_kwargs)
    return out


def _verify(bundle: Path, capsys, *extra: str) -> tuple[int, list[str]]:
    code = cli.main(["verify", str(bundle), *extra])
    return code, capsys.readouterr().out.splitlines()


def _pub(bundle: Path) -> str:
    return str(bundle.parent / "keys" / "k.pem.pub")


def test_signed_and_verified_with_the_key_or_the_hash(bundle: Path, capsys) -> None:
    assert (bundle.parent / "keys" / "k.pem").stat().st_mode & 0o777 == 0o600
    assert not any("PRIVATE" in p.read_text(errors="replace") for p in bundle.rglob("*") if p.is_file())
    code, out = _verify(bundle, capsys, "--key", _pub(bundle))
    assert code == 0 and "signed by the given key" in out[-1]
    digest = hashlib.sha256((bundle / "manifest.json").read_bytes()).hexdigest()
    assert _verify(bundle, capsys, "--expect-sha256", digest)[0] == 0
    assert _verify(bundle, capsys, "--expect-sha256", "0" * 64)[0] == 1


def test_a_manifest_edited_to_match_a_changed_file_is_caught(bundle: Path, capsys) -> None:
    target = bundle / "controls.csv"
    target.write_text("forged\n")
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"]["controls.csv"] = hashlib.sha256(b"forged\n").hexdigest()
    (bundle / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    code, out = _verify(bundle, capsys, "--key", _pub(bundle))
    assert code == 1 and any("differs from the signed copy" in line for line in out)


def test_a_manifest_re_signed_with_another_key_is_rejected(bundle: Path, tmp_path: Path, capsys) -> None:
    (bundle / "controls.csv").write_text("forged\n")
    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"]["controls.csv"] = hashlib.sha256(b"forged\n").hexdigest()
    manifest["sizes"]["controls.csv"] = len(b"forged\n")   # a forger who keeps the manifest whole (round 33)
    body = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (bundle / "manifest.json").write_bytes(body)
    forger = signing.load_signer(tmp_path / "forger.pem")
    (bundle / signing.ENVELOPE).write_bytes(signing.sign(body, forger))
    code, out = _verify(bundle, capsys, "--key", _pub(bundle))
    assert code == 1 and out == [f"signature: {signing.ENVELOPE} is not signed by the given key"]


@pytest.mark.parametrize("kind", ["symlink-to-copy", "empty-dir", "fifo", "removed-envelope"])
def test_every_tamper_kind_is_a_finding(bundle: Path, tmp_path: Path, capsys, kind: str) -> None:
    if kind == "symlink-to-copy":
        copy = tmp_path / "outside.csv"
        shutil.copy(bundle / "controls.csv", copy)
        (bundle / "controls.csv").unlink()
        (bundle / "controls.csv").symlink_to(copy)
        expect = "symlink: controls.csv"
    elif kind == "empty-dir":
        (bundle / "stacks" / "extra").mkdir()
        expect = "added directory: stacks/extra"
    elif kind == "fifo":
        os.mkfifo(bundle / "pipe")
        expect = "special file: pipe"
    else:
        (bundle / signing.ENVELOPE).unlink()
        expect = f"unsigned: {signing.ENVELOPE} missing"
    code, out = _verify(bundle, capsys, "--key", _pub(bundle))
    assert code == 1 and expect in out


def test_an_unreadable_directory_is_exit_2_not_removed(bundle: Path, capsys, monkeypatch) -> None:
    from evidence import bundle as bundle_module

    real = os.scandir

    def scandir(path):   # chmod 000 does not stop root, so the refusal is simulated
        if Path(path).name == "stacks":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(bundle_module.os, "scandir", scandir)
    assert cli.main(["verify", str(bundle)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "stacks: cannot read (Permission denied)" in err


def test_manifest_that_is_a_directory_is_exit_2(tmp_path: Path, capsys) -> None:
    (tmp_path / "b" / "manifest.json").mkdir(parents=True)
    assert cli.main(["verify", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "manifest.json: not a regular file" in err


def test_export_never_escapes_or_destroys(tmp_path: Path, export_kwargs, capsys) -> None:
    with pytest.raises(EvidenceError, match="invalid stack name"):
        export(PROJECT, tmp_path / "out", stacks=["../../../x"], **export_kwargs)
    assert cli.main(["export", "--stack", "../../x", "--out", str(tmp_path / "o2")]) == 2
    assert not (tmp_path / "out").exists() and not (tmp_path / "o2").exists()
    with pytest.raises(EvidenceError, match="signing key must not live inside the bundle"):
        export(PROJECT, tmp_path / "b", stacks=None, signing_key=tmp_path / "b" / "k.pem", **export_kwargs)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"files": {}}')      # looks like a bundle, is not ours
    (foreign / "thesis.tex").write_text("years of work")
    with pytest.raises(EvidenceError, match="not a bundle written by"):
        export(PROJECT, foreign, stacks=None, **export_kwargs)
    assert (foreign / "thesis.tex").read_text() == "years of work"


def test_read_only_out_is_exit_2(tmp_path: Path, export_kwargs, capsys, monkeypatch) -> None:
    import tempfile

    def read_only(*args, **kwargs):   # a read-only filesystem (root ignores chmod)
        raise PermissionError(30, "Read-only file system", str(tmp_path / "ro"))

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    monkeypatch.setattr("evidence.export.functools.partial", lambda *a, **k: export_kwargs["collect"])
    monkeypatch.setattr("evidence.catalogue.load", lambda: export_kwargs["catalogue"])
    monkeypatch.setattr("evidence.catalogue.load_rules", lambda: export_kwargs["rule_meta"])
    code = cli.main(["export", "--stack", "portal-prod", "--out", str(tmp_path / "ro" / "bundle")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Read-only file system" in err
