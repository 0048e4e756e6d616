"""Round-83 class (docs/pia-conditions.md, round 83). More code a workload role runs that a person may write:
images pulled again at each start from a mutable ECR tag (ECS tasks, Batch jobs, CodeBuild build images),
EMR bootstrap scripts and CodeBuild S3 sources, and access point policies that let a person write a script.
Wave 2, Azure: an app's run-from-package blob, Flex Consumption deployment container or registry image. The
cases are 9cb7786a and 9b0d0a95 (wave 1), 4fe78f81 and af7ef9fd (wave 2); each test that fails on the code
before the fix says so."""

from __future__ import annotations

import importlib
import json

import pytest
from ruletest import case, patch, run

SOD = "require-separation-of-duties"
AWS_DBA = "holds 2 separated functions: database structure, key administration (through running code as"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
IMG = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/dossier-web"


def _dba(found: list[tuple[str, str]]) -> bool:
    return any(AWS_DBA in m for n, m in found if n in ("db-admin-policy", "db-admin"))


@pytest.mark.parametrize("stem", [f"r83p-0{i}" for i in range(1, 9)])
def test_a_person_who_may_write_an_image_script_or_source_a_role_runs_holds_its_functions(stem):
    """Fails before (9cb7786a, 9b0d0a95): only App Runner's images, Glue and MWAA objects and bucket or
    repository policies were read."""
    assert _dba(run(SOD, case(stem)))


@pytest.mark.parametrize("stem", [f"r83p-5{i}" for i in range(6)])
def test_pinned_resolved_immutable_or_other_objects_pass(stem):
    assert run(SOD, case(stem)) == []


def _containers(image: str) -> str:
    return json.dumps([{"name": "web", "image": image, "essential": True}])


@pytest.mark.parametrize(
    "image, blocks",
    [
        ("nginx:1.27", False),  # another registry: written outside ecr:PutImage
        (IMG + ":1@sha256:" + "b" * 64, False),  # a digest wins over the tag
        ("111122223333.dkr.ecr.eu-west-1.amazonaws.com/other:latest", False),  # another repository
        (IMG, True),  # no tag: latest
    ],
)
def test_an_ecs_image_is_compared_with_the_repository_pushed_to(image, blocks):
    resources = patch(case("r83p-01"), "task", containerDefinitions=_containers(image))
    assert _dba(run(SOD, resources)) is blocks


def _fed(resources: list[dict], name: str, fld: str, refs: list[str]) -> list[dict]:
    for r in resources:
        if r["name"] == name:
            r["inputs"][fld] = UNKNOWN
            kept = {k: v for k, v in r.get("refs", {}).items() if k != fld}
            r["refs"] = {**kept, **({fld: refs} if refs else {})}
    return resources


def test_container_definitions_unknown_at_preview_are_the_repositories_they_are_fed_from():
    """A program passes `repo.repository_url` into the definitions: the repository, not every one."""
    assert _dba(run(SOD, _fed(case("r83p-01"), "task", "containerDefinitions", ["repo"])))
    immutable = patch(case("r83p-01"), "repo", imageTagMutability="IMMUTABLE")
    assert run(SOD, _fed(immutable, "task", "containerDefinitions", ["repo"])) == []


def test_container_definitions_unknown_and_fed_from_no_repository_are_any_image():
    other = "arn:aws:ecr:eu-west-1:111122223333:repository/x"
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["rds:CreateDBInstance"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["ecr:PutImage"], "Resource": other},
    ]}
    resources = patch(case("r83p-50"), "db-admin-policy", policy=json.dumps(policy))
    assert run(SOD, resources) == []
    assert _dba(run(SOD, _fed(resources, "task", "containerDefinitions", [])))


def test_an_emr_instance_profile_outside_the_stack_is_every_profile_of_it():
    resources = case("r83p-03")
    for r in resources:
        if r["name"] == "emr":
            r["inputs"]["ec2Attributes"]["instanceProfile"] = "arn:aws:iam::111122223333:instance-profile/x"
    assert _dba(run(SOD, resources))


def test_a_bootstrap_path_unknown_and_fed_from_no_bucket_is_any_object():
    resources = case("r83p-52")
    for r in resources:
        if r["name"] == "emr":
            r["inputs"]["bootstrapActions"] = [{"name": "agents", "path": UNKNOWN}]
    assert _dba(run(SOD, resources))


def test_a_codebuild_project_without_an_s3_source_runs_no_object():
    resources = patch(case("r83p-04"), "migrate", source={"type": "NO_SOURCE", "buildspec": "version: 0.2\n"})
    assert run(SOD, resources) == []


def test_an_access_point_policy_statement_without_resource_reaches_its_access_point():
    resources = case("r83p-05")
    for r in resources:
        if r["name"] == "scripts-ap-policy":
            doc = json.loads(r["inputs"]["policy"])
            doc["Statement"][0].pop("Resource")
            r["inputs"]["policy"] = json.dumps(doc)
    assert _dba(run(SOD, resources))


def test_an_access_point_policy_naming_the_account_delegates_to_iam():
    resources = case("r83p-05")
    for r in resources:
        if r["name"] == "scripts-ap-policy":
            r["inputs"]["policy"] = r["inputs"]["policy"].replace(
                "arn:aws:iam::111122223333:role/db-admin", "arn:aws:iam::111122223333:root")
    assert run(SOD, resources) == []


def test_the_images_a_role_runs_are_read_once_per_stack_not_per_person(monkeypatch):
    """Counted, not timed: ten persons who may push read the task definition once (fails before: the module
    did not exist)."""
    code_runners = importlib.import_module("policies.core.iam.code_runners")
    calls: list[str] = []
    real = code_runners._images
    monkeypatch.setattr(code_runners, "_images", lambda g, r, f: calls.append(r.name) or real(g, r, f))
    resources = case("r83p-01")
    dba = next(r for r in resources if r["name"] == "db-admin-policy")
    root = {"AWS": "arn:aws:iam::111122223333:root"}
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": root}]})
    for i in range(10):
        name = f"pusher-{i}"
        resources += [
            {"name": name, "type": "aws:iam/role:Role", "inputs": {"name": name, "assumeRolePolicy": trust}},
            {"name": f"{name}-policy", "type": "aws:iam/rolePolicy:RolePolicy", "refs": {"role": name},
             "inputs": {"role": name, "policy": dba["inputs"]["policy"]}},
        ]
    assert _dba(run(SOD, resources))
    assert calls.count("task") == 1


# Wave 2 (cases 4fe78f81): Azure packages, deployment containers and images a person may write.
AZ_DBA = "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: database structure, key"
PKG = "https://stcorpus.blob.core.windows.net/packages/app.zip"


def _az_dba(found: list[tuple[str, str]]) -> bool:
    return any(AZ_DBA in m for _, m in found)


@pytest.mark.parametrize("stem", [f"r83p-{i:02d}" for i in range(9, 16)])
def test_a_person_who_may_write_an_apps_package_or_push_its_image_holds_its_identitys_functions(stem):
    """Fails before (4fe78f81, and af7ef9fd for r83p-15, a Key Vault reference): only operations on the app
    itself ran code as its identity."""
    assert _az_dba(run(SOD, case(stem)))


@pytest.mark.parametrize("stem", ["r83p-56", "r83p-57", "r83p-58", "r83p-59", "r83p-60"])
def test_other_accounts_readers_digests_and_local_packages_pass(stem):
    assert run(SOD, case(stem)) == []


def _package(stem: str, value: str) -> list[dict]:
    resources = case(stem)
    for r in resources:
        if r["name"] == "app-settings":
            r["inputs"]["properties"]["WEBSITE_RUN_FROM_PACKAGE"] = value
    return resources


@pytest.mark.parametrize(
    "value, blocks",
    [
        (UNKNOWN, True),  # unknown at preview: any account
        ("https://stexternal.blob.core.windows.net/packages/app.zip", True),  # outside the stack: any scope
        ("HTTPS://STCORPUS.blob.core.windows.net/packages/app.zip", False),  # the package's, not the writer's
        ("https://github.com/example/app/releases/download/v1/app.zip", False),  # outside Azure RBAC
        ("0", False),  # not run from a package
        ("packages/app.zip", True),  # no URL the rule reads
    ],
)
def test_a_package_url_is_placed_in_its_account(value, blocks):
    assert _az_dba(run(SOD, _package("r83p-56", value))) is blocks


def test_a_blob_writer_on_another_resource_group_does_not_reach_the_package():
    resources = patch(case("r83p-10"), "ra-dba-blobs", scope="/subscriptions/s/resourceGroups/rg-other")
    assert run(SOD, resources) == []


@pytest.mark.parametrize(
    "image, blocks",
    [
        ("mcr.microsoft.com/k8se/quickstart:latest", False),  # another registry: outside the stack's RBAC
        ("ACRCORPUS.azurecr.io/key-rotator", True),  # host names compare without case
        (UNKNOWN, True),
    ],
)
def test_a_container_image_is_placed_in_its_registry(image, blocks):
    resources = case("r83p-12")
    for r in resources:
        if r["name"] == "capp":
            r["inputs"]["template"]["containers"][0]["image"] = image
    assert _az_dba(run(SOD, resources)) is blocks


def test_the_packages_an_identity_runs_are_read_once_per_stack_not_per_person(monkeypatch):
    """Counted, not timed: ten blob writers read the app once (fails before: the module did not exist)."""
    objects = importlib.import_module("policies.core.iam.azure_code_objects")
    calls: list[str] = []
    real = objects.identities
    monkeypatch.setattr(objects, "identities", lambda g, r: calls.append(r.name) or real(g, r))
    resources = case("r83p-09")
    writer = next(r for r in resources if r["name"] == "ra-dba-blobs")
    for i in range(10):
        inputs = {**writer["inputs"], "principalId": f"00000000-0000-0000-0000-00000000010{i}"}
        resources.append({**writer, "name": f"ra-writer-{i}", "inputs": inputs})
    assert _az_dba(run(SOD, resources))
    assert calls.count("app") == 1
