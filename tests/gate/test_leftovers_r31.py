"""Engine round 31: round 30's leads (docs/gate-red-team.md, round 31).

Round 30 left: a symbolic link to a directory inside a pack, the records or a program's tree neither
followed nor hashed (`rglob` and `os.walk` list it and do not descend), so what lies behind it — or which
directory it points at — was in no digest: not the judge's (shard and run seals), not the program's, not
the stack cache's key; and a state between 8 MiB and 1 GiB whose first error lies past its first 8 MiB,
read whole by the strict path to word it. The contract (docs/gate.md): what the gate cannot judge is one
line naming the file, exit 2, in bounded memory and time.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gate.errors import GateError
from test_leftovers_r25 import REPO, RUN_LIMIT
from test_leftovers_r28 import AS_OF, STACK
from test_leftovers_r29 import _one_line, _run
from test_leftovers_r30 import UNDER_CAP, UNIT_BOUND, _preview
from test_stack_cache import scratch  # noqa: F401  (the fixture linked_pack builds on)


# ------------------------------------------------ 1. a link to a directory in a pack, the records, a program
def _linked(tree: Path, link: str = "pia") -> Path:
    """`tree/<link>` a link to `tree/<link>-a`; beside it `<link>-b`, the same files but one edited."""
    real = tree / f"{link}-a"
    (tree / link).rename(real)
    other = tree / f"{link}-b"
    shutil.copytree(real, other)
    first = sorted(p for p in other.iterdir() if p.is_file())[0]
    first.write_text(first.read_text() + "\n# edited\n")
    (tree / link).symlink_to(f"{link}-a")
    return tree / link


def _records(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(REPO / "stacks/records", records)
    return records


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(REPO / "policies/eu_residency", pack, ignore=shutil.ignore_patterns("__pycache__"))
    (pack / "data").mkdir()
    (pack / "data" / "table.yaml").write_text("regions: [eu-west-1]\n")
    return pack


def _settings(tmp_path: Path, where: str) -> tuple[SimpleNamespace, Path]:
    """Settings whose packs or records hold the tree the case links in (`where`), and that tree."""
    tree = _records(tmp_path) if where == "records" else _pack(tmp_path)
    packs = [tree] if where == "pack" else [REPO / "policies/eu_residency"]
    return SimpleNamespace(packs=packs, pack_config={}, records=tree if where == "records" else None,
                           invoke_fixtures=None, checkov=False, record_update=True), tree


def _judge(settings: SimpleNamespace) -> str:
    from gate.shard_seal import judge_digest

    return judge_digest(settings, AS_OF, "inprocess")


@pytest.mark.parametrize("where", ["records", "pack"])
def test_a_directory_link_pointed_elsewhere_in_the_tree_changes_the_judge(tmp_path, where) -> None:
    """`pia -> pia-a` pointed at `pia-b` (both in the tree, both hashed under their own names): the packs
    read other records, the seals' judge digest stayed the same."""
    settings, tree = _settings(tmp_path, where)
    link = _linked(tree, "pia" if where == "records" else "data")
    before = _judge(settings)
    link.unlink()
    link.symlink_to(f"{link.name}-b")
    assert _judge(settings) != before


def _hostile_link(tree: Path, kind: str) -> Path:
    """A link in `tree/sub`: to a directory outside the tree, to the tree's root (a loop), to itself."""
    sub = tree / "sub"
    sub.mkdir()
    link = sub / "linked"
    if kind == "out":
        outside = tree.parent / "outside"
        outside.mkdir()
        (outside / "dosis-prod.yaml").write_text("status: approved\n")
        link.symlink_to(outside)
    elif kind == "loop":
        link.symlink_to("..")
    else:
        link.symlink_to("linked")
    return link


@pytest.mark.parametrize("kind", ["out", "loop", "self"])
@pytest.mark.parametrize("where", ["records", "pack"])
def test_a_link_out_of_the_tree_or_a_loop_is_named_before_anything_runs(tmp_path, where, kind) -> None:
    """What lies outside the tree is no file a review of the packs or records sees, and a loop has no end:
    `refuse_unhashable_judge` (run when the settings name the files) took both, unhashed."""
    from gate.shard_seal import refuse_unhashable_judge

    settings, tree = _settings(tmp_path, where)
    link = _hostile_link(tree, kind)
    with pytest.raises(GateError, match=str(link)):
        refuse_unhashable_judge(settings)
    with pytest.raises(GateError, match=str(link)):
        _judge(settings)


@pytest.mark.slow
def test_a_records_link_out_of_the_tree_is_one_line_from_the_gate(tmp_path) -> None:
    records = _records(tmp_path)
    link = _hostile_link(records, "out")
    code, lines = _run(_preview(tmp_path, "--records", str(records)), tmp_path, RUN_LIMIT / 3)
    assert code == 2 and len(lines) == 1 and str(link) in lines[0], (code, lines[-3:])


def _program(tmp_path: Path) -> Path:
    root = tmp_path / "program"
    root.mkdir()
    (root / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (root / "__main__.py").write_text("import lib.mod\n")
    (root / "lib").mkdir()
    (root / "lib" / "mod.py").write_text("NAME = 'a'\n")
    return root


def test_a_directory_link_in_a_program_pointed_elsewhere_changes_its_digest(tmp_path) -> None:
    """The program's digest (shard and run seals) walked with `os.walk`, which lists a link to a directory
    and does not descend: two shards importing different modules through it merged as one program."""
    from gate.shard_seal import program_digest

    root = _program(tmp_path)
    link = _linked(root, "lib")
    before = program_digest(root)
    link.unlink()
    link.symlink_to("lib-b")
    assert program_digest(root) != before


@pytest.mark.parametrize("kind", ["out", "loop", "self"])
def test_a_program_link_out_of_its_tree_or_a_loop_is_named(tmp_path, kind) -> None:
    from gate.shard_seal import program_digest

    root = _program(tmp_path)
    link = _hostile_link(root, kind)
    with pytest.raises(GateError, match=str(link)):
        program_digest(root)


GLOB_PACK = '''from pathlib import Path
from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

def check(args, report_violation):
    if args.resource_type == "aws:s3/bucket:Bucket":
        data = Path(__file__).with_name("data")
        allowed = " ".join(p.read_text() for p in sorted(data.glob("*.txt"))).split()
        if args.props.get("tags", {}).get("mode") not in allowed:
            report_violation("mode not on record")

PolicyPack(name="scratch", enforcement_level=EnforcementLevel.ADVISORY,
           policies=[ResourceValidationPolicy(name="mode-on-record", description="d", validate=check)])
'''


@pytest.fixture
def linked_pack(request: pytest.FixtureRequest) -> Path:
    """test_stack_cache's program, judged by a pack reading every `data/*.txt`, `data` a link to `data-a`;
    `data-b` beside it holds one record more."""
    root = request.getfixturevalue("scratch")
    pack = root.parent / "pack"
    for name in ("data-a", "data-b"):
        (pack / name).mkdir()
        shutil.copy(pack / "records.txt", pack / name)
    (pack / "records.txt").unlink()
    (pack / "data-b" / "more.txt").write_text("other\n")
    (pack / "data").symlink_to("data-a")
    (pack / "__main__.py").write_text(GLOB_PACK)
    return root


def _cached(run_gate, root: Path) -> dict[str, bool]:
    proc = run_gate("preview", "--program", root, "--all", "--out", root / ".gate", "--format", "json",
                    "--no-checkov", "--policy-pack", root.parent / "pack",
                    "--policy-pack-config", f"scratch={root.parent / 'pack.json'}")
    assert proc.returncode == 0, proc.stderr
    return {r["stack"]: bool(r.get("cached")) for r in json.loads(proc.stdout)}


@pytest.mark.slow
def test_a_change_behind_a_linked_directory_of_a_pack_judges_the_stacks_again(run_gate, linked_pack) -> None:
    """The stack cache's key hashes the packs' trees, and an entry holds while the files the judging read
    are unchanged: a record added behind the link (`data` pointed at `data-b`) was read by no earlier run
    and hashed by no key, so the cached verdict was given again."""
    pack = linked_pack.parent / "pack"
    assert _cached(run_gate, linked_pack) == {"a": False, "b": False}
    assert _cached(run_gate, linked_pack) == {"a": True, "b": True}
    (pack / "data").unlink()
    (pack / "data").symlink_to("data-b")          # the link pointed elsewhere: the same records.txt, and more
    assert _cached(run_gate, linked_pack) == {"a": False, "b": False}
    (pack / "data-b" / "more.txt").write_text("other more\n")                  # a file behind the link
    assert _cached(run_gate, linked_pack) == {"a": False, "b": False}


# ------------------------------------------------ 2. a state whose first error lies past its first 8 MiB
def _late_error(path: Path, size: int | None = UNDER_CAP) -> Path:
    """A checkpoint of ~9 MiB, valid JSON, then `x` (the first error, past the prefix the gate words
    errors from), then zero bytes up to `size` (sparse)."""
    resource = {"urn": f"urn:pulumi:{STACK}::p::aws:s3/bucket:Bucket::b", "type": "aws:s3/bucket:Bucket",
                "custom": True, "inputs": {"bucket": "b", "tags": {"a": "x" * 200}}}
    doc = json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": [resource] * 32_000}})
    assert len(doc) > 8 * 1024 * 1024
    with path.open("wb") as f:
        f.write(doc.encode() + b"\n x")
        if size is not None:
            f.truncate(size)
    return path


def test_a_state_with_a_late_error_is_worded_in_bounded_memory(tmp_path) -> None:
    """`gate analyze --state`: the chunked reader stops at the `x`, the prefix holds no error, and the
    strict path read all 1 GiB (bytes, then text) to word it."""
    state = _late_error(tmp_path / f"{STACK}.state.json")
    argv = [sys.executable, "-m", "gate", "analyze", "--state", str(state), "--stack", STACK, "--no-checkov",
            "--format", "json", "--as-of", AS_OF]
    _one_line(_run(argv, tmp_path), str(state), "not JSON")


def test_a_state_with_a_late_error_is_worded_by_the_export_in_bounded_memory(tmp_path) -> None:
    state = _late_error(tmp_path / f"{STACK}.state.json")
    code = ("import sys\nfrom pathlib import Path\nfrom evidence.errors import EvidenceError\n"
            "from evidence.inputs import read_state\ntry:\n    read_state(Path(sys.argv[1]))\n"
            "except EvidenceError as exc:\n    print(exc, file=sys.stderr)\n    sys.exit(2)\n")
    _one_line(_run([sys.executable, "-c", code, str(state)], tmp_path, UNIT_BOUND), str(state), "not JSON")


def test_a_state_with_a_late_error_and_no_padding_is_still_refused(tmp_path) -> None:
    """Compliant wording: the same error in a file that ends there is no JSON either way."""
    from evidence.errors import EvidenceError
    from evidence.inputs import read_state
    from gate.state_load import load_state

    state = _late_error(tmp_path / "s.json", None)
    with pytest.raises(GateError, match=r"s\.json: not JSON"):
        load_state(state)
    with pytest.raises(EvidenceError, match=r"s\.json: not JSON"):
        read_state(state)


def test_a_large_valid_state_is_read_as_before(tmp_path) -> None:
    """Compliant: the same checkpoint without the error loads, in the gate and in the export."""
    from evidence.inputs import read_state
    from gate.state_load import load_state

    state = _late_error(tmp_path / "s.json", None)
    with state.open("r+b") as f:
        f.truncate(state.stat().st_size - 1)
    assert len(load_state(state)["deployment"]["resources"]) == 32_000
    assert len(read_state(state)["deployment"]["resources"]) == 32_000


def test_a_late_error_is_named_at_its_byte(tmp_path) -> None:
    """The line names the byte the reader stopped at, counted in bytes (characters of two bytes before
    it), in the gate and in the export; invalid UTF-8 there as the strict path words it."""
    from evidence.errors import EvidenceError
    from evidence.inputs import read_state
    from gate.state_load import load_state

    resource = {"urn": "urn:pulumi:s::p::t::n\u00e9\u00e9", "inputs": {"tags": {"a": "\u00e9" * 100}}}
    doc = json.dumps({"deployment": {"resources": [resource] * 40_000}}, ensure_ascii=False).encode()
    state = tmp_path / "s.json"
    for tail, line in ((b"\n x", f"not JSON (byte {len(doc) + 2}: Extra data)"),
                       (b' "\xff"', f"state file is not valid UTF-8 (byte {len(doc) + 2})")):
        state.write_bytes(doc + tail)
        with pytest.raises(GateError) as raised:
            load_state(state)
        assert str(raised.value) == f"{state}: {line}"
        with pytest.raises(EvidenceError) as raised:
            read_state(state)
        assert str(raised.value) == f"{state}: {line}"
