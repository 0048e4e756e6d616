"""Round-82 class (docs/pia-conditions.md, round 82). More ways to run code as an AWS workload role without
iam:PassRole: CodeBuild batch builds, Glue job runs and triggers (their Arguments override the script),
CodeDeploy deployments and Beanstalk updates on instances, App Runner updates, Amplify build specs, notebook
lifecycle configurations, and a Batch job role written deep in a multi-node or ECS-properties definition.
The cases are 22cb80cf; each test that fails on the code before the fix says so."""

from __future__ import annotations

import json

import pytest
from ruletest import case, patch, run

from policies.core.iam import runs_as

SOD = "require-separation-of-duties"
AWS_DBA = "holds 2 separated functions: database structure, key administration (through running code as"


def _dba(found: list[tuple[str, str]]) -> bool:
    return any(AWS_DBA in m for n, m in found if n in ("db-admin-policy", "db-admin"))


@pytest.mark.parametrize("stem", [f"r82p-0{i}" for i in range(1, 10)])
def test_a_person_who_runs_code_as_an_aws_role_by_more_services_holds_its_functions(stem):
    """Fails before (22cb80cf): none of these actions ran code as a role, nor was a job role read below the
    first level of a job definition."""
    assert _dba(run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r82p-50", "r82p-51", "r82p-52", "r82p-53"])
def test_reading_or_running_as_a_role_without_another_function_passes(stem):
    assert run(SOD, case(stem)) == []


def test_an_ecs_properties_job_role_counts():
    """Fails before: `ecsProperties` was not read."""
    props = {"taskProperties": [{"taskRoleArn": "arn:aws:iam::111122223333:role/key-ops", "containers": [
        {"name": "main", "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/reindex:1"}]}]}
    resources = patch(case("r82p-09"), "job", type="container", nodeProperties=None,
                      ecsProperties=json.dumps(props))
    assert _dba(run(SOD, resources))


def test_a_job_definition_that_is_no_json_document_names_no_role():
    resources = patch(case("r82p-09"), "job", nodeProperties="{not json")
    assert run(SOD, resources) == []


class _Graph:
    """A stack of HOLDERS Glue jobs; the cache of the real StackGraph."""

    def __init__(self) -> None:
        self._once: dict[str, object] = {}

    def once(self, key, compute):
        if key not in self._once:
            self._once[key] = compute()
        return self._once[key]

    def by_type(self, *types):
        return [f"{t}-{i}" for t in types for i in range(HOLDERS)]


class _Person:
    def __init__(self, acts: set[str]) -> None:
        self._acts = acts

    def actions(self) -> set[str]:
        return self._acts


HOLDERS, PERSONS = 40, 25


def test_the_roles_a_row_runs_as_are_found_once_per_stack_not_per_person(monkeypatch):
    """Fails before: each person holding a row's actions read every resource of the row (persons x
    resources). Counted, not timed."""
    calls: list[object] = []
    monkeypatch.setattr(runs_as, "_roles", lambda _g, _p: ({}, {}))
    monkeypatch.setattr(runs_as, "_role_of", lambda _g, h, _w, _r: calls.append(h) or [])
    graph, principals = _Graph(), []
    for _ in range(PERSONS):
        runs_as.acted_as(_Person({"glue:updatejob"}), graph, principals)
    rows = [t for acts, t, _ in runs_as.RUNS_AS if "glue:updatejob" in acts]
    assert len(calls) == HOLDERS * sum(len(t) for t in rows)
