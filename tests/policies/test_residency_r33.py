"""Red-team round 33 of the residency pack: OIDC trusts without a pinned subject, global edge service
principals, federation issuers of clusters and other hosts, account ids glued to CLI shorthand or written
without `arn:aws:iam::`, vendors' service principals, Cosmos DB children placed by their account (the corpus
cases are tests/corpus/residency/{evil,good}/r33-*.yaml)."""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, REPLICATION, grant_message, graph, messages, pinned_res, res

OTHER = "999988887777"
OWN = "123456789012"
INHERITED = "require-eea-inherited-location"
GITHUB = "token.actions.githubusercontent.com"
OWN_CI = "repo:vlaio/"


@pytest.fixture(autouse=True)
def _own_ci_record(tmp_path, monkeypatch):
    """An endpoints record declaring the controller's own CI owners (GitHub, GitLab, Azure DevOps)."""
    (tmp_path / "endpoints.yaml").write_text(
        "endpoints:\n  - {id: own-ci, class: identity-provider, subjects: ['repo:vlaio/',"
        " 'project_path:vlaio/', 'sc://aiv/'], jurisdiction: BE,"
        " reason: the controller's own CI organisations}\n", encoding="utf-8")
    monkeypatch.setenv("DOSIS_RECORDS_DIR", str(tmp_path))


SITE_TAIL = ("; the pack cannot place that site in an allowed region, so keep the data in resources of the "
             "stack's own regions")


def _trust(condition: dict[str, object]) -> object:
    return pinned_res("aws:iam/role:Role", "ci", {"assumeRolePolicy": json.dumps({"Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
        "Principal": {"Federated": f"arn:aws:iam::{OWN}:oidc-provider/{GITHUB}"}, "Condition": condition}]})})


def test_an_oidc_trust_without_a_pinned_subject_lets_anybody_act_as_the_role():
    unpinned = (
        f"`assumeRolePolicy`: the trust federates {GITHUB} without pinning `{GITHUB}:sub` to exact values "
        "(StringEquals, or StringLike without wildcards), so every subject that issuer signs for (any "
        "repository, project or service account, anybody's) acts as the role from wherever it runs; pin the "
        "subject to the stack's own pipeline or workload" + SITE_TAIL)
    aud = {f"{GITHUB}:aud": "sts.amazonaws.com"}
    assert messages(REPLICATION, _trust({"StringEquals": aud}), ALLOWED) == [unpinned]
    assert messages(REPLICATION, _trust({"StringEquals": aud, "StringLike": {f"{GITHUB}:sub": "repo:*"}}),
                    ALLOWED) == [unpinned]
    pinned = {"StringEquals": {**aud, f"{GITHUB}:sub": "repo:vlaio/eloket-portal:environment:prod"}}
    assert messages(REPLICATION, _trust(pinned), ALLOWED) == []


def _bucket_policy(service: str, action: str = "s3:GetObject") -> object:
    return pinned_res("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "b", "policy": json.dumps({
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": action,
                       "Resource": "arn:aws:s3:::b/*"}]})})


def test_a_global_edge_service_principal_in_a_policy_serves_the_data_worldwide():
    edge = ("a policy statement lets the service principal cloudfront.amazonaws.com in: CloudFront (served "
            "from edge locations worldwide), outside any region the pack can judge; serve the data from a "
            "regional endpoint of the stack instead")
    # (round 75: a service's read with no condition naming whom it acts for blocks too, whichever service)
    assert f"`policy`: {edge}{SITE_TAIL}" in messages(REPLICATION, _bucket_policy("cloudfront.amazonaws.com"),
                                                      ALLOWED)
    assert messages(REPLICATION, _bucket_policy("logging.s3.amazonaws.com", "s3:PutObject"), ALLOWED) == []
    permission = pinned_res("aws:lambda/permission:Permission", "perm", {
        "action": "lambda:GetFunction", "function": f"arn:aws:lambda:eu-west-1:{OWN}:function:f",
        "principal": "edgelambda.amazonaws.com"})
    assert messages(REPLICATION, permission, ALLOWED) == [
        "`principal`: a policy statement lets the service principal edgelambda.amazonaws.com in: Lambda@Edge "
        "(run at edge locations worldwide), outside any region the pack can judge; serve the data from a "
        "regional endpoint of the stack instead" + SITE_TAIL]


def _credential(issuer: str, subject: str = "system:serviceaccount:sync:dosis-sync") -> object:
    return res("azure-native:managedidentity:FederatedIdentityCredential", "fic", {
        "resourceGroupName": "rg", "resourceName": "id", "issuer": issuer, "subject": subject,
        "audiences": ["api://AzureADTokenExchange"]})


def test_a_cluster_issuer_is_placed_by_its_region_and_ci_issuers_stay_location_free():
    eks = "https://oidc.eks.us-east-1.amazonaws.com/id/B2E4A6C8D0F1324354657687980A1B2C"
    assert messages(REPLICATION, _credential(eks), ALLOWED) == [
        "`issuer` (oidc.eks.us-east-1.amazonaws.com) is in 'us-east-1', which is outside the EEA"]
    assert messages(REPLICATION, _credential(eks.replace("us-east-1", "eu-west-1")), ALLOWED) == []
    for issuer, subject in ((f"https://{GITHUB}", "repo:vlaio/d:ref:refs/heads/main"),
                            (f"https://{GITHUB}/vlaio", "repo:vlaio/d:environment:prod"),
                            ("https://gitlab.com", "project_path:vlaio/d:ref_type:branch:ref:main"),
                            ("https://vstoken.dev.azure.com/0f3c5a1e-7f2b-4c1d-9a55-3e2f8b1c0d42",
                             "sc://aiv/dosis/deploy")):
        assert messages(REPLICATION, _credential(issuer, subject), ALLOWED) == [], issuer
    assert messages(REPLICATION, _credential("https://accounts.google.com"), ALLOWED) == [
        "`issuer` sends to accounts.google.com, which is neither a resource of this stack nor a declared "
        "external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"]


def _task(command: str) -> object:
    return pinned_res("aws:ecs/taskDefinition:TaskDefinition", "t", {
        "family": "share", "containerDefinitions": json.dumps([{"name": "c", "image": "x",
                                                                "command": [command]}])})


def test_an_account_id_in_cli_shorthand_or_without_arn_prefix_is_a_grantee():
    path = "containerDefinitions(json).0.command.0"
    shorthand = ("aws ec2 modify-image-attribute --image-id ami-1 --launch-permission "
                 f'"Add=[{{UserId={OTHER}}}]"')
    assert messages(REPLICATION, _task(shorthand), ALLOWED) == [grant_message(path, OTHER)]
    assert messages(REPLICATION, _task(shorthand.replace(OTHER, OWN)), ALLOWED) == []
    fn = pinned_res("aws:lambda/function:Function", "f", {
        "role": f"arn:aws:iam::{OWN}:role/f",
        "environment": {"variables": {"EXPORT_ROLE": f"{OTHER}:role/export", "SELF": f"{OWN}:root"}}})
    assert messages(REPLICATION, fn, ALLOWED) == [grant_message("environment.variables.EXPORT_ROLE", OTHER)]


def _principal(client_id: str) -> object:
    return res("azuread:index/servicePrincipal:ServicePrincipal", "sp", {"clientId": client_id})


def test_a_service_principal_of_an_application_the_stack_does_not_create_blocks():
    vendor = "7d3f9a21-4c6b-4e8d-9f0a-1b2c3d4e5f60"
    assert messages(REPLICATION, _principal(vendor), ALLOWED) == [
        f"`clientId` creates a service principal for the Entra application {vendor!r}, which is not an "
        "application of this stack: its owner (a vendor's multi-tenant app, another tenant's) runs it with "
        "whatever access the principal gets, from a place that cannot be judged; create the application in "
        "this stack and pass its `client_id` output, or declare it (azureIds: [/applications/<client id>]) "
        "with its region or jurisdiction in stacks/records/endpoints.yaml"]
    assert messages(REPLICATION, _principal("00000003-0000-0000-c000-000000000000"), ALLOWED) == []


def _container(account: str) -> object:
    return res("azure-native:cosmosdb:SqlResourceSqlContainer", "c", {
        "resourceGroupName": "rg", "accountName": account, "databaseName": "dosis", "containerName": "c",
        "location": "westeurope", "resource": {"id": "c"}})


def test_a_cosmos_container_is_placed_by_its_account_whatever_location_it_is_given():
    account = res("azure-native:cosmosdb:DatabaseAccount", "acct", {
        "resourceGroupName": "rg", "accountName": "cosmos-dosis", "name": "cosmos-dosis",
        "location": "eastus", "locations": [{"locationName": "eastus"}]})
    found = messages(INHERITED, graph(account, _container("cosmos-dosis")), ALLOWED)
    assert [m for _, m in found] == [
        "the resource (location from parent acct (input `location`)) is in 'eastus', which is outside the "
        "EEA"]
    outside = messages(INHERITED, graph(_container("cosmos-archive")), ALLOWED)
    assert [m for _, m in outside] == [
        "the resource has no location of its own (or one its service ignores): it lives in its parent "
        "(`accountName` = 'cosmos-archive', `databaseName` = 'dosis', `containerName` = 'c'), which is not a "
        "resource of this stack, so where its data is cannot be judged; create the parent in this stack (and "
        "pass its output) or create the resource in a parent of this stack"]


def test_a_ci_pipeline_of_an_undeclared_owner_blocks_and_a_declared_owner_passes():
    def credential(subject: str) -> object:
        return res("azure-native:managedidentity:FederatedIdentityCredential", "fic", {
            "resourceGroupName": "rg", "resourceName": "id", "issuer": f"https://{GITHUB}",
            "subject": subject, "audiences": ["api://AzureADTokenExchange"]})
    other = "repo:vlaio-tools/etl:ref:refs/heads/main"
    assert messages(REPLICATION, credential(other), ALLOWED) == [
        f"`subject` lets the CI pipeline of subject {other!r} act with this identity: its owner (an "
        "organisation, group or project of the CI service) runs it with the identity's access from wherever "
        "its runners are, and is not declared; declare the owner's subject prefix (subjects: "
        "['repo:<owner>/'], ['project_path:<group>/'], ['sc://<org>/']) with its jurisdiction in "
        "stacks/records/endpoints.yaml"]
    assert messages(REPLICATION, credential("repo:vlaio/dosis:environment:prod"), ALLOWED) == []
    role = _trust({"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": other}})
    assert [m.split(" act ")[0] for m in messages(REPLICATION, role, ALLOWED)] == [
        f"`assumeRolePolicy` lets the CI pipeline of subject {other!r}"]


def test_a_declared_subject_prefix_must_end_with_a_whole_owner():
    from policies.core.endpoints import EndpointsError, parse_endpoints
    entry = {"id": "ci", "class": "identity-provider", "subjects": ["repo:vlaio"], "jurisdiction": "BE",
             "reason": "the controller's own GitHub organisation"}
    with pytest.raises(EndpointsError, match=r"endpoints\[0\]\.subjects\[0\]: 'repo:vlaio' must end with"):
        parse_endpoints({"endpoints": [entry]}, "f.yaml")
    assert parse_endpoints({"endpoints": [{**entry, "subjects": ["repo:vlaio/"]}]}, "f.yaml")[0].matches(
        "subject", "repo:vlaio/x:ref:refs/heads/main")
