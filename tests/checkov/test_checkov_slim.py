"""The slim driver (slim.py: checkov's `Checkov.run` replayed without `checkov.main`) answers exactly what
checkov's own entry point answers, loads the same checks, and gives way to it when a config file or a
variable changes the run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from checkov_states import scenarios
from gate.checkov import processes, runner, slim, toolenv
from gate.checkov.parallel import FRAMEWORKS
from gate.errors import GateError
from gate.procs import kill_pgid

pytestmark = pytest.mark.slow
HERE = Path(processes.__file__).parent


def _storage(name: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01",
                           "name": name, "location": "westeurope", "kind": "StorageV2",
                           "sku": {"name": "Standard_GRS"},
                           "properties": {"supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2"}}
    return out | ({"metadata": metadata} if metadata else {})


def _directory(tmp: Path) -> Path:
    """The scenarios' exported views (plan with graph-check links, ARM template), plus a template in
    which one of two equal storage accounts skips a check the way checkov reads from ARM metadata."""
    root = tmp / "scan"
    for stack, state in scenarios().items():
        runner.export_stack(stack, state, root / stack)
    template = {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
                "contentVersion": "1.0.0.0", "parameters": {},
                "resources": [_storage("plain"),
                              _storage("skipping", {"checkov": ["checkov:skip=CKV_AZURE_35: decided"]})]}
    (root / "skips").mkdir()
    (root / "skips" / "skips.arm.json").write_text(json.dumps(template, separators=(",", ":")) + "\n")
    return root


def _scan(directory: Path, logs: Path) -> list[dict[str, Any]]:
    return processes.Driver(logs).run(directory, list(FRAMEWORKS), 300)


def _results(reports: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((r["check_type"], key, json.dumps(c, sort_keys=True))
                  for r in reports for key, checks in r["results"].items() for c in checks)


def _ids(reports: list[dict[str, Any]], key: str, resource: str) -> set[str]:
    return {c["check_id"] for r in reports for c in r["results"][key] if c["resource"] == resource}


def test_slim_driver_answers_what_checkov_main_answers(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    directory = _directory(tmp_path)
    replayed = _scan(directory, tmp_path / "slim")
    monkeypatch.setenv("GATE_CHECKOV_DRIVER", "checkov")
    full = _scan(directory, tmp_path / "full")
    # the same results (checkov's own order of them varies from run to run: the gate sorts them), and one
    # report per framework, in whichever order its parallel runner finished them (both orders seen in CI)
    assert _results(replayed) == _results(full)
    assert sorted(r["check_type"] for r in replayed) == sorted(r["check_type"] for r in full) == [
        "arm", "terraform_plan"]
    checks = {c["check_id"] for r in replayed for key in ("failed_checks", "passed_checks")
              for c in r["results"][key]}
    assert {"CKV2_AWS_6", "CKV_AWS_7", "CKV_AZURE_35"} <= checks   # graph and resource checks, both
    # a check skipped in the template is in neither list; its twin without the skip fails it
    plain, skipping = "Microsoft.Storage/storageAccounts.plain", "Microsoft.Storage/storageAccounts.skipping"
    assert "CKV_AZURE_35" in _ids(replayed, "failed_checks", plain)
    judged = _ids(replayed, "failed_checks", skipping) | _ids(replayed, "passed_checks", skipping)
    assert "CKV_AZURE_35" not in judged and judged


def test_a_config_file_or_variable_is_honoured_as_checkov_would(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate's driver reads its directory as its working directory, as a plain `checkov -d` run
    would: a `.checkov.yaml` there (or ~/.checkov.yaml, or CKV_SKIP_CHECK) changes the run, so the
    driver hands it to checkov's own entry point instead of the slim replay."""
    directory = _directory(tmp_path)
    plain = _scan(directory, tmp_path / "plain")
    sg = "aws_security_group.sg-ssh-world"
    assert "CKV_AWS_24" in _ids(plain, "failed_checks", sg)
    monkeypatch.setenv("CKV_SKIP_CHECK", "CKV_AWS_24")
    by_variable = _scan(directory, tmp_path / "variable")
    monkeypatch.delenv("CKV_SKIP_CHECK")
    (directory / ".checkov.yaml").write_text("skip-check:\n  - CKV_AWS_24\n")
    by_file = _scan(directory, tmp_path / "file")
    for reports in (by_variable, by_file):
        assert "CKV_AWS_24" not in _ids(reports, "failed_checks", sg) | _ids(reports, "passed_checks", sg)
        assert _ids(reports, "failed_checks", sg) == _ids(plain, "failed_checks", sg) - {"CKV_AWS_24"}


COUNT = """
import gc, json, sys
sys.path.insert(0, sys.argv[2])
if sys.argv[1] == "slim":
    import slim
    slim.preload()
    runners = [getattr(__import__(m, fromlist=[c]), c)() for m, c in slim.RUNNERS.values()]
else:
    import checkov.main
    runners = [r for r in checkov.main.DEFAULT_RUNNERS if r.check_type in ("arm", "terraform_plan")]
from checkov.common.checks.base_check_registry import BaseCheckRegistry
found = {}
for reg in gc.get_objects():
    if isinstance(reg, BaseCheckRegistry) and reg.report_type in ("arm", "terraform", "terraform_plan"):
        name = f"{type(reg).__module__}:{reg.report_type}"
        ids = [f"{e}:{c.id}" for e, cs in reg.checks.items() for c in cs]
        ids += [f"*{e}:{c.id}" for e, cs in reg.wildcard_checks.items() for c in cs]
        found.setdefault(name, []).append(sorted(ids))
for r in runners:
    r.graph_registry.load_checks()
    found[f"graph:{r.check_type}"] = [sorted(c.id for c in r.graph_registry.checks)]
print(json.dumps({k: sorted(v) for k, v in found.items()}))
"""


def test_slim_driver_loads_the_same_checks_as_checkov_main() -> None:
    python = str(toolenv.ensure())
    counted = [json.loads(subprocess.run([python, "-c", COUNT, mode, str(HERE)], capture_output=True,
                                         text=True, check=True).stdout) for mode in ("slim", "main")]
    assert counted[0] == counted[1]
    sizes = {k: sum(len(ids) for ids in v) for k, v in counted[0].items()}
    assert sizes["graph:terraform_plan"] > 100 and sizes["graph:arm"] > 0
    assert sum(sizes.values()) > 1500     # checkov 3.3.30: 1,319 terraform resource checks alone


def test_a_driver_that_fails_or_garbles_its_answer_fails_the_scan(tmp_path: Path) -> None:
    """Closed world, whichever way the driver goes: no answer, a crash, a cut answer are errors."""
    with pytest.raises(GateError, match=r"exit 1\).*not a directory"):
        processes.Driver(tmp_path / "logs").run(tmp_path / "missing", ["terraform_plan"], 300)
    for code, out, err in ((0, "", ""), (0, '[{"check_type": "arm", "results": {"fail', ""),
                           (-9, "", ""), (1, "[]", "Traceback...\nValueError: boom")):
        with pytest.raises(GateError, match=r"checkov: (failed|unreadable)"):
            processes._reports(code, out, err, tmp_path)


def test_a_framework_without_a_report_fails_the_driver(tmp_path: Path) -> None:
    """checkov's fork pool skips a worker that died before answering: a missing report is an error."""
    (tmp_path / "x").mkdir()
    drop = ("import sys; sys.path.insert(0, sys.argv[1]); import driver, slim\n"
            "scan = slim.scan\n"
            "slim.scan = lambda config: [r for r in scan(config) if r.check_type != 'arm']\n"
            "driver.main([sys.argv[2], 'terraform_plan', 'arm'])\n")
    done = subprocess.run([str(toolenv.ensure()), "-c", drop, str(HERE), str(tmp_path)], capture_output=True,
                          text=True, check=False)
    assert done.returncode != 0 and "no report for ['arm']" in done.stderr and not done.stdout


def test_slim_replays_the_pinned_checkov_release() -> None:
    """slim.py copies `Checkov.run` of one release: bumping checkov makes the driver run `checkov.main`
    (correct, slower) until slim.py is compared with the new `Checkov.run` and REPLAYS follows."""
    assert slim.REPLAYS == toolenv.CHECKOV_VERSION


def test_the_gate_s_own_scan_takes_the_slim_replay(tmp_path: Path) -> None:
    """Nothing in the gate's own environment declines it (else the driver would quietly be slower)."""
    ask = ("import sys; sys.path.insert(0, sys.argv[1]); import driver, slim; slim.preload()\n"
           "print(slim.pristine(driver.arguments(sys.argv[2], ['terraform_plan', 'arm'])) is not None)\n")
    answers = []
    for extra in ({}, {"CKV_SKIP_CHECK": "CKV_AWS_24"}):
        done = subprocess.run([str(toolenv.ensure()), "-c", ask, str(HERE), str(tmp_path)], cwd=tmp_path,
                              env={**processes.checkov_env(), **extra}, capture_output=True, text=True,
                              check=True)
        answers.append(done.stdout.strip())
    assert answers == ["True", "False"]


@pytest.mark.slow
def test_one_driver_scans_several_directories_at_once_each_as_a_fresh_driver_would(tmp_path: Path) -> None:
    """The scans of a run (shards, stacks as they are recorded) are forks of one driver: checkov is
    imported once, and each answer equals that of a driver of its own (no scan sees another's state)."""
    directory = _directory(tmp_path)
    alone = {name: _results(_scan(directory / name, tmp_path / f"alone-{name}"))
             for name in ("aws-cases", "skips")}
    driver = processes.Driver(tmp_path / "shared")
    try:
        jobs = {name: driver.submit(directory / name, list(FRAMEWORKS)) for name in ("aws-cases", "skips")}
        again = driver.submit(directory / "aws-cases", list(FRAMEWORKS))     # after the others, the same
        together = {name: _results(driver.wait(job, 300)) for name, job in jobs.items()}
        assert _results(driver.wait(again, 300)) == together["aws-cases"]
        assert driver.proc.poll() is None        # it serves on until the run ends it
    finally:
        driver.cancel()
    assert together == alone and all(alone.values())
    assert driver.proc.poll() is not None


@pytest.mark.slow
def test_a_failed_scan_fails_alone_and_a_driver_that_dies_fails_every_waiting_scan(tmp_path: Path) -> None:
    """Closed world per scan: a failed fork is its own scan's error; a driver that ends (killed, crashed)
    answers every scan still waiting with an error, never with nothing found and never a hang."""
    directory = _directory(tmp_path)
    driver = processes.Driver(tmp_path / "logs")
    try:
        missing = driver.submit(tmp_path / "missing", ["terraform_plan"])
        good = driver.submit(directory / "skips", list(FRAMEWORKS))
        with pytest.raises(GateError, match=r"exit 1\).*not a directory"):
            driver.wait(missing, 300)
        assert _ids(driver.wait(good, 300), "failed_checks", "Microsoft.Storage/storageAccounts.plain")
        kill_pgid(driver.proc.pid)
        late = driver.submit(directory / "skips", list(FRAMEWORKS))
        with pytest.raises(GateError, match=r"checkov: failed on .*skips \(exit -9\)"):
            driver.wait(late, 60)
    finally:
        driver.cancel()
