"""Round-82 class (docs/pia-conditions.md, round 82). More ways to run code as an AWS workload role without
iam:PassRole: CodeBuild batch builds, Glue job runs and triggers (their Arguments override the script),
CodeDeploy deployments and Beanstalk updates on instances, App Runner updates, Amplify build specs, notebook
lifecycle configurations, and a Batch job role written deep in a multi-node or ECS-properties definition.
Wave 2: code a role runs that is an object a person may write (a Glue script or library, an MWAA DAG folder
or requirements, an image App Runner deploys automatically), and Azure scopes fed from a resource of another
group or naming another subscription. Wave 3, a probe of wave 2: bucket and repository policies, writes
through access points, a location spelt otherwise. The cases are 22cb80cf, fd197d84 and c196c21c; each test
that fails on the code before the fix says so."""

from __future__ import annotations

import contextlib
import importlib
import json

import pytest
from ruletest import case, patch, run

from policies.core.iam import runs_as

SOD = "require-separation-of-duties"
AWS_DBA = "holds 2 separated functions: database structure, key administration (through running code as"


def _code_objects():
    """Imported where used, so that each test can be run on the code before the module existed."""
    return importlib.import_module("policies.core.iam.code_objects")


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
    with contextlib.suppress(ModuleNotFoundError):  # the code of wave 1 has no such module
        monkeypatch.setattr(_code_objects(), "written_as", lambda *_a: [])  # counted in its own test
    graph, principals = _Graph(), []
    for _ in range(PERSONS):
        runs_as.acted_as(_Person({"glue:updatejob"}), graph, principals)
    rows = [t for acts, t, _ in runs_as.RUNS_AS if "glue:updatejob" in acts]
    assert len(calls) == HOLDERS * sum(len(t) for t in rows)


DBA = "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: database structure, key"


@pytest.mark.parametrize("stem", [f"r82p-1{i}" for i in range(7)])
def test_a_person_who_may_write_the_code_a_role_runs_holds_its_functions(stem):
    """Fails before (fd197d84): writing an object ran nothing as a role."""
    assert _dba(run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r82p-55", "r82p-56", "r82p-57", "r82p-58"])
def test_writing_other_objects_or_an_immutable_tag_passes(stem):
    assert run(SOD, case(stem)) == []


def _writes(resources: list[dict], *arns: str) -> list[dict]:
    stmt = {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": list(arns)}
    rds = {"Effect": "Allow", "Action": ["rds:CreateDBInstance"], "Resource": "*"}
    policy = json.dumps({"Version": "2012-10-17", "Statement": [rds, stmt]})
    return patch(resources, "db-admin-policy", policy=policy)


@pytest.mark.parametrize(
    "arn, blocks",
    [
        ("arn:aws:s3:::corpus-scripts/other.py", False),
        ("arn:aws:s3:::corpus-scripts/export.p?", True),
        ("arn:aws:s3:::corpus-scripts/${aws:username}", True),  # a policy variable may be any name
        ("arn:aws:s3:::corpus-scripts/EXPORT.py", False),  # object keys are case-sensitive
        ("*", True),
    ],
)
def test_a_write_pattern_is_compared_with_the_script(arn, blocks):
    assert _dba(run(SOD, _writes(case("r82p-10"), arn))) is blocks


def test_a_script_location_unknown_and_fed_from_no_bucket_is_any_object():
    resources = [{**r, "refs": {k: v for k, v in r.get("refs", {}).items() if k != "command"}}
                 for r in case("r82p-57")]
    assert _dba(run(SOD, resources))


def test_an_app_runner_service_without_automatic_deployments_deploys_no_push():
    resources = case("r82p-16")
    for r in resources:
        if r["name"] == "web":
            r["inputs"]["sourceConfiguration"]["autoDeploymentsEnabled"] = False
    assert run(SOD, resources) == []


def test_a_repository_outside_the_stack_may_be_mutable():
    resources = [r for r in case("r82p-58") if r["name"] != "repo"]
    assert _dba(run(SOD, resources))


@pytest.mark.parametrize("stem", ["r82p-60", "r82p-61", "r82p-62"])
def test_a_scope_in_another_group_or_subscription_does_not_reach_the_app(stem):
    """Fails before (fd197d84): a scope fed from a resource other than a resource group, and any
    subscription, reached every resource."""
    assert run(SOD, case(stem)) == []


@pytest.mark.parametrize("stem", ["r82p-17", "r82p-18"])
def test_a_scope_from_the_apps_group_or_its_pinned_subscription_still_reaches_it(stem):
    assert any(DBA in m for _, m in run(SOD, case(stem)))


def test_a_scope_fed_from_a_deployment_still_reaches_the_app():
    """A deployment's outputs may be any id: it stays in no group."""
    resources = case("r82p-60")
    for r in resources:
        if r["name"] == "reporting":
            r["type"] = "azure-native:resources:Deployment"
    assert any(DBA in m for _, m in run(SOD, resources))


def test_an_unpinned_provider_compares_no_subscription():
    resources = [{k: v for k, v in r.items() if k != "provider"} for r in case("r82p-61")]
    assert any(DBA in m for _, m in run(SOD, resources))


class _Writer:
    kind, physical_name = "role", "db-admin"
    statements = [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::exports/*"}]


def test_a_persons_write_patterns_are_matched_only_with_the_objects_of_the_buckets_they_name(monkeypatch):
    """Counted, not timed: targets are indexed by bucket once per stack; a person naming another bucket
    compares nothing (fails before: the module did not exist)."""
    code_objects, graph, calls = _code_objects(), _Graph(), []
    targets = {code_objects.S3_PUT: {"scripts": [("arn:aws:s3:::scripts/x.py", False, object())] * HOLDERS},
               code_objects.ECR_PUT: {}}
    monkeypatch.setattr(code_objects, "_targets", lambda _g, _p, _r: targets)
    monkeypatch.setattr(code_objects, "_matches", lambda *a: calls.append(a) or False)
    if hasattr(code_objects, "granted"):  # wave 3: resource policies, an index lookup per person
        monkeypatch.setattr(code_objects, "granted", lambda *_a: {})
    for _ in range(PERSONS):
        assert code_objects.written_as(_Writer(), graph, [], lambda _h, _w: []) == []
    assert calls == []


@pytest.mark.parametrize("stem", [f"r82p-{i}" for i in (19, 20, 21, 22, 23, 24)])
def test_a_resource_policy_an_access_point_or_another_spelling_lets_the_person_write_the_code(stem):
    """Fails before (c196c21c): only identity policies naming the bucket's own ARN were read, and a location
    that was no lower-case s3:// URL named nothing."""
    assert _dba(run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r82p-63", "r82p-64", "r82p-65"])
def test_resource_policies_and_access_points_that_reach_no_script_pass(stem):
    assert run(SOD, case(stem)) == []


def test_an_access_point_outside_the_stack_may_reach_any_bucket():
    resources = [r for r in case("r82p-65") if r["name"] != "exports-ap"]
    assert _dba(run(SOD, resources))


def test_a_bucket_policy_naming_the_account_delegates_to_iam():
    resources = case("r82p-19")
    for r in resources:
        if r["name"] == "scripts-policy":
            r["inputs"]["policy"] = r["inputs"]["policy"].replace(
                "arn:aws:iam::111122223333:role/db-admin", "arn:aws:iam::111122223333:root")
    assert run(SOD, resources) == []


@pytest.mark.parametrize(
    "value, who",
    [
        ("arn:aws:iam::111122223333:role/ops/db-admin", ("role", "db-admin")),
        ("arn:aws:sts::111122223333:assumed-role/db-admin/alice", ("role", "db-admin")),
        ("arn:aws:iam::111122223333:user/alice", ("user", "alice")),
        ("arn:aws:iam::111122223333:root", None),
        ("111122223333", None),
        ("*", "*"),
    ],
)
def test_principals_of_a_resource_policy(value, who):
    assert importlib.import_module("policies.core.iam.code_grants")._who(value) == who


@pytest.mark.parametrize(
    "argument, value, blocks",
    [
        ("--additional-python-modules", "pandas==2.2.2", False),  # installed from PyPI, no object
        ("--extra-py-files", "libs/helpers.zip", True),  # no S3 URL the rule reads: any object
    ],
)
def test_a_library_argument_the_rule_cannot_read_is_any_object(argument, value, blocks):
    resources = patch(case("r82p-55"), "job", defaultArguments={argument: value})
    assert _dba(run(SOD, _writes(resources, "arn:aws:s3:::corpus-exports/*"))) is blocks
