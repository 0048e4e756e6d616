"""Engine round 16: one judgment per stack, whatever ran before it (docs/gate-red-team.md, round 16).

A stack's verdict must be a function of its own inputs only. Each stack (this project's three, and engine
corpus programs that all call their stack `corpus`: same name, other projects) is judged alone in a fresh
process; then the same judgments run in one process — `gate analyze`, `gate preview` (both recorders) and
`evidence export` — in every order of the project's stacks and in interleavings hypothesis draws
(derandomized), with records of another project under the same stack name, and with a record edited in
place between two runs (same size, same mtime): every report must equal the fresh one.
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus" / "engine"
STACKS = ("portal-prod", "dosis-prod", "interconnect-prod")
ENGINE = ("--policy-pack", "policies/eu_residency",
          "--policy-pack-config", "eu-residency=policies/config/eu-residency.json")
CASES = ("good/analyze-stackref-eu", "good/analyze-unicode-tags", "evil/analyze-other-stack-case",
         "evil/analyze-azure-posing")


# ------------------------------------------------------------------------------------------ the inputs
@pytest.fixture(scope="module")
def gate_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`gate preview --all` of the project in a fresh process: its states and reports are the reference."""
    out = tmp_path_factory.mktemp("r16-run")
    proc = subprocess_run("gate", "preview", "--all", "--no-checkov", "--no-cache", "--format", "json",
                          "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def expire_waivers(records: Path) -> None:
    """Every waiver of the copy expires in 2025 instead of 2027: same size, same mtime, another verdict."""
    for path in (records / "waivers").glob("*.yaml"):
        stat = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("expires: 2027-", "expires: 2025-"), encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.fixture(scope="module")
def other_records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another project's records under the same stack names: its waivers have lapsed."""
    records = tmp_path_factory.mktemp("r16-records") / "records"
    shutil.copytree(REPO / "stacks" / "records", records)
    expire_waivers(records)
    return records


def job_argv(job: tuple[str, str], gate_run: Path, other: Path, out: Path) -> list[str]:
    """`gate analyze` of one job: (records, stack) of this project, or ("corpus", case)."""
    kind, name = job
    if kind == "corpus":
        case = CORPUS / name
        return ["analyze", "--state", str(case / "state.json"), "--program", str(case), "--stack", "corpus",
                *ENGINE, "--no-checkov", "--no-cache", "--format", "json", "--out", str(out)]
    records = REPO / "stacks" / "records" if kind == "own" else other
    return ["analyze", "--state", str(gate_run / f"{name}.state.json"), "--stack", name,
            "--records", str(records), "--no-checkov", "--no-cache", "--format", "json", "--out", str(out)]


def normal(code: int, out: str, err: str, where: Path) -> tuple:
    """Exit code, report and stderr, with the run's own directory named `OUT`."""
    report = json.loads(out) if code in (0, 1) else out
    return code, report, re.sub(re.escape(str(where)) + r"\S*", "OUT", err)


def subprocess_run(module: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """`python -m MODULE ARGV` in a fresh process."""
    return subprocess.run([sys.executable, "-m", module, *argv], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def fresh(argv: list[str], out: Path) -> tuple:
    proc = subprocess_run("gate", *argv)
    return normal(proc.returncode, proc.stdout, proc.stderr, out)


def here(argv: list[str], out: Path, capfd: pytest.CaptureFixture[str]) -> tuple:
    """The same command in this process (what `--all`, `merge` and a reused worker do)."""
    from gate.cli import main

    capfd.readouterr()
    code = main(argv)
    got = capfd.readouterr()
    return normal(code, got.out, got.err, out)


ALONE: dict[tuple[str, str], tuple] = {}


def alone(job: tuple[str, str], gate_run: Path, other: Path, tmp: Path) -> tuple:
    if job not in ALONE:
        out = tmp / "alone" / "-".join(job).replace("/", "-")
        ALONE[job] = fresh(job_argv(job, gate_run, other, out), out)
        assert ALONE[job][0] in (0, 1, 2), ALONE[job][2]
    return ALONE[job]


def judge_in_turn(jobs, gate_run: Path, other: Path, tmp: Path, capfd) -> None:
    """Each job of `jobs`, judged in this process one after the other, says what it says alone."""
    for i, job in enumerate(jobs):
        want = alone(job, gate_run, other, tmp)
        out = tmp / f"turn-{i}"
        got = here(job_argv(job, gate_run, other, out), out, capfd)
        assert got == want, f"{job} judged after {jobs[:i]} differs from {job} judged alone"


# ------------------------------------------------------------------------------------------- analyze
@pytest.mark.parametrize("order", list(itertools.permutations(STACKS)), ids="-".join)
def test_every_order_of_the_project_stacks_in_one_process(order, gate_run, other_records, tmp_path,
                                                          tmp_path_factory, capfd) -> None:
    judge_in_turn([("own", s) for s in order], gate_run, other_records, tmp_path_factory.mktemp("r16"),
                  capfd)


def test_same_stack_names_of_another_project_in_one_process(gate_run, other_records, tmp_path_factory,
                                                           capfd) -> None:
    """Records of two projects under the same stack names, alternated: the lapsed waivers block only there."""
    tmp = tmp_path_factory.mktemp("r16")
    jobs = [("own", "portal-prod"), ("other", "portal-prod"), ("own", "portal-prod"),
            ("other", "dosis-prod"), ("own", "dosis-prod")]
    judge_in_turn(jobs, gate_run, other_records, tmp, capfd)
    assert ALONE[("other", "portal-prod")][1]["blocked"] and not ALONE[("own", "portal-prod")][1]["blocked"]


POOL = [("own", s) for s in STACKS] + [("other", s) for s in STACKS[:2]] + [("corpus", c) for c in CASES]


@settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
@given(jobs=st.lists(st.sampled_from(POOL), min_size=2, max_size=5))
def test_interleavings_of_projects_and_corpus_programs(jobs, gate_run, other_records, tmp_path_factory,
                                                       capfd) -> None:
    judge_in_turn(jobs, gate_run, other_records, tmp_path_factory.mktemp("r16"), capfd)


def test_a_record_edited_between_two_runs_of_one_process(gate_run, tmp_path, capfd) -> None:
    """The waivers file edited in place (same size, same mtime) between two runs: the second reads it."""
    records = tmp_path / "records"
    shutil.copytree(REPO / "stacks" / "records", records)
    job = ("other", "portal-prod")
    first = here(job_argv(job, gate_run, records, tmp_path / "o1"), tmp_path / "o1", capfd)
    assert first[0] == 0, first[2]
    expire_waivers(records)
    second = here(job_argv(job, gate_run, records, tmp_path / "o2"), tmp_path / "o2", capfd)
    assert second == fresh(job_argv(job, gate_run, records, tmp_path / "o3"), tmp_path / "o3")
    assert second[0] == 1


def test_a_runs_as_of_is_not_the_next_runs(gate_run, other_records, tmp_path, capfd) -> None:
    """`--as-of` of one command is exported for its packs; the next command of the process without one
    judges on the date it would alone (GATE_AS_OF as it was, else today), not on the first's."""
    from evidence.cli import main

    pinned = os.environ["GATE_AS_OF"]
    job = ("own", "portal-prod")
    first = here([*job_argv(job, gate_run, other_records, tmp_path / "o1"), "--as-of", "2027-10-01"],
                 tmp_path / "o1", capfd)
    assert (first[1]["as_of"], os.environ["GATE_AS_OF"]) == ("2027-10-01", pinned)
    second = here(job_argv(job, gate_run, other_records, tmp_path / "o2"), tmp_path / "o2", capfd)
    assert second[1]["as_of"] == pinned
    assert main(["export", "--stack", "portal-prod", "--gate-dir", str(gate_run), "--as-of", "2027-10-01",
                 "--out", str(tmp_path / "bundle")]) == 2   # this run has no checkov: refused, after the date
    assert os.environ["GATE_AS_OF"] == pinned


CONFIG_PACK = """import pulumi
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy


def seen(args, report):
    value = pulumi.Config("leak").get("key")
    if value is not None:
        report(f"this stack's config says leak:key = {value}")


PolicyPack("config-reader", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[StackValidationPolicy(name="config-reader", description="reads the stack config",
                                           validate=seen)])
"""


def test_a_stacks_config_is_not_the_next_stacks(tmp_path, capfd) -> None:
    """A pack reading the stack's config (`pulumi.Config`, as the CLI gives it) sees only that stack's: the
    gate set it key by key into the SDK's default map, shared by every context of the process."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(CONFIG_PACK)
    programs = {}
    for name, extra in (("a", "  leak:key: from-a\n"), ("b", "")):
        programs[name] = tmp_path / name
        shutil.copytree(CORPUS / "good/analyze-unicode-tags", programs[name])
        (programs[name] / "Pulumi.corpus.yaml").write_text("config:\n  aws:region: eu-west-1\n" + extra)

    def argv(name: str) -> list[str]:
        return ["analyze", "--state", str(programs[name] / "state.json"), "--program", str(programs[name]),
                "--stack", "corpus", "--policy-pack", str(pack), "--no-checkov", "--no-cache", "--format",
                "json", "--out", str(tmp_path / f"out-{name}")]

    alone_b = fresh(argv("b"), tmp_path / "out-b")
    assert alone_b[0] == 0, alone_b[2]
    first = here(argv("a"), tmp_path / "out-a", capfd)
    assert first[0] == 1 and "leak:key = from-a" in first[1]["violations"][0]["message"]
    assert here(argv("b"), tmp_path / "out-b", capfd) == alone_b


# ------------------------------------------------------------------------------------------- preview
def _reports(out: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(out.glob("*.report.json"))}


@pytest.mark.parametrize("recorder", ["process", "inprocess"])
def test_preview_after_other_judgments_in_one_process(recorder, gate_run, other_records, tmp_path,
                                                      capfd) -> None:
    """Other projects' stacks judged first in this process, then `gate preview --stack portal-prod` here;
    then the project's stacks analysed again: the same reports as the fresh run's."""
    judge_in_turn([("other", "portal-prod"), ("corpus", CASES[2])], gate_run, other_records, tmp_path, capfd)
    out = tmp_path / "preview"
    code, _, err = here(["preview", "--stack", "portal-prod", "--recorder", recorder, "--no-checkov",
                         "--no-cache", "--format", "json", "--out", str(out)], out, capfd)
    assert code == 0, err
    assert _reports(out) == {"portal-prod.report.json": _reports(gate_run)["portal-prod.report.json"]}
    judge_in_turn([("own", s) for s in STACKS], gate_run, other_records, tmp_path, capfd)


# ------------------------------------------------------------------------------------------- evidence
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
# The checkout's commit as the export read it: a file edited in the minutes between the fresh export and
# these ("+dirty") is not a state of this process (an export during which it changes is refused, exit 2).
_COMMIT = re.compile(r'("name": "git-commit",(\s*"ns": "[^"]*",)?\s*"value": ")[^"]*"')


def _bundle(out: Path) -> dict[str, str]:
    """The bundle's judged files, timestamps, uuids, the commit and the run's own directory normalised."""
    keep = ("summary.json", "assessment-results.json")
    text = {p.name: _COMMIT.sub(r'\1C"', _STAMP.sub("T", p.read_text())) for p in out.iterdir()
            if p.name in keep}
    return {k: re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "U",
                      v.replace(str(out), "OUT")) for k, v in text.items()}


def _differences(got: dict[str, str], want: dict[str, str]) -> str:
    """A unified diff per differing file: what the failure message shows."""
    return "\n".join("".join(difflib.unified_diff(want.get(name, "").splitlines(True),
                                                  got.get(name, "").splitlines(True), f"fresh/{name}",
                                                  f"here/{name}", n=2))
                     for name in sorted(set(got) | set(want)) if got.get(name) != want.get(name))


def test_evidence_exports_in_one_process(other_records, gate_run, tmp_path, capfd) -> None:
    """`evidence export --stack portal-prod --gate-dir` (a gate run with checkov, as the README's main job)
    in this process after other judgments, twice: each bundle equals the one a fresh process exports."""
    from evidence.cli import main

    run = tmp_path / "gate"
    proc = subprocess_run("gate", "preview", "--stack", "portal-prod", "--format", "json", "--out", str(run))
    assert proc.returncode == 0, proc.stderr[-2000:]
    argv = ["export", "--stack", "portal-prod", "--gate-dir", str(run)]
    proc = subprocess_run("evidence", *argv, "--out", str(tmp_path / "fresh"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    before = [("other", "dosis-prod"), ("corpus", CASES[3])]
    for turn in ("h1", "h2"):
        judge_in_turn(before, gate_run, other_records, tmp_path, capfd)
        capfd.readouterr()
        assert main([*argv, "--out", str(tmp_path / turn)]) == 0, capfd.readouterr().err
        got, want = _bundle(tmp_path / turn), _bundle(tmp_path / "fresh")
        assert got == want, f"{turn} differs from the fresh export:\n{_differences(got, want)[:6000]}"


# ------------------------------------------------------------------------ read once, now read per command
def test_the_checkov_environment_left_out_of_the_cache_key_is_this_commands(monkeypatch, tmp_path) -> None:
    from gate import stack_inputs

    for name, other in (("one", "two"), ("two", "one")):
        monkeypatch.setenv("GATE_CHECKOV_ENV", str(tmp_path / name))
        excluded = stack_inputs._excluded(os.environ["GATE_CHECKOV_ENV"])
        assert f"{tmp_path / name}{os.sep}" in excluded and f"{tmp_path / other}{os.sep}" not in excluded


def test_the_evidence_signing_key_is_this_exports(monkeypatch, tmp_path) -> None:
    from evidence import signing

    for name in ("one", "two"):
        monkeypatch.setenv("EVIDENCE_SIGNING_KEY", str(tmp_path / name))
        assert signing.default_key() == tmp_path / name
