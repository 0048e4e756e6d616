"""Engine round 32: round 31's leads and a blind look at `evidence verify` (docs/gate-red-team.md, round 32).

Round 31 left a state over 8 MiB that the chunked reader hands to the strict path for a reason other than
bad JSON — a key given twice, `NaN`, a lone surrogate, nesting too deep, a top level that is no object —
read whole to word the error; and the export reading a state over 8 MiB twice (once in chunks to refuse
it, once whole, leniently). `evidence verify` had no hostile-input round of its own: a manifest, a
signature or a key that is huge or a FIFO, a manifest naming paths out of the bundle. The contract
(docs/gate.md, docs/evidence.md): bad input is one line naming the file (and key), exit 2, in bounded
memory and time. Each hostile file is read in a child under a 2 GiB address-space limit and a time bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from gate.errors import GateError
from test_leftovers_r28 import AS_OF, STACK
from test_leftovers_r29 import HUGE, _one_line, _run, _sparse
from test_leftovers_r30 import UNDER_CAP, UNIT_BOUND

RESOURCE = {"urn": f"urn:pulumi:{STACK}::p::aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket",
            "custom": True, "inputs": {"bucket": "b", "tags": {"a": "x" * 200}}}
_LATE = {   # what follows ~9 MiB of valid resources; the name each line must give
    "key-twice-in-a-resource": ('{"urn": "u", "inputs": {"a": 1, "a": 2}}]}}', "'a' is given twice"),
    "key-twice-in-deployment": ('{"urn": "u"}], "resources": []}}', "'resources' is given twice"),
    "nan": ('{"urn": "u", "inputs": {"n": NaN}}]}}', "NaN"),
    "lone-surrogate": ('{"urn": "u", "inputs": {"s": "\\ud800"}}]}}', "surrogate"),
    "too-deep": ('{"urn": "u", "inputs": {"d": ' + "[" * 100_000 + "]" * 100_000 + "}}]}}",
                 "nesting too deep"),
}


def _state(path: Path, case: str, size: int | None = UNDER_CAP) -> Path:
    """~9 MiB of valid resources, then `case`'s text (the state's first error, past the prefix the strict
    path words errors from), then zero bytes up to `size` (sparse): read whole, it cannot fit."""
    body = ", ".join([json.dumps(RESOURCE)] * 32_000)
    if case == "top-level-list":
        doc = "[" + body + "]"
    else:
        doc = '{"version": 3, "deployment": {"manifest": {}, "resources": [' + body + ", " + _LATE[case][0]
    assert len(doc) > 8 * 1024 * 1024
    with path.open("wb") as f:
        f.write(doc.encode())
        if size is not None:
            f.truncate(size)
    return path


_NAMES = {**{case: name for case, (_, name) in _LATE.items()}, "top-level-list": "object"}
_EXPORT = ("import sys\nfrom pathlib import Path\nfrom evidence.errors import EvidenceError\n"
           "from evidence.inputs import read_state\ntry:\n    read_state(Path(sys.argv[1]))\n"
           "except EvidenceError as exc:\n    print(exc, file=sys.stderr)\n    sys.exit(2)\n")


# ----------------------------------------- 1. a large state the chunked reader leaves to the strict path
@pytest.mark.parametrize("case", sorted(_NAMES))
def test_a_large_state_left_to_the_strict_path_is_worded_in_bounded_memory(tmp_path, case) -> None:
    """`gate analyze --state`: the reader stopped at what it leaves to the strict path, which read all
    1 GiB (bytes, then text) to word it."""
    state = _state(tmp_path / f"{STACK}.state.json", case)
    argv = [sys.executable, "-m", "gate", "analyze", "--state", str(state), "--stack", STACK, "--no-checkov",
            "--format", "json", "--as-of", AS_OF]
    _one_line(_run(argv, tmp_path, UNIT_BOUND), str(state), _NAMES[case])


@pytest.mark.parametrize("case", sorted(_NAMES))
def test_a_large_state_left_to_the_strict_path_is_worded_by_the_export(tmp_path, case) -> None:
    state = _state(tmp_path / f"{STACK}.state.json", case)
    _one_line(_run([sys.executable, "-c", _EXPORT, str(state)], tmp_path, UNIT_BOUND), str(state),
              _NAMES[case])


@pytest.mark.parametrize("case", ["key-twice-in-a-resource", "nan", "lone-surrogate"])
def test_the_export_reads_a_state_as_strictly_as_the_gate(tmp_path, case) -> None:
    """The export read a state leniently (`json.loads`: the last of a key given twice, `NaN`, a lone
    surrogate taken); it now reads it once, with the gate's reader, and words what the gate words."""
    from evidence.errors import EvidenceError
    from evidence.inputs import read_state
    from gate.state_load import load_state

    state = tmp_path / "s.json"
    state.write_text('{"deployment": {"resources": [' + _LATE[case][0])
    with pytest.raises(GateError) as gate:
        load_state(state)
    with pytest.raises(EvidenceError) as export:
        read_state(state)
    assert str(export.value) == str(gate.value)


def test_a_large_state_that_only_looks_like_a_surrogate_loads(tmp_path) -> None:
    """Compliant: an escaped backslash before `ud800` (the text `\\ud800`, no surrogate) and a surrogate
    pair (an emoji) in a state over 8 MiB: the reader's fast scan suspects both; they load, in the gate and
    in the export."""
    from evidence.inputs import read_state
    from gate.state_load import load_state

    state = _state(tmp_path / "s.json", "lone-surrogate", None)
    text = state.read_text().replace('"\\ud800"', '"\\\\ud800 \\ud83d\\ude00"')
    state.write_text(text)
    for read in (load_state, read_state):
        resources = read(state)["deployment"]["resources"]
        assert len(resources) == 32_001 and resources[-1]["inputs"]["s"] == "\\ud800 \U0001f600"


# ----------------------------------------------------------------- 2. blind: `evidence verify`'s inputs
def _bundle(tmp_path: Path) -> tuple[Path, Path]:
    """A bundle of one file, its manifest signed; and the public key."""
    from evidence import signing

    root = tmp_path / "bundle"
    root.mkdir()
    (root / "a.txt").write_text("evidence\n")
    body = (json.dumps({"files": {"a.txt": hashlib.sha256(b"evidence\n").hexdigest()}}) + "\n").encode()
    (root / "manifest.json").write_bytes(body)
    (root / signing.ENVELOPE).write_bytes(signing.sign(body, signing.load_signer(tmp_path / "k.pem")))
    return root, tmp_path / "k.pem.pub"


def _verify(root: Path, key: Path, tmp_path: Path) -> tuple[int, list[str]]:
    argv = [sys.executable, "-m", "evidence", "verify", str(root), "--key", str(key)]
    return _run(argv, tmp_path, UNIT_BOUND)


def test_an_intact_bundle_verifies(tmp_path) -> None:
    """Compliant: the bundle the hostile cases start from is intact."""
    root, key = _bundle(tmp_path)
    assert _verify(root, key, tmp_path)[0] == 0


@pytest.mark.parametrize("what", ["manifest.json", "manifest.dsse.json"])
def test_a_huge_manifest_or_signature_is_one_line(tmp_path, what) -> None:
    """A 10 GiB (sparse) manifest or signature was read whole."""
    root, key = _bundle(tmp_path)
    (root / what).unlink()
    _sparse(root / what, HUGE)
    code, lines = _verify(root, key, tmp_path)
    assert code in (1, 2) and lines and what in lines[-1] and "Error" not in "".join(lines), (code, lines)


@pytest.mark.parametrize("kind", ["fifo", "huge"])
def test_a_key_that_is_a_fifo_or_huge_is_one_line(tmp_path, kind) -> None:
    """`--key` a FIFO no one writes (it waited), or a 10 GiB file."""
    root, _ = _bundle(tmp_path)
    key = tmp_path / "other.pub"
    if kind == "fifo":
        os.mkfifo(key)
    else:
        _sparse(key, HUGE)
    _one_line(_verify(root, key, tmp_path), str(key))


def test_a_manifest_naming_a_file_out_of_the_bundle_is_not_intact(tmp_path) -> None:
    """A manifest (signed) naming `../outside.txt` with the hash of that file beside the bundle: never
    taken as part of the bundle."""
    from evidence import signing

    root, key = _bundle(tmp_path)
    (tmp_path / "outside.txt").write_text("evidence\n")
    files = {"a.txt": hashlib.sha256(b"evidence\n").hexdigest(),
             "../outside.txt": hashlib.sha256(b"evidence\n").hexdigest()}
    body = (json.dumps({"files": files}) + "\n").encode()
    (root / "manifest.json").write_bytes(body)
    (root / signing.ENVELOPE).write_bytes(signing.sign(body, signing.load_signer(tmp_path / "k.pem")))
    code, _ = _verify(root, key, tmp_path)
    assert code != 0
