"""Engine round 18: round 17's leads (docs/gate-red-team.md, round 18), each a test written first.

Stack config values of another type than the project declares, and fuzzed shard seals and drill reports:
exit 2, one line naming the file (and key), nothing written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gate.errors import GateError
from gate.shard_seal import check_shards, write_seals
from test_bad_input import assert_bad_input, preview

pytestmark = pytest.mark.slow

DECLARED = """\
name: scratch
runtime: python
config:
  name: {type: string}
  size: {type: integer}
  public: {type: boolean}
  zones: {type: array}
"""


@pytest.mark.parametrize(("value", "key"), [
    ("name: 3", "scratch:name"),              # a number for text
    ("name: true", "scratch:name"),           # a boolean for text
    ("scratch:name: 3.5", "scratch:name"),
    ("size: '3'", "scratch:size"),            # text for a number (the reverse)
    ("size: true", "scratch:size"),           # a boolean is no integer
    ("public: 'yes'", "scratch:public"),      # text for a boolean
    ("public: 1", "scratch:public"),
    ("zones: a", "scratch:zones"),
])
def test_a_config_value_of_another_type_than_declared(run_gate, make_program, tmp_path, value, key):
    program = make_program(pulumi_yaml=DECLARED, stacks={"dev": f"config:\n  {value}\n"})
    out = tmp_path / "out"
    assert_bad_input(preview(run_gate, program, "dev", out), "Pulumi.dev.yaml", key, "declares type")
    assert not out.exists() or not any(out.iterdir())


def test_a_mistyped_value_is_not_printed(run_gate, make_program, tmp_path):
    program = make_program(pulumi_yaml=DECLARED, stacks={"dev": "config:\n  name: 40714221\n"})  # a PIN?
    proc = preview(run_gate, program, "dev", tmp_path / "out")
    assert_bad_input(proc, "scratch:name", "declares type string, got a value of type int")
    assert "40714221" not in proc.stdout + proc.stderr


def test_a_default_of_another_type_than_declared(run_gate, make_program, tmp_path):
    yaml = "name: scratch\nruntime: python\nconfig:\n  size: {type: integer, default: 'big'}\n"
    out = tmp_path / "out"
    assert_bad_input(preview(run_gate, make_program(pulumi_yaml=yaml), "dev", out),
                     "Pulumi.yaml", "scratch:size", "declares type integer")
    assert not out.exists() or not any(out.iterdir())


def test_an_unknown_declared_type(run_gate, make_program, tmp_path):
    yaml = "name: scratch\nruntime: python\nconfig:\n  size: {type: number}\n"
    assert_bad_input(preview(run_gate, make_program(pulumi_yaml=yaml), "dev", tmp_path / "out"),
                     "Pulumi.yaml", "scratch:size", "'number'")


def test_values_of_the_declared_types_pass(run_gate, make_program, tmp_path):
    stack = ("config:\n  name: logs\n  size: 3\n  public: false\n  zones: [a, b]\n"
             "  scratch:other: 7\n  secretname: {secure: AAAB}\n")
    yaml = DECLARED + "  secretname: {type: string}\n"
    proc = preview(run_gate, make_program(pulumi_yaml=yaml, stacks={"dev": stack}), "dev", tmp_path / "out")
    assert proc.returncode in (0, 1) and proc.stderr == "", proc.stderr   # judged (the packs' verdict)


# ------------------------------------------------------------------ shard seals: truncated, flipped, swapped


def _shards(tmp_path: Path, run: str = "r1", blocked: bool = True) -> dict[str, Path]:
    """Two shards' outputs of one run (stacks a and b), as `gate preview --shard K/2` leaves them."""
    found = {}
    for k, stack in ((1, "a"), (2, "b")):
        d = tmp_path / run / f"s{k}"
        d.mkdir(parents=True)
        (d / f"{stack}.report.json").write_text(json.dumps({"stack": stack, "blocked": blocked}))
        (d / f"{stack}.state.json").write_text("{}")
        write_seals(d, [stack], shard=f"{k}/2", level=None, plan=["a", "b"], program="c" * 64, judge="d" * 64)
        found[stack] = d / f"{stack}.report.json"
    return found


def _outcome(found: dict[str, Path]) -> str:
    """'passed', 'refused' (GateError naming the seal or report) or the crash's type (a traceback)."""
    try:
        check_shards(found)
    except GateError as exc:
        assert ("\n" not in str(exc) and ".shard.json" in str(exc)) or ".report.json" in str(exc), exc
        return "refused"
    except Exception as exc:
        return type(exc).__name__
    return "passed"


def _checked(seal: dict) -> tuple:
    """What `gate merge` relies on in a seal (the shard label and level are only named in messages)."""
    return seal.get("stack"), seal.get("plan"), seal.get("program"), seal.get("judge"), seal.get("files")


def test_a_truncated_or_bit_flipped_seal_is_refused(tmp_path):
    found = _shards(tmp_path)
    seal = found["b"].with_name("b.shard.json")
    good = seal.read_bytes()
    original = _checked(json.loads(good))
    wrong = []
    for cut in range(len(good) - 1):   # the last byte is the newline after the JSON
        seal.write_bytes(good[:cut])
        if _outcome(found) != "refused":
            wrong.append(f"cut at {cut}")
    for at in range(len(good)):
        for bit in (0, 2, 5):
            flipped = bytearray(good)
            flipped[at] ^= 1 << bit
            seal.write_bytes(bytes(flipped))
            outcome = _outcome(found)
            same = outcome == "passed" and _checked(json.loads(bytes(flipped))) == original
            if outcome != "refused" and not same:
                wrong.append(f"byte {at} bit {bit}: {outcome} ({bytes(flipped)[max(0, at - 8):at + 8]!r})")
    assert not wrong, f"{len(wrong)} mutated seals not refused: {wrong[:10]}"


@pytest.mark.parametrize(("key", "value"), [
    ("plan", 5), ("plan", "a b"), ("plan", []), ("plan", ["a"]), ("plan", [1, 2]), ("plan", None),
    ("files", []), ("files", {"b.report.json": 5}), ("files", {}), ("stack", ["b"]),
    ("program", 5), ("program", None), ("judge", 0), ("judge", ["j"]), ("level", "0"), ("level", True),
    ("shard", 2), ("shard", "3/2"), ("shard", None), ("extra", 1),
])
def test_a_seal_with_a_value_of_the_wrong_type_is_refused(tmp_path, key, value):
    found = _shards(tmp_path)
    seal = found["b"].with_name("b.shard.json")
    seal.write_text(json.dumps({**json.loads(seal.read_text()), key: value}))
    assert _outcome(found) == "refused"


def test_a_seal_swapped_in_from_another_run_is_refused(tmp_path):
    ours, theirs = _shards(tmp_path, "r1", blocked=True), _shards(tmp_path, "r2", blocked=False)
    for stack in ("a", "b"):
        seal = ours[stack].with_name(f"{stack}.shard.json")
        seal.write_bytes(theirs[stack].with_name(seal.name).read_bytes())
        assert _outcome(ours) == "refused"
        theirs[stack].with_name(seal.name).replace(seal)   # and the report with it: that run, whole
        ours[stack].write_bytes(theirs[stack].read_bytes())
    assert _outcome(ours) == "passed"
