"""Engine round 16: the packs' process-level state never answers for another stack, project or version of a
file (docs/gate-red-team.md, round 16). Each test fails without its fix: a record edited in place with its
size and modification time kept, a second program judged in the same process, a changed environment."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from policies.core import backend, endpoints, records, stack_graphs

ON = dt.date(2026, 11, 30)
URN = "urn:pulumi:s::p::aws:s3/bucket:Bucket::b"


def _edit(path: Path, old: str, new: str) -> None:
    """Rewrite `path` in place with the same size and modification time (a checkout, a copy with -p)."""
    assert len(old) == len(new)
    st = path.stat()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def _records(tmp_path: Path, monkeypatch) -> Path:
    for sub in ("waivers", "pia"):
        (tmp_path / sub).mkdir()
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))
    return tmp_path


def test_a_waiver_edited_in_place_is_read_again(tmp_path, monkeypatch) -> None:
    d = _records(tmp_path, monkeypatch)
    (d / "waivers" / "s.yaml").write_text(
        f"waivers:\n  - rule: require-tls-1-2\n    resource: \"{URN}\"\n"
        "    reason: the reason is long enough here\n    owner: team\n"
        "    decided: 2026-11-01\n    expires: 2027-10-31\n")
    assert records.load_waivers("s", ON).find("require-tls-1-2", URN) is not None
    _edit(d / "waivers" / "s.yaml", "expires: 2027-", "expires: 2025-")
    assert records.load_waivers("s", ON).find("require-tls-1-2", URN) is None


def test_a_pia_record_edited_in_place_is_read_again(tmp_path, monkeypatch) -> None:
    d = _records(tmp_path, monkeypatch)
    (d / "pia" / "s.yaml").write_text("reference: PIA-A\nclassification: vertrouwelijk\n")
    first = records.load_pia("s", ON).reference
    _edit(d / "pia" / "s.yaml", "PIA-A", "PIA-B")
    assert (first, records.load_pia("s", ON).reference) == ("PIA-A", "PIA-B")


def test_an_endpoints_record_edited_in_place_is_read_again(tmp_path, monkeypatch) -> None:
    d = _records(tmp_path, monkeypatch)
    (d / "endpoints.yaml").write_text(
        "endpoints:\n  - id: magda\n    class: government-service\n    hosts: [magda.vlaanderen.be]\n"
        "    jurisdiction: BE\n    reason: the MAGDA document service of the Flemish government\n")
    assert [e.id for e in endpoints.load_endpoints("s")] == ["magda"]
    _edit(d / "endpoints.yaml", "id: magda", "id: magdb")
    assert [e.id for e in endpoints.load_endpoints("s")] == ["magdb"]


def test_a_checkpoint_rewritten_in_place_is_read_again(tmp_path) -> None:
    path = tmp_path / "a.state.json"

    def state(region: str) -> str:
        return json.dumps({"deployment": {"resources": [
            {"urn": URN, "type": "aws:s3/bucket:Bucket", "custom": True, "outputs": {"region": region}}]}})

    path.write_text(state("eu-west-1"))
    loaded = stack_graphs._load(str(path))
    assert loaded is not None and loaded[1].resources[0].raw["region"] == "eu-west-1"
    st = path.stat()
    path.write_text(state("us-east-1"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    loaded = stack_graphs._load(str(path))
    assert loaded is not None and loaded[1].resources[0].raw["region"] == "us-east-1"


def test_the_stack_graph_index_keeps_one_entry_per_path(tmp_path, monkeypatch) -> None:
    """Round 17 (round 16's lead): two runs' indexes alternating in one process are each read once, and a
    rewritten one replaces its own entry (it was one entry for all: each switch read the file again)."""
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text('{"a": 1}')
    second.write_text('{"b": 2}')
    monkeypatch.setattr(stack_graphs, "_INDEX", {})
    for path, want in ((first, {"a": 1}), (second, {"b": 2}), (first, {"a": 1})):
        monkeypatch.setenv(stack_graphs.ENV, str(path))
        assert stack_graphs._index() == want
    _edit(first, '"a": 1', '"a": 3')
    monkeypatch.setenv(stack_graphs.ENV, str(first))
    assert stack_graphs._index() == {"a": 3}
    assert sorted(stack_graphs._INDEX) == [str(first), str(second)]


def test_the_program_judged_is_the_one_of_this_run(tmp_path, monkeypatch) -> None:
    """A second program judged in the process (GATE_PROGRAM_DIR of its run) is found, not the first's."""
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Pulumi.yaml").write_text(f"name: {name}-project\nruntime: python\n")
    monkeypatch.setenv("GATE_PROGRAM_DIR", str(tmp_path / "first"))
    assert backend.root_project().get("first-project") == str(tmp_path / "first")
    monkeypatch.setenv("GATE_PROGRAM_DIR", str(tmp_path / "second"))
    found = backend.root_project()
    assert found.get("second-project") == str(tmp_path / "second") and "first-project" not in found


def test_a_project_of_the_same_name_elsewhere_is_read_from_its_own_files(tmp_path, monkeypatch) -> None:
    """Two projects named alike, one stack name: the second's non-EEA backend is what is judged."""
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    for name, region in (("eu", "eu-west-1"), ("us", "us-east-1")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Pulumi.yaml").write_text(
            f"name: same\nruntime: python\nbackend:\n  url: s3://state?region={region}\n")
        (tmp_path / name / "Pulumi.prod.yaml").write_text("config: {}\n")
    assert backend.state_settings(str(tmp_path / "eu"), "prod").backends[0][1].endswith("eu-west-1")
    _edit(tmp_path / "eu" / "Pulumi.yaml", "eu-west-1", "us-east-1")   # and the same directory edited
    assert backend.state_settings(str(tmp_path / "eu"), "prod").backends[0][1].endswith("us-east-1")
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://elsewhere?region=us-west-2")
    assert backend.state_settings(str(tmp_path / "us"), "prod").backends[-1][1].endswith("us-west-2")
