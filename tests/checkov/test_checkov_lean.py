"""The driver's stand-ins (lean.py) change no result: every Terraform type the export can write is given
the same checks, in the same order, with and without them; the SBOM writers are never used; a scan that
does not take the slim replay runs in a fresh interpreter without them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from gate.checkov import lean, processes, terraform, toolenv

pytestmark = pytest.mark.slow
HERE = Path(processes.__file__).parent

CHECKS = """
import gc, json, sys
sys.path.insert(0, sys.argv[2])
import lean, slim
if sys.argv[1] == "lean":
    lean.install()
slim.preload()
if sys.argv[1] == "lean":
    lean.preload_graph_checks()
runners = [getattr(__import__(m, fromlist=[c]), c)() for m, c in slim.RUNNERS.values()]
from checkov.common.checks.base_check_registry import BaseCheckRegistry
types = json.loads(sys.stdin.read())
found, modules = {}, {}
for reg in gc.get_objects():
    if isinstance(reg, BaseCheckRegistry):
        name = f"{type(reg).__module__}:{type(reg).__name__}:{reg.report_type}"
        every = [c for cs in (*reg.checks.values(), *reg.wildcard_checks.values()) for c in cs]
        modules[name] = {c.id: type(c).__module__ for c in every}
        found[name] = {"per-type": {t: [c.id for c in reg.get_checks(t)] for t in types},
                       "all": sorted({c.id for c in every})}
for r in runners:
    r.graph_registry.load_checks()
    found[f"graph:{r.check_type}"] = {"all": [c.id for c in r.graph_registry.checks]}
empty = sorted(n for n in lean.STOOD_IN
               if n in sys.modules and getattr(sys.modules[n], "__file__", None) is None)
print(json.dumps({"found": found, "modules": modules, "stood-in": empty}))
"""


def _checks(mode: str) -> dict:
    types = sorted(set(terraform.type_table().values()))
    done = subprocess.run([str(toolenv.ensure()), "-c", CHECKS, mode, str(HERE)], input=json.dumps(types),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_every_exported_type_gets_the_same_checks_with_the_stand_ins() -> None:
    """The proof the stand-ins rest on: for each type of the export's table (the only types a plan the
    gate writes holds), each registry answers the same checks in the same order; what the lean driver
    lacks are checks of the stood-in provider packages only, and the graph checks are the same list."""
    full, slim = _checks("full"), _checks("lean")
    assert set(full["found"]) == set(slim["found"])
    assert all(t.startswith("aws_") for t in terraform.type_table().values())
    for name, registry in full["found"].items():
        if "per-type" in registry:
            assert slim["found"][name]["per-type"] == registry["per-type"], name
        dropped = set(registry["all"]) - set(slim["found"][name]["all"])
        assert set(slim["found"][name]["all"]) <= set(registry["all"])
        assert all(full["modules"][name][i].startswith(tuple(f"{m}." for m in lean.STOOD_IN))
                   for i in dropped), name
    assert full["found"]["graph:terraform_plan"] == slim["found"]["graph:terraform_plan"]
    assert full["found"]["graph:arm"] == slim["found"]["graph:arm"]
    applied = sum(len(ids) for r in full["found"].values() for ids in r.get("per-type", {}).values())
    assert applied > 400     # the table types' checks are there (checkov 3.3.30: 467)
    assert sorted(slim["stood-in"]) == sorted(lean.STOOD_IN) and not full["stood-in"]


USE = """
import sys
sys.path.insert(0, sys.argv[1])
import lean, slim
lean.install()
slim.preload()
import aiohttp, boto3, docker, git
from checkov.common.runners import runner_registry
uses = (lambda: runner_registry.SPDX(reports=[]), lambda: runner_registry.CycloneDX(reports=[]),
        lambda: aiohttp.ClientSession, lambda: docker.from_env(), lambda: boto3.client("s3"),
        lambda: git.Repo.clone_from("u", "d"), lambda: git.Repo("."), lambda: git.Tree(),
        lambda: __import__("docker.errors"),
        lambda: __import__("checkov.terraform.checks.resource.gcp.CloudSqlMajorVersion"))
for use in uses:
    try:
        try:
            use()
        except Exception:         # what checkov's handlers catch
            print("swallowed")
    except lean.StoodIn as exc:
        print(exc)
print("dunder", hasattr(aiohttp, "__version__"), getattr(docker, "__file__", None))
"""


def test_the_modules_stood_in_refuse_any_use_past_checkov_s_handlers() -> None:
    done = subprocess.run([str(toolenv.ensure()), "-c", USE, str(HERE)], capture_output=True, text=True,
                          check=True)
    assert done.stdout.count("is not loaded in the slim replay") == 10
    assert "swallowed" not in done.stdout and "dunder False None" in done.stdout


FRESH = """
import sys
sys.path.insert(0, sys.argv[1])
import driver
driver._fresh = lambda directory, frameworks: print("fresh", directory, *frameworks) or sys.exit(0)
driver._full = lambda argv: print("full") or []
try:
    driver.main([sys.argv[2], "terraform_plan"])
except RuntimeError:   # the stand-in `_full` answered no report
    pass
import lean
print("stand-ins", lean.installed())
"""


@pytest.mark.parametrize(("extra", "expected"), [
    ({"CKV_SKIP_CHECK": "CKV_AWS_24"}, "fresh"),      # a variable changes the run: a new interpreter
    ({"GATE_CHECKOV_DRIVER": "checkov"}, "stand-ins False")])   # asked for checkov.main: no stand-ins
def test_a_scan_that_does_not_replay_runs_without_stand_ins(tmp_path: Path, extra: dict[str, str],
                                                            expected: str) -> None:
    done = subprocess.run([str(toolenv.ensure()), "-c", FRESH, str(HERE), str(tmp_path)], cwd=tmp_path,
                          env={**processes.checkov_env(), **extra}, capture_output=True, text=True,
                          check=False)
    assert expected in done.stdout, done.stderr[-2000:]


SKIPPED_CHECK = """
import os, sys
sys.path.insert(0, sys.argv[1])
import driver, lean, slim
if sys.argv[2] == "replay":
    lean.install()
    slim.preload()
else:    # checkov's own entry point (also how the driver re-executes a scan of a changed configuration)
    os.environ["GATE_CHECKOV_DRIVER"] = "checkov"
from checkov.common.checks_infra.registry import get_graph_checks_registry
registry = get_graph_checks_registry("terraform")
parse = registry.parser.parse_raw_check
seen = []
def parse_once_out_of_memory(*args, **kwargs):
    if not seen:
        seen.append(1)
        raise MemoryError()
    return parse(*args, **kwargs)
registry.parser.parse_raw_check = parse_once_out_of_memory
try:
    lean.preload_graph_checks() if sys.argv[2] == "replay" else driver._prepare()
except lean.ChecksIncomplete as exc:
    print(exc)
else:
    print(f"loaded {len(registry.checks)}")
"""


@pytest.mark.parametrize("path", ["replay", "checkov"])
def test_a_graph_check_checkov_could_not_parse_fails_the_driver(path: str) -> None:
    """Round 24: under a low RLIMIT_AS checkov's registry skipped graph checks whose parsing raised
    MemoryError (a warning below the driver's log level): the scans ran without them. Round 25: so did
    checkov's own entry point (`GATE_CHECKOV_DRIVER=checkov`), which the strict parse had left out."""
    done = subprocess.run([str(toolenv.ensure()), "-c", SKIPPED_CHECK, str(HERE), path], capture_output=True,
                          text=True, check=True)
    assert "could not parse a terraform graph check: MemoryError" in done.stdout, done.stdout + done.stderr
