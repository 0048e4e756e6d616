"""Red-team round 20 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r20-*.yaml)."""

from __future__ import annotations

import json

from policy_testlib import ALLOWED, graph, messages, pinned_res, res

RESOLVED = "require-resolved-references"
REPLICATION = "disallow-non-eea-replication"
GLUE = "aws:glue/resourcePolicy:ResourcePolicy"
UNJUDGED = (
    "which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by name) "
    "nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be judged")
ORG = (
    "`policy.Statement.0.Condition`: a grant narrowed to the organisation 'o-a1b2c3d4e5' lets every account "
    "of it read, in whatever region it runs (accounts the pack cannot list); name the accounts that read by "
    "a positive condition (StringEquals aws:PrincipalAccount or kms:CallerAccount with account ids, "
    "ArnEquals aws:PrincipalArn with the account in the ARN, aws:SourceAccount for a service): the stack's "
    "own, pinned "
    "by allowedAccountIds, or one declared with its region in stacks/records/endpoints.yaml; the pack cannot "
    "place that site in an allowed region, so keep the data in resources of the stack's own regions"
)


def _policy(condition: object, action: str = "glue:GetTable", principal: object = "*") -> object:
    stmt = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"}
    if condition is not None:
        stmt["Condition"] = condition
    return pinned_res(GLUE, "p", {"policy": json.dumps({"Statement": [stmt]})})


# ------------------------------------------------------------------ `Principal: *` narrowed to callers


def test_an_organisation_wide_read_grant_blocks():
    assert messages(REPLICATION, _policy({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
                    ALLOWED) == [ORG]
    paths = {"ForAnyValue:StringLike": {"AWS:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/*"]}}
    assert messages(REPLICATION, _policy(paths, principal={"AWS": ["*"]}), ALLOWED) != []


def test_principal_account_names_the_grantees():
    other = {"StringEquals": {"aws:PrincipalAccount": ["123456789012", "999988887777"]}}
    assert messages(REPLICATION, _policy(other), ALLOWED) == [
        "`policy.Statement.0.Condition` grants '999988887777' a copy it can take to any region or read "
        "access from any region (a shared snapshot, image or data share is copied or read wherever the "
        "grantee likes, a Lake Formation, RAM or resource-policy grant read from there, telemetry delivered "
        "into its account by an observability link or cross-account flow logs read there); share only with "
        "the stack's own account, which the pack knows only when the resource's provider pins it "
        "(allowedAccountIds: ['<12 digits>']; under a provider that pins none, even the stack's own account "
        "blocks), or declare the account (arns: [arn:aws:iam::<id>:]) with its region or jurisdiction in "
        "stacks/records/endpoints.yaml"]
    own = {"StringEquals": {"aws:PrincipalAccount": "123456789012",
                            "aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert messages(REPLICATION, _policy(own), ALLOWED) == []


def test_unnarrowed_or_write_only_statements_are_left_to_their_rules():
    org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    assert messages(REPLICATION, _policy(None), ALLOWED) == []  # public: pia-conditions
    assert messages(REPLICATION, _policy(org, action="s3:PutObject"), ALLOWED) == []  # brings data in
    assert messages(REPLICATION, _policy({"StringEquals": {"aws:SourceVpce": "vpce-1"}}), ALLOWED) == []


# ------------------------------------------------------------------ ids of another party's offer


def test_a_lighthouse_assignment_needs_a_definition_of_the_stack():
    target = "azure-native:managedservices:RegistrationDefinition"
    did = ("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ManagedServices/"
           "registrationDefinitions/2b7e")
    assignment = res("azure-native:managedservices:RegistrationAssignment", "a", {
        "scope": "/subscriptions/00000000-0000-0000-0000-000000000000",
        "properties": {"registrationDefinitionId": did}})
    assert messages(RESOLVED, graph(assignment), ALLOWED) == [
        ("a", f"`properties.registrationDefinitionId` refers to '{target}|{did}', " + UNJUDGED)]
    own = res(target, "d", {"id": did, "scope": "/subscriptions/00000000-0000-0000-0000-000000000000"})
    found = messages(RESOLVED, graph(own, assignment), ALLOWED)
    assert [m for m in found if m[0] == "a"] == []  # the definition's managing tenant is judged on `d`


def test_a_clean_rooms_membership_needs_a_collaboration_of_the_stack():
    target = "aws:cleanrooms/collaboration:Collaboration"
    member = pinned_res("aws:cleanrooms/membership:Membership", "m", {
        "collaborationId": "1a2b3c4d", "queryLogStatus": "ENABLED"})
    assert messages(RESOLVED, graph(member), ALLOWED) == [
        ("m", f"`collaborationId` refers to '{target}|1a2b3c4d', " + UNJUDGED)]
    own = pinned_res(target, "c", {"id": "1a2b3c4d", "name": "stats", "members": []})
    assert messages(RESOLVED, graph(own, member), ALLOWED) == []
