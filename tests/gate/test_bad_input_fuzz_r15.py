"""Round 15: ONE structural mutation of each valid committed input the gate and the evidence export read
(bad_input_mutations.py), and the property of bad input (DEVELOPERS guide, docs/gate.md "Exit codes"):

either the run is judged as if the input were valid (same exit code and findings as the file unmutated:
the mutation was meaningless), or exit 2 with exactly one line on stderr naming the file (and the key,
where there is one), no traceback, and no report, state or run index written. A waiver with an unknown
key that still waives, a PIA record with a null field that still counts, fail this test.

Deterministic: hypothesis with `derandomize=True`, no shrinking and a bounded number of examples per
(file kind, mutation) pair (GATE_FUZZ_EXAMPLES, default 1, as the round's figures were taken). By default
only the pairs that broke the property before round 15's fixes run (FOUND: the regression cases);
GATE_FUZZ_GRID=1 runs every pair.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from bad_input_mutations import FILE_MUTATIONS, MUTATIONS, mutate, spread, written
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
STACKS = ("portal-prod", "dosis-prod", "interconnect-prod")
EXAMPLES = int(os.environ.get("GATE_FUZZ_EXAMPLES", "1"))


@dataclass(frozen=True)
class Kind:
    """One input file kind: its committed file (relative to the repository), format, how it is named in
    an error, and the stack whose run reads it."""

    name: str
    file: str
    fmt: str
    shown: str
    stack: str = "portal-prod"


RECORDS = "stacks/records"
ANALYZE_KINDS = [
    *(Kind(f"pia/{s}", f"{RECORDS}/pia/{s}.yaml", "yaml", f"pia/{s}.yaml", s) for s in STACKS),
    *(Kind(f"waivers/{s}", f"{RECORDS}/waivers/{s}.yaml", "yaml", f"waivers/{s}.yaml", s)
      for s in ("portal-prod", "dosis-prod")),
    *(Kind(f"exit-plans/{s}", f"{RECORDS}/exit-plans/{s}.yaml", "yaml", f"exit-plans/{s}.yaml", s)
      for s in STACKS),
    Kind("endpoints", f"{RECORDS}/endpoints.yaml", "yaml", "endpoints.yaml"),
    Kind("processing-register", f"{RECORDS}/processing-register.yaml", "yaml", "processing-register.yaml"),
    Kind("pack-config/eu-residency", "policies/config/eu-residency.json", "json", "eu-residency.json"),
    Kind("pack-config/pia-conditions", "policies/config/pia-conditions.json", "json", "pia-conditions.json"),
    Kind("Pulumi.yaml", "Pulumi.yaml", "yaml", "Pulumi.yaml"),
    *(Kind(f"stack-config/{s}", f"stacks/Pulumi.{s}.yaml", "yaml", f"Pulumi.{s}.yaml", s) for s in STACKS),
]


# (kind, mutation) pairs that broke the property before round 15's fixes (figures in docs/gate-red-team.md):
# the regression cases run by default; GATE_FUZZ_GRID=1 runs every pair (the round's measurement).
FOUND: dict[str, tuple[str, ...]] = {
    "analyze_input_mutation": (
        "Pulumi.yaml-python-tag", "endpoints-python-tag",
        "pia/dosis-prod-document-separator", "pia/dosis-prod-drop-key", "pia/dosis-prod-duplicate-key",
        "pia/dosis-prod-impossible-date", "pia/dosis-prod-map", "pia/dosis-prod-null",
        "pia/dosis-prod-python-tag", "pia/dosis-prod-tabs", "pia/interconnect-prod-document-separator",
        "pia/interconnect-prod-duplicate-key", "pia/interconnect-prod-impossible-date",
        "pia/interconnect-prod-map", "pia/interconnect-prod-null", "pia/interconnect-prod-number",
        "pia/interconnect-prod-python-tag", "pia/interconnect-prod-tabs", "pia/portal-prod-bool",
        "pia/portal-prod-document-separator", "pia/portal-prod-impossible-date", "pia/portal-prod-map",
        "pia/portal-prod-python-tag", "pia/portal-prod-tabs", "stack-config/dosis-prod-python-tag",
        "stack-config/interconnect-prod-python-tag", "stack-config/portal-prod-python-tag",
        "waivers/dosis-prod-bool", "waivers/dosis-prod-document-separator", "waivers/dosis-prod-drop-key",
        "waivers/dosis-prod-impossible-date", "waivers/dosis-prod-map", "waivers/dosis-prod-nul",
        "waivers/dosis-prod-null", "waivers/dosis-prod-number", "waivers/dosis-prod-python-tag",
        "waivers/dosis-prod-tabs", "waivers/portal-prod-bool", "waivers/portal-prod-document-separator",
        "waivers/portal-prod-drop-key", "waivers/portal-prod-impossible-date", "waivers/portal-prod-map",
        "waivers/portal-prod-nul", "waivers/portal-prod-null", "waivers/portal-prod-number",
        "waivers/portal-prod-python-tag", "waivers/portal-prod-tabs",
    ),
    "evidence_record_mutation": (
        "evidence/exit-plans/dosis-prod-impossible-date", "evidence/exit-plans/dosis-prod-python-tag",
        "evidence/exit-plans/interconnect-prod-impossible-date",
        "evidence/exit-plans/interconnect-prod-python-tag",
        "evidence/exit-plans/portal-prod-impossible-date", "evidence/exit-plans/portal-prod-nul",
        "evidence/exit-plans/portal-prod-python-tag", "evidence/pia/dosis-prod-document-separator",
        "evidence/pia/dosis-prod-drop-key", "evidence/pia/dosis-prod-impossible-date",
        "evidence/pia/dosis-prod-python-tag", "evidence/pia/dosis-prod-tabs",
        "evidence/pia/interconnect-prod-document-separator",
        "evidence/pia/interconnect-prod-impossible-date", "evidence/pia/interconnect-prod-python-tag",
        "evidence/pia/interconnect-prod-tabs", "evidence/pia/portal-prod-document-separator",
        "evidence/pia/portal-prod-impossible-date", "evidence/pia/portal-prod-python-tag",
        "evidence/pia/portal-prod-tabs", "evidence/processing-register-python-tag",
    ),
    "settings_mutation": ("duplicate-key", "long-string", "nul"),
    # none broke it: the envelope's layout changes (meaningless) and one change to each signed file
    "gate_dir_mutation": (
        "gate-dir/run.dsse.json-bom", "gate-dir/run.dsse.json-unknown-key", "gate-dir/run.json-unknown-key",
        "gate-dir/report-null", "gate-dir/state-duplicate-key",
    ),
    "typed_config_mutation": ("list", "python-tag", "unknown-key"),
}
GRID = os.environ.get("GATE_FUZZ_GRID") == "1"


def pairs(test: str, kinds: list[Kind]) -> list:
    """The (kind, mutation) parameters of `test`: every pair with GATE_FUZZ_GRID=1, else those in FOUND."""
    return [pytest.param(k, m, id=f"{k.name}-{m}") for k in kinds for m in MUTATIONS
            if GRID or f"{k.name}-{m}" in FOUND[test]]


@dataclass
class Outcome:
    code: int
    err: str
    verdict: tuple
    written: list[str]


VALID_STRINGS = ("long-string", "newline")
# Mutations whose value is valid for that key: judged as given (exit 0 or 1), not bad input.
JUDGED = {
    ("endpoints", "list", "hosts"): "['x'] is a host list: the endpoint no longer matches",
    ("pack-config/eu-residency", "list", "allowedRegions"): "['x'] is a region list: every resource blocks",
    ("settings", "number", "jobs"): "jobs takes a number",
    ("typed-config/portal-prod", "bool", "dosis-eloket:domainName"): "Pulumi gives values as text",
}


def check_property(kind: Kind, key: str, mutation: str, got: Outcome, base: Outcome, prefix: str) -> str:
    """"" when the property holds, else what broke it (one line)."""
    if got.code == base.code and got.verdict == base.verdict and "Traceback" not in got.err:
        return ""
    if (kind.name, mutation, key) in JUDGED and got.code in (0, 1):
        return ""
    if mutation in VALID_STRINGS and base.code >= 0 and got.code in (0, 1) and "Traceback" not in got.err:
        return ""   # a long or two-line string is a string: judged as given (a name, a reason, a path)
    lines = got.err.strip().splitlines()
    if got.code != 2:
        same = "same" if got.verdict == base.verdict else "differ"
        return f"key {key!r}: exit {got.code} (baseline {base.code}); findings {same}: {got.err[-300:]}"
    if len(lines) != 1 or "Traceback" in got.err:
        return f"exit 2 with {len(lines)} lines on stderr"
    line = lines[0]
    if not line.startswith(prefix):
        return f"exit 2 but not '{prefix}': {line[:400]}"
    if kind.shown not in line:
        return f"exit 2 without naming {kind.shown}: {line[:400]}"
    if key and mutation not in FILE_MUTATIONS and mutation != "drop-key" and key not in line:
        return f"exit 2 without naming the key {key!r}: {line[:400]}"
    if got.written:
        return f"exit 2 but wrote {got.written}"
    return ""


# ------------------------------------------------------------------------------ the gate run (analyze)
@pytest.fixture(scope="module")
def gate_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_gate_run(tmp_path_factory)


def make_gate_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`gate preview --all` of the project once: its states are what each mutated run analyzes."""
    given = os.environ.get("GATE_FUZZ_RUN_DIR")   # a `preview --all --no-checkov` of this commit (iterating)
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("r15-run")
    proc = subprocess.run([sys.executable, "-m", "gate", "preview", "--all", "--no-checkov", "--no-cache",
                           "--out", str(out), "--format", "json"], cwd=REPO, capture_output=True, text=True,
                          timeout=600, check=False, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def _program_copy(root: Path) -> Path:
    """The project's files an analysis reads (Pulumi.yaml, stack files, records), copied under `root`."""
    program = root / "program"
    (program / "stacks").mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", program / "Pulumi.yaml")
    shutil.copy(REPO / "stacks/__main__.py", program / "stacks/__main__.py")
    for s in STACKS:
        shutil.copy(REPO / f"stacks/Pulumi.{s}.yaml", program / f"stacks/Pulumi.{s}.yaml")
    shutil.copytree(REPO / RECORDS, program / RECORDS)
    shutil.copytree(REPO / "policies/config", root / "config", ignore=shutil.ignore_patterns("generic"))
    return program


def _target(root: Path, program: Path, kind: Kind) -> Path:
    if kind.file.startswith("policies/config/"):
        return root / "config" / Path(kind.file).name
    return program / kind.file


def analyze(gate_run: Path, capfd, kind: Kind, text: str | None, root: Path) -> Outcome:
    """`gate analyze` (in this process) of `kind.stack`'s state with `kind`'s file replaced by `text`."""
    from gate.cli import main

    from policies.core import records

    program = _program_copy(root)
    if text is not None:
        _target(root, program, kind).write_text(text, encoding="utf-8", newline="")
    out = root / "out"
    records.clear_cache()
    capfd.readouterr()
    code = main(["analyze", "--state", str(gate_run / f"{kind.stack}.state.json"), "--stack", kind.stack,
                 "--program", str(program), "--records", str(program / RECORDS), "--no-checkov", "--no-cache",
                 "--format", "json", "--out", str(out),
                 *(f"--policy-pack-config={p}={root / 'config' / f'{p}.json'}"
                   for p in ("eu-residency", "pia-conditions"))])
    got = capfd.readouterr()
    verdict: tuple = ()
    if code in (0, 1):
        report = json.loads(got.out)
        verdict = tuple(sorted((v["pack"], v["policy"], v["level"], v["urn"]) for v in report["violations"]))
    return Outcome(code, got.err, verdict, written(out) if code not in (0, 1) else [])


_BASE: dict[str, Outcome] = {}


def _baseline(gate_run: Path, capfd, kind: Kind, tmp_path: Path) -> Outcome:
    if kind.stack not in _BASE:
        _BASE[kind.stack] = analyze(gate_run, capfd, kind, None, tmp_path / f"base-{kind.stack}")
        assert _BASE[kind.stack].code == 0, _BASE[kind.stack].err
    return _BASE[kind.stack]


def run_analyze_case(gate_run: Path, capfd, tmp_path: Path, kind: Kind, mutation: str, pick: int) -> str:
    original = (REPO / kind.file).read_text(encoding="utf-8")
    mutated = mutate(original, kind.fmt, mutation, spread(kind.name, mutation, pick))
    if mutated is None:
        return ""
    text, key = mutated
    base = _baseline(gate_run, capfd, kind, tmp_path)
    got = analyze(gate_run, capfd, kind, text, tmp_path / uuid.uuid4().hex)
    return check_property(kind, key, mutation, got, base, "gate: error: ")


# No shrinking: a pick is an index into the file's keys, a smaller one is no simpler case.
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize(("kind", "mutation"), pairs("analyze_input_mutation", ANALYZE_KINDS))
def test_analyze_input_mutation(gate_run, capfd, tmp_path, kind: Kind, mutation: str) -> None:
    @FUZZ
    @given(pick=st.integers(0, 10**6))
    def one(pick: int) -> None:
        broke = run_analyze_case(gate_run, capfd, tmp_path, kind, mutation, pick)
        assert not broke, f"{kind.name} {mutation} pick={pick}: {broke}"

    one()


# ------------------------------------------------------------------------------ the gate's settings
SETTINGS = Kind("settings", "pyproject.toml", "toml", "pyproject.toml")


def _settings_text() -> str:
    import tomllib

    from bad_input_mutations import _toml

    return _toml({"tool": {"gate": tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["gate"]}})


def settings_outcome(text: str, root: Path) -> Outcome:
    """[tool.gate] read as the gate reads it (gate.settings.load), in a directory beside the project's."""
    from gate import settings
    from gate.errors import GateError

    root.mkdir(parents=True)
    for top in ("policies", "stacks"):
        (root / top).symlink_to(REPO / top)
    (root / "pyproject.toml").write_text(text, encoding="utf-8", newline="")
    try:
        loaded = settings.load([root])
    except GateError as exc:
        return Outcome(2, f"gate: error: {exc}\n", (), [])
    except Exception as exc:   # what cli._main reports as an internal error (exit 3)
        return Outcome(3, f"gate: internal error: {type(exc).__name__}: {exc}\n", (), [])
    shown = {k: v for k, v in loaded.to_json().items() if k != "source"}
    return Outcome(0, "", (json.dumps(shown, sort_keys=True, default=str).replace(str(root), "<root>"),), [])


@pytest.mark.parametrize("mutation", [m for m in MUTATIONS if GRID or m in FOUND["settings_mutation"]])
def test_settings_mutation(tmp_path, mutation: str) -> None:
    base = settings_outcome(_settings_text(), tmp_path / "base")
    assert base.code == 0, base.err

    @FUZZ
    @given(pick=st.integers(0, 10**6))
    def one(pick: int) -> None:
        mutated = mutate(_settings_text(), "toml", mutation, spread("settings", mutation, pick), depth=3)
        if mutated is None:
            return
        got = settings_outcome(mutated[0], tmp_path / uuid.uuid4().hex)
        if mutation == "drop-key" and got.code == 0:
            return   # every [tool.gate] key is optional, with a documented default (docs/gate-usage.md)
        broke = check_property(SETTINGS, mutated[1], mutation, got, base, "gate: error: ")
        assert not broke, f"settings {mutation} pick={pick}: {broke}"

    one()


def explore_yaml(kind: Kind, mutation: str, base: Outcome, outcome, tmp_path: Path, prefix: str) -> None:
    """One `mutation` of the YAML file `kind` at each of hypothesis's picks, run by `outcome(text, root)`,
    must keep the property (`check_property`) against the unmutated run `base`."""
    assert base.code == 0, base.err

    @FUZZ
    @given(pick=st.integers(0, 10**6))
    def one(pick: int) -> None:
        mutated = mutate((REPO / kind.file).read_text(encoding="utf-8"), "yaml", mutation,
                         spread(kind.name, mutation, pick))
        if mutated is None:
            return
        got = outcome(mutated[0], tmp_path / uuid.uuid4().hex)
        broke = check_property(kind, mutated[1], mutation, got, base, prefix)
        assert not broke, f"{kind.name} {mutation} pick={pick}: {broke}"

    one()


# ------------------------------------------------------------------------------ the stacks' typed config
def record_outcome(stack: str, text: str | None, root: Path) -> Outcome:
    """The stack file replaced by `text`, read as a recording reads it: the gate's loader
    (`gate.project.load_stack_config`, `normalize_config`), then, with that config set as the SDK's, the
    program's typed loader (stacks/config.py `load` and the portal's `validate`), in this process (a whole
    recording per example would take minutes; the graph follows from the typed config)."""
    import pulumi
    from gate.errors import GateError
    from gate.project import load_project, load_stack_config
    from gate.stack_config import normalize_config
    from pulumi.runtime import settings as sdk_settings

    from stacks.config import ConfigError, load
    from stacks.portal_config import PortalConfig, validate

    program = root / "program"
    (program / "stacks").mkdir(parents=True)
    (program / "stacks/__main__.py").write_text("")
    shutil.copy(REPO / "Pulumi.yaml", program / "Pulumi.yaml")
    (program / f"stacks/Pulumi.{stack}.yaml").write_text(
        text if text is not None else (REPO / f"stacks/Pulumi.{stack}.yaml").read_text(), encoding="utf-8",
        newline="")
    try:
        project = load_project(program)
        flat, secret = normalize_config(project.name, load_stack_config(project, stack))
        sdk_settings.reset_options(project=project.name, stack=stack)
        pulumi.runtime.set_all_config(flat, secret)
        system = pulumi.Config().get("system")
        if system != "portal":   # stacks/__main__.py picks the system by it
            raise ConfigError(f"stacks/Pulumi.{stack}.yaml: {project.name}:system: got {system!r}")
        cfg = load(PortalConfig)
        validate(cfg)
    except (GateError, ConfigError) as exc:
        return Outcome(2, f"gate: error: {exc}\n", (), [])
    except Exception as exc:   # the program raised: the gate names __main__.py and the exception
        return Outcome(2, f"gate: error: stacks/__main__.py: {type(exc).__name__}: {exc}\n", (), [])
    finally:   # the SDK's stack is global: left set, later tests in this worker judge as portal-prod
        pulumi.runtime.set_all_config({}, [])
        sdk_settings.reset_options()
    return Outcome(0, "", (repr(cfg),), [])


_RECORDED: dict[str, Outcome] = {}


@pytest.mark.parametrize("mutation", [m for m in MUTATIONS if GRID or m in FOUND["typed_config_mutation"]])
@pytest.mark.parametrize("stack", ["portal-prod"])
def test_typed_stack_config_mutation(tmp_path, stack: str, mutation: str) -> None:
    kind = Kind(f"typed-config/{stack}", f"stacks/Pulumi.{stack}.yaml", "yaml", f"Pulumi.{stack}.yaml", stack)
    if stack not in _RECORDED:
        _RECORDED[stack] = record_outcome(stack, None, tmp_path / "base")
    explore_yaml(kind, mutation, _RECORDED[stack], lambda text, root: record_outcome(stack, text, root),
                 tmp_path, "gate: error: ")


# ------------------------------------------------------------------------------ an earlier run's --out
def test_a_failed_run_leaves_no_earlier_result_in_its_out(gate_run, capfd, tmp_path) -> None:
    """An earlier run's index, reports and states in --out would read as this run's result after it
    exits 2: they are withdrawn (what the index lists; caches stay)."""
    from gate.cli import main

    out = tmp_path / "out"
    shutil.copytree(gate_run, out, ignore=shutil.ignore_patterns("cache", ".runs"))
    assert "run.json" in written(out)
    os.utime(out / "run.json", ns=(1, 1))   # published before this run began
    program = _program_copy(tmp_path)
    (program / f"{RECORDS}/waivers/portal-prod.yaml").write_text("waivers:\n  - {rule: x, rule: y}\n")
    capfd.readouterr()
    code = main(["analyze", "--state", str(gate_run / "portal-prod.state.json"), "--stack", "portal-prod",
                 "--program", str(program), "--records", str(program / RECORDS), "--no-checkov", "--no-cache",
                 "--out", str(out)])
    err = capfd.readouterr().err
    assert code == 2, err
    assert "waivers/portal-prod.yaml" in err and "'rule' is given twice" in err
    assert written(out) == []
