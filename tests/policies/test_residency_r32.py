"""Red-team round 32 of the residency pack: account ids in YAML documents and command lines, a role trust to
another account's principal ARN, keys named as quantities, Scheduler SSM runs (the corpus cases are
tests/corpus/residency/{evil,good}/r32-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

OTHER = "999988887777"
OWN = "123456789012"
OPAQUE = "disallow-opaque-deployers"


def _document(account: str) -> object:
    content = ("schemaVersion: '0.3'\nmainSteps:\n  - name: share\n    action: aws:executeAwsApi\n"
               "    inputs:\n      Service: rds\n      Api: ModifyDBSnapshotAttribute\n      ValuesToAdd:\n"
               f"        - {account}\n")
    return pinned_res("aws:ssm/document:Document", "d", {
        "name": "share", "documentType": "Automation", "documentFormat": "YAML", "content": content})


def test_an_account_id_inside_a_yaml_document_is_a_grantee_unquoted_too():
    assert messages(REPLICATION, _document(OTHER), ALLOWED) == [
        grant_message("content(yaml).mainSteps.0.inputs.ValuesToAdd.0", OTHER)]
    assert messages(REPLICATION, _document(OWN), ALLOWED) == []


def _task(command: list[str]) -> object:
    return pinned_res("aws:ecs/taskDefinition:TaskDefinition", "t", {
        "family": "share",
        "containerDefinitions": json.dumps([{"name": "c", "image": "x", "command": command}])})


def test_an_account_id_as_a_word_of_a_command_line_is_a_grantee():
    share = f"aws ec2 modify-snapshot-attribute --attribute createVolumePermission --user-ids={OTHER}"
    assert messages(REPLICATION, _task([share]), ALLOWED) == [
        grant_message("containerDefinitions(json).0.command.0", OTHER)]
    # under a command's key a line needs no option flag; an option named as a quantity is not an account
    assert messages(REPLICATION, _task([f"python share.py {OTHER}"]), ALLOWED) == [
        grant_message("containerDefinitions(json).0.command.0", OTHER)]
    assert messages(REPLICATION, _task([f"./check --max-bytes {OTHER} --owner {OWN}"]), ALLOWED) == []
    # prose outside a command's key is not read
    fn = pinned_res("aws:lambda/function:Function", "f", {
        "role": f"arn:aws:iam::{OWN}:role/f",
        "environment": {"variables": {"GREETING": f"case {OTHER} ready"}}})
    assert messages(REPLICATION, fn, ALLOWED) == []


def test_a_document_inside_a_source_block_is_read_though_the_block_places_its_own_accounts():
    buildspec = f"version: 0.2\nphases:\n  build:\n    commands:\n      - aws ram x --principals {OTHER}\n"
    project = pinned_res("aws:codebuild/project:Project", "p", {
        "source": {"type": "NO_SOURCE", "buildspec": buildspec, "owner": OTHER}})
    assert messages(REPLICATION, project, ALLOWED) == [
        grant_message("source.buildspec(yaml).phases.build.commands.0", OTHER)]


def _role(*principals: str) -> object:
    return pinned_res("aws:iam/role:Role", "r", {"assumeRolePolicy": json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": list(principals)}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
         "Action": "sts:AssumeRole"}]})})


def test_a_role_trust_to_another_accounts_principal_arn_is_a_grantee():
    assert messages(REPLICATION, _role(f"arn:aws:iam::{OWN}:root", f"arn:aws:iam::{OTHER}:role/etl"),
                    ALLOWED) == [grant_message("assumeRolePolicy", OTHER)]
    assert messages(REPLICATION, _role(f"arn:aws:iam::{OWN}:role/deploy"), ALLOWED) == []


def test_a_key_named_as_a_quantity_holds_no_account_unless_it_also_names_a_party():
    def fn(variables: dict[str, str]) -> object:
        return pinned_res("aws:lambda/function:Function", "f", {
            "role": f"arn:aws:iam::{OWN}:role/f", "environment": {"variables": variables}})
    assert messages(REPLICATION, fn({"MAX_UPLOAD_BYTES": OTHER, "retentionMs": OTHER, "testReference": OTHER,
                                     "feeProductCode": OTHER}), ALLOWED) == []
    assert messages(REPLICATION, fn({"SHARE_TIMEOUT": OTHER}), ALLOWED) == [
        grant_message("environment.variables.SHARE_TIMEOUT", OTHER)]
    assert messages(REPLICATION, fn({"EXPORT": OTHER}), ALLOWED) == [
        grant_message("environment.variables.EXPORT", OTHER)]


def _schedule(document: str) -> object:
    return pinned_res("aws:scheduler/schedule:Schedule", "s", {
        "scheduleExpression": "rate(7 days)", "flexibleTimeWindow": {"mode": "OFF"},
        "target": {"arn": "arn:aws:scheduler:::aws-sdk:ssm:sendCommand",
                   "roleArn": f"arn:aws:iam::{OWN}:role/s",
                   "input": json.dumps({"DocumentName": document,
                                        "Targets": [{"Key": "tag:P", "Values": ["e"]}]})}})


def test_a_scheduler_ssm_run_reads_the_document_from_its_input():
    assert messages(OPAQUE, _schedule("AWS-RunPatchBaseline")) == []
    assert messages(OPAQUE, _schedule("AWS-RunShellScript")) == [
        "`target.input` has AWS run the SSM document 'AWS-RunShellScript' on instances: what it runs "
        "(commands, scripts, playbooks) is not in any input, so no policy can inspect it; only the AWS-owned "
        "documents that run no customer code may be run (AWS-GatherSoftwareInventory, AWS-RunPatchBaseline, "
        "AWS-RunPatchBaselineAssociation, AWS-UpdateSSMAgent); declare the work as Pulumi resources instead"]
