"""Round 4 of the engine red team (docs/gate-red-team.md): each closure has a test that fails without it.

Resource options that deploy something else, a project's own plugins, loopback/UNIX sockets, ctypes and
/proc/self/environ, the recorder tampered with, reads the stack cache could not see, files another
recording of the run wrote, shards judged by another judge, the sharded workflow's base judge.
"""

from __future__ import annotations

import gc
import json
import os
import posix
import time
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pytest
from gate import read_probes, side_effects
from gate.deploy_options import ignored_place, import_region
from gate.errors import GateError, ProgramError
from gate.recording import record_callable
from gate.shard_seal import check_shards, judge_digest, program_digest, write_seals
from gate.side_effects import _left_by_another, _Watch, _what

EU = {"aws:region": "eu-west-1"}
REPO = Path(__file__).resolve().parents[2]


def _fails(program, message: str) -> None:
    with pytest.raises(ProgramError) as err:
        record_callable(program, config=EU)
    assert message in str(err.value), str(err.value)


def test_ignoring_changes_to_the_place_fails_the_recording():
    assert ignored_place(["tags", "region"]) == "region" and ignored_place(["*"]) == "*"
    assert ignored_place(["location.name"]) == "location.name" and ignored_place(["tags.region"]) == ""

    def program():
        aws.s3.Bucket("b", region="eu-west-1", opts=pulumi.ResourceOptions(ignore_changes=["region"]))

    _fails(program, "program: program logged an error: b (aws:s3/bucket:Bucket) ignores changes to its "
                    "'region': an existing resource stays where it is, whatever the program declares; remove "
                    "it from ignore_changes (the engine then moves or replaces it)")


def test_an_import_id_naming_another_region_than_declared_fails_the_recording():
    arn = "arn:aws:sns:us-east-1:123456789012:t"   # checkov:skip=CKV_SECRET_6: corpus fake
    assert import_region(arn) == "us-east-1"
    assert import_region("bucket@eu-north-1") == "eu-north-1" and import_region("bucket-name") == ""

    def program():
        aws.sns.Topic("t", opts=pulumi.ResourceOptions(import_="arn:aws:sns:us-east-1:123456789012:t"))

    _fails(program, "t (aws:sns/topic:Topic) is imported by an id that names us-east-1 but declares "
                    "region none: the provider adopts it where the id says; declare region='us-east-1' so "
                    "the import checks it and the packs judge it")

    def declared():
        aws.sns.Topic("t", region="eu-west-1",
                      opts=pulumi.ResourceOptions(import_="arn:aws:sns:eu-west-1:123456789012:t"))

    assert record_callable(declared, config=EU).by_type("aws:sns/topic:Topic")


def test_a_provider_version_other_than_the_sdks_fails_the_recording():
    def program():
        aws.Provider("old", region="eu-west-1", opts=pulumi.ResourceOptions(version="6.83.0"))

    _fails(program, "old (pulumi:providers:aws) asks for provider plugin 6.83.0, a provider plugin version "
                    "other than the installed SDK's (")


def test_a_project_bringing_its_own_plugins_is_bad_input(make_program):
    from gate.project import load_project

    program = make_program(pulumi_yaml="name: p\nruntime: python\nplugins:\n  providers:\n"
                                       "    - name: aws\n      path: ./bin\n")
    with pytest.raises(GateError, match=r"Pulumi\.yaml: plugins: the project brings its own provider plugins "
                                        r"or packages, which the engine would run instead"):
        load_project(program)


def test_loopback_unix_sockets_ctypes_and_proc_environ_are_refused():
    assert _what("socket.connect", (None, ("127.0.0.1", 8500))) == "connect to 127.0.0.1:8500"
    assert _what("socket.connect", (None, "/run/agent.sock")) == "connect to /run/agent.sock"
    assert _what("socket.connect", (None, b"\0agent")) == "connect to @agent"
    assert _what("socket.getaddrinfo", ("localhost", 80)) is None     # a look-up reaches no one
    assert _what("ctypes.dlopen", (None,)) == "load native code through ctypes: None"
    assert _what("ctypes.dlsym", (None, "getenv")) == "call native code through ctypes: getenv"
    assert _what("open", ("/proc/self/environ", "r", os.O_RDONLY)) == \
        "read the process environment from /proc/self/environ (read variables by name instead)"
    assert _what("open", ("/proc/12/task/13/environ", "r", os.O_RDONLY)) is not None


def test_replacing_the_recorders_code_fails_the_recording(monkeypatch):
    from pulumi.runtime.mocks import MockMonitor

    real = MockMonitor.RegisterResource

    def program():
        monkeypatch.setattr(MockMonitor, "RegisterResource", lambda self, request: real(self, request))
        aws.s3.Bucket("b")

    _fails(program, "program: the program tampers with the gate: it replaced "
                    "pulumi.runtime.mocks.MockMonitor.RegisterResource while it was recorded, so the record "
                    "is not what a deploy would send; remove that code")


def test_editing_the_record_fails_the_recording():
    def launder(_):
        for obj in gc.get_objects():
            inputs = getattr(obj, "inputs", None) if type(obj).__name__ == "RecordedResource" else None
            if isinstance(inputs, dict) and inputs.get("region") == "us-east-1":
                inputs["region"] = "eu-west-1"

    def program():
        aws.s3.Bucket("b", region="us-east-1").id.apply(launder)

    _fails(program, "program: the program tampers with the gate: it replaced the record of "
                    "urn:pulumi:test::dosis-eloket::aws:s3/bucket:Bucket::b while it was recorded")


def test_the_side_effect_hook_does_not_follow_a_replaced_helper(monkeypatch):
    monkeypatch.setattr(side_effects, "_what", lambda *args: None)

    def program():
        aws.s3.Bucket("b")
        __import__("subprocess").run(["true"], check=False)

    _fails(program, "the program tries to start the process true")


def test_stat_probes_see_permission_bits_posix_stat_and_descriptors(tmp_path):
    script = tmp_path / "deploy.sh"
    script.write_text("#!/bin/sh\n")
    before = read_probes.probe_digest(str(script))
    script.chmod(0o755)
    assert read_probes.probe_digest(str(script)) != before
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        assert read_probes.mark(read_probes.LISTING, fd) == read_probes.LISTING + str(tmp_path)
    finally:
        os.close(fd)
    noted: list[str] = []
    saved = {(m, n): getattr(m, n) for m in (os, posix) for n in ("stat", "lstat", "access")}
    try:
        read_probes.install_stat_probes(noted.append)
        posix.stat(str(script))
    finally:
        for (module, name), value in saved.items():
            setattr(module, name, value)
    assert noted == [read_probes.PROBE + str(script)]


def test_a_file_another_recording_of_the_run_wrote_is_refused(tmp_path):
    # round 46: a file's age is the later of its mtime and ctime (`os.utime` no longer makes it old), so
    # the old file is made first and the run starts just after its status change
    old = tmp_path / "old.txt"
    old.write_text("c")
    since = old.stat().st_ctime_ns + 1
    build = tmp_path / "build"
    build.mkdir()
    for name in ("mine.txt", "theirs.txt"):
        while not (build / name).exists() or (build / name).stat().st_ctime_ns < since:   # a coarse tick
            time.sleep(0.001)
            (build / name).write_text(name)
    _Watch.root, _Watch.since, _Watch.own = tmp_path, since, {str(build / "mine.txt")}
    try:
        assert _left_by_another(str(build / "mine.txt")) is None
        assert _left_by_another(str(old)) is None
        assert _left_by_another(str(build / "theirs.txt")) == (
            "read build/theirs.txt, which another recording of this run wrote (a deploy of this stack from a "
            "clean checkout does not have it): generate it in every run before reading it, or commit it")
    finally:
        _Watch.root, _Watch.since, _Watch.own = None, 0, set()


def test_shards_judged_with_other_packs_or_settings_are_refused(tmp_path):
    from gate.settings import Settings

    program = tmp_path / "program"
    program.mkdir()
    (program / "__main__.py").write_text("import pulumi\n")
    config = tmp_path / "c.json"
    config.write_text("{}")
    settings = Settings(pack_config={"p": config})
    judges = [judge_digest(settings, "2026-11-30", "inprocess")]
    config.write_text('{"require-eea-location": "disabled"}')
    judges.append(judge_digest(settings, "2026-11-30", "inprocess"))
    assert judges[0] != judges[1] != judge_digest(settings, "2026-12-30", "inprocess")
    found = {}
    for k, stack in ((1, "a"), (2, "b")):
        d = tmp_path / f"s{k}"
        d.mkdir()
        (d / f"{stack}.report.json").write_text(json.dumps({"stack": stack}))
        write_seals(d, [stack], shard=f"{k}/2", level=None, plan=["a", "b"], program=program_digest(program),
                    judge=judges[k - 1])
        found[stack] = d / f"{stack}.report.json"
    with pytest.raises(GateError, match=r"b.report.json: shard 2/2 was judged with other packs or settings "
                                        r"than stack a's shard 1/2 \(pack files, pack configs, records, "
                                        r"--as-of, policy mode, checkov or record-update differ\)"):
        check_shards(found)


def test_the_sharded_workflow_also_judges_a_pull_request_by_the_base_commits_packs():
    import yaml

    doc = yaml.safe_load((REPO / ".github/workflows/policy-gate-sharded.yml").read_text())
    job = doc["jobs"]["base-judge"]
    run = job["steps"][-1]["run"]
    assert 'rm -rf policies && git checkout "$BASE_SHA" -- policies' in run
    assert run.count("--policy-pack ") == 2 and "eu-residency=policies/config/eu-residency.json" in run
    merge = doc["jobs"]["merge"]
    assert "base-judge" in merge["needs"]
    verdict = merge["steps"][-1]
    assert verdict["env"]["BASE_CODE"] == "${{ needs.base-judge.outputs.exit_code }}"
    assert '[ "$BASE_CODE" != "0" ]' in verdict["run"]


def test_a_symlink_in_a_shards_output_is_refused(tmp_path):
    program = tmp_path / "program"
    program.mkdir()
    (program / "__main__.py").write_text("import pulumi\n")
    d = tmp_path / "s1"
    d.mkdir()
    (d / "a.report.json").write_text(json.dumps({"stack": "a"}))
    write_seals(d, ["a"], shard="1/1", level=None, plan=["a"], program=program_digest(program),
                judge="d" * 64)
    outside = tmp_path / "elsewhere.json"
    outside.write_bytes((d / "a.report.json").read_bytes())
    (d / "a.report.json").unlink()
    (d / "a.report.json").symlink_to(outside)
    with pytest.raises(GateError, match=r"a.report.json: a symbolic link in a shard's output: gate merge "
                                        r"takes only the files the shard wrote"):
        check_shards({"a": d / "a.report.json"})


def test_reads_beneath_os_environ_note_the_whole_environment():
    from gate.env_reads import WHOLE

    def program():
        raw = posix.environ.get(b"RT4_REGION") or os.environ._data.get(b"RT4_REGION")
        os.environ["RT4_SET"] = os.environ.get("HOME", "")
        aws.s3.Bucket("b", region=raw.decode() if raw else "eu-west-1")

    reads = {r["name"]: r for r in record_callable(program, config=EU).env_reads}
    assert WHOLE in reads and "HOME" in reads
    assert os.environ.pop("RT4_SET") == os.environ.get("HOME", "")   # what the program set is kept

    def named_only():
        aws.s3.Bucket("b", tags={"home": os.environ.get("HOME", "")})

    assert WHOLE not in {r["name"] for r in record_callable(named_only, config=EU).env_reads}


def test_the_judge_digest_is_the_same_for_the_same_packs_and_records_in_another_checkout(tmp_path: Path):
    """A shard's runner, or an auditor exporting the run elsewhere, has the packs at another path: the same
    files are the same judge; one changed file is another."""
    from gate.settings import Settings

    digests = []
    for where in ("a/checkout", "b/elsewhere"):
        packs, records = tmp_path / where / "policies", tmp_path / where / "records"
        (packs / "rules").mkdir(parents=True)
        (packs / "rules" / "r.py").write_text("RULE = 1\n")
        records.mkdir()
        (records / "endpoints.yaml").write_text("endpoints: []\n")
        digests.append(judge_digest(Settings(packs=[packs], records=records), "2026-11-30", "inprocess"))
    assert digests[0] == digests[1]
    (packs / "rules" / "r.py").write_text("RULE = 2\n")
    assert judge_digest(Settings(packs=[packs], records=records), "2026-11-30", "inprocess") != digests[0]
