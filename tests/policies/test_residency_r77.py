"""Red-team round 77 of the residency pack: resource policies the reader did not read (a role's trust to
`Principal: *`, inline and newer stores' policies: policies/core/read_grants.py `other_policy_grants`) and a
KMS grant to a service principal bounded by its SourceArn constraint (policies/core/caller_conditions.py)
(corpus: tests/corpus/residency/*/r77-*.yaml).
"""

from __future__ import annotations

import json

import pytest
from policy_testlib import ALLOWED, REPLICATION, grant_message, messages, pinned_res

OWN, OTHER = "123456789012", "444455556666"
STAR = {"AWS": "*"}
PATTERN = "whose account is no account id"
NO_ACCOUNT = "name no account it is bounded to"
OS_ARN = f"arn:aws:es:eu-west-1:{OWN}:domain/search/*"


def _doc(*stmts):
    return json.dumps({"Version": "2012-10-17", "Statement": list(stmts)})


def _allow(principal, action, cond=None, resource="*"):
    stmt = {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource}
    return {**stmt, "Condition": cond} if cond else stmt


def _role(account, name="reader"):
    return {"AWS": f"arn:aws:iam::{account}:role/{name}"}


def _found(type_, inputs):
    return messages(REPLICATION, pinned_res(type_, "r", inputs), ALLOWED)


def _trust(*stmts):
    return _found("aws:iam/role:Role", {"name": "reader", "assumeRolePolicy": _doc(*stmts)})


@pytest.mark.parametrize("cond,why", [
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/etl"}}, PATTERN),
    ({"StringEquals": {"sts:ExternalId": "eloket-7f3a9c2e"}}, NO_ACCOUNT),
    ({"StringEquals": {"aws:PrincipalTag/team": "analytics"}}, NO_ACCOUNT),
    ({"StringNotEquals": {"aws:PrincipalAccount": OWN}}, NO_ACCOUNT),
])
def test_a_role_trusting_star_by_conditions_that_name_no_account_blocks(cond, why):
    """Whoever the trust admits acts as the role and reads what it reads, from wherever they run."""
    found = _trust(_allow(STAR, "sts:AssumeRole", cond))
    assert len(found) == 1 and why in found[0] and "assumeRolePolicy.Statement.0.Condition" in found[0], found


def test_a_role_trust_written_as_an_object_is_read_too():
    view = pinned_res("aws:iam/role:Role", "r", {"assumeRolePolicy": {"Version": "2012-10-17", "Statement": [
        _allow(STAR, "sts:AssumeRole", {"StringEquals": {"sts:ExternalId": "x"}})]}})
    found = messages(REPLICATION, view, ALLOWED)
    assert len(found) == 1 and NO_ACCOUNT in found[0], found


@pytest.mark.parametrize("stmt", [
    _allow(STAR, "sts:AssumeRole", {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{OWN}:role/pipeline"}}),
    _allow(STAR, "sts:AssumeRole", {"StringEquals": {"aws:PrincipalAccount": OWN, "sts:ExternalId": "x"}}),
    _allow({"Service": "lambda.amazonaws.com"}, "sts:AssumeRole"),
    _allow({"Service": ["ecs-tasks.amazonaws.com", "states.amazonaws.com"]}, "sts:AssumeRole"),
])
def test_a_role_trusting_the_own_account_or_a_service_passes(stmt):
    """A service assumes a role only when a principal of the role's account passes it: no condition needed;
    a `*` statement beside it is still read."""
    assert _trust(stmt) == []
    found = _trust(stmt, _allow(STAR, "sts:AssumeRole", {"StringEquals": {"sts:ExternalId": "x"}}))
    assert len(found) == 1 and "assumeRolePolicy.Statement.1.Condition" in found[0], found


@pytest.mark.parametrize("type_,key,action", [
    ("aws:opensearch/domain:Domain", "accessPolicies", "es:ESHttpGet"),
    ("aws:elasticsearch/domain:Domain", "accessPolicies", "es:ESHttpGet"),
    ("aws:s3/accessPoint:AccessPoint", "policy", "s3:GetObject"),
    ("aws:s3control/objectLambdaAccessPointPolicy:ObjectLambdaAccessPointPolicy", "policy",
     "s3-object-lambda:GetObject"),
    ("aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy", "policy", "s3vectors:QueryVectors"),
    ("aws:mediastore/containerPolicy:ContainerPolicy", "policy", "mediastore:GetObject"),
    ("aws:amp/resourcePolicy:ResourcePolicy", "policyDocument", "aps:QueryMetrics"),
    ("aws:cloudsearch/domainServiceAccessPolicy:DomainServiceAccessPolicy", "accessPolicy",
     "cloudsearch:search"),
    ("aws:glacier/vault:Vault", "accessPolicy", "glacier:GetJobOutput"),
    ("aws:s3/bucketV2:BucketV2", "policy", "s3:GetObject"),
])
def test_a_resource_policy_of_any_other_type_is_read(type_, key, action):
    """Closed world: a policy document with principals under any input of a type outside the table is read as
    the table's are: another account blocks, the own account passes, `*` is bounded by its conditions."""
    assert _found(type_, {key: _doc(_allow(_role(OTHER), action))}) == [
        grant_message(f"{key}.Statement.0.Principal", OTHER)]
    assert _found(type_, {key: _doc(_allow(_role(OWN), action))}) == []
    by_ip = {"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}
    star = _found(type_, {key: _doc(_allow(STAR, action, by_ip))})
    assert len(star) == 1 and NO_ACCOUNT in star[0], star
    own = {"StringEquals": {"aws:PrincipalAccount": OWN}}
    assert _found(type_, {key: _doc(_allow(STAR, action, own))}) == []


def test_a_policy_that_only_lets_parties_write_in_or_names_no_principal_grants_nothing():
    """An ingestion pipeline's policy lets another account send in (`osis:Ingest`); `osis:*` lets it read the
    pipeline too. A session policy names no principal."""
    type_ = "aws:opensearchingest/resourcePolicy:ResourcePolicy"
    assert _found(type_, {"policy": _doc(_allow(_role(OTHER), "osis:Ingest"))}) == []
    assert _found(type_, {"policy": _doc(_allow(_role(OTHER), "osis:*"))}) == [
        grant_message("policy.Statement.0.Principal", OTHER)]
    identity = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    assert _found("aws:transfer/user:User", {"userName": "u", "policy": _doc(identity)}) == []


@pytest.mark.parametrize("type_,key,stmt", [
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "policy",
     _allow(STAR, "s3:*", {"StringEquals": {"aws:ResourceAccount": OWN}})),
    ("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "policy", _allow(STAR, "*", {"Bool": {"aws:x": "true"}})),
    ("aws:apigateway/restApiPolicy:RestApiPolicy", "policy",
     _allow(STAR, "execute-api:Invoke", {"IpAddress": {"aws:SourceIp": "193.191.245.0/24"}}, "x:/*")),
    ("aws:acmpca/policy:Policy", "policy", _allow(_role(OTHER), "acm-pca:IssueCertificate")),
    ("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy", _allow(_role(OTHER), "ecr:BatchGetImage")),
])
def test_policies_that_let_no_one_read_stored_data_are_not_read(type_, key, stmt):
    """Endpoint policies are ceilings, an API's says who may call it, a CA issues certificates, images are
    code; the same statement in a store's policy (an access point's) is read."""
    assert _found(type_, {key: _doc(stmt)}) == []
    assert _found("aws:s3/accessPoint:AccessPoint", {"policy": _doc(stmt)}) != []


@pytest.mark.parametrize("type_", [
    "aws:apigateway/restApiPolicy:RestApiPolicy", "aws:apigateway/restApi:RestApi",
    "aws:vpclattice/authPolicy:AuthPolicy", "aws:bedrock/agentcoreResourcePolicy:AgentcoreResourcePolicy"])
def test_an_api_front_door_is_judged_by_the_accounts_it_names(type_):
    """Another account named as a caller blocks, as a Lambda permission to it does, and so do `*` bounded by a
    pattern over the account or by an organisation; `*` bounded to no account is an open API, access control
    (pia-conditions'), and the own account passes."""
    def found(stmt):
        return _found(type_, {"policy": _doc(stmt)})
    assert found(_allow(_role(OTHER), "execute-api:Invoke")) == [
        grant_message("policy.Statement.0.Principal", OTHER)]
    any_role = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}
    pattern = found(_allow(STAR, "execute-api:Invoke", any_role))
    assert len(pattern) == 1 and PATTERN in pattern[0], pattern
    in_org = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
    org = found(_allow(STAR, "vpc-lattice-svcs:Invoke", in_org))
    assert any("policy.Statement.0.Condition" in m and "organisation" in m for m in org), org
    by_ip = {"IpAddress": {"aws:SourceIp": "193.191.245.0/24"}}
    assert found(_allow(STAR, "execute-api:Invoke", by_ip)) == []
    assert found(_allow(STAR, "execute-api:Invoke", {"StringNotEquals": {"aws:PrincipalAccount": OWN}})) == []
    assert found(_allow({"AWS": [f"arn:aws:iam::{OWN}:role/a", f"arn:aws:iam::{OWN}:root"]},
                        "execute-api:Invoke")) == []


KEY_ROOT = _allow({"AWS": f"arn:aws:iam::{OWN}:root"}, "kms:*")
LOGS = {"kms:GranteeServicePrincipal": "logs.eu-west-1.amazonaws.com"}


def _key(cond, principal=None):
    grant = _allow(principal or STAR, "kms:CreateGrant", cond)
    return _found("aws:kms/key:Key", {"policy": _doc(KEY_ROOT, grant)})


@pytest.mark.parametrize("principal", [None, _role(OWN, "app")])
def test_a_grant_to_a_service_is_judged_by_the_account_of_its_source(principal):
    """The SourceArn constraint lets the service use the grant only on behalf of the resources it names: the
    own account's pass, another account's block, whoever creates the grant."""
    own = {"StringEquals": LOGS,
           "ArnLike": {"kms:GrantConstraintSourceArn": f"arn:aws:logs:eu-west-1:{OWN}:log-group:*"}}
    assert _key(own, principal) == []
    other = {"StringEquals": LOGS,
             "ArnEquals": {"kms:GrantConstraintSourceArn": f"arn:aws:logs:eu-west-1:{OTHER}:log-group:x"}}
    assert _key(other, principal) == [grant_message("policy.Statement.1.Condition", OTHER)]


def test_a_grant_source_pattern_over_the_account_blocks():
    found = _key({"StringEquals": LOGS, "ArnLike": {"kms:GrantConstraintSourceArn": "arn:aws:logs:*:*:*"}})
    assert len(found) == 1 and PATTERN in found[0], found


def test_grantee_and_source_bounds_are_each_judged():
    """Not intersected: a grantee of the own account with another account's source names that account."""
    cond = {"ArnEquals": {"kms:GranteePrincipal": f"arn:aws:iam::{OWN}:role/x",
                          "kms:GrantConstraintSourceArn": f"arn:aws:logs:eu-west-1:{OTHER}:log-group:x"}}
    assert _key(cond) == [grant_message("policy.Statement.1.Condition", OTHER)]


def test_a_grant_to_a_service_is_bounded_only_by_its_source():
    """The service principal and the constraint type name no account; the source ARN does."""
    cond = {"StringEquals": {**LOGS, "kms:GrantConstraintType": "EncryptionContextSubset"}}
    found = _key(cond)
    assert len(found) == 1 and NO_ACCOUNT in found[0], found
    source = {"ArnEquals": {"kms:GrantConstraintSourceArn": f"arn:aws:logs:eu-west-1:{OWN}:log-group:x"}}
    assert _key({**cond, **source}) == []


def test_a_principal_key_spelt_with_json_escapes_is_read():
    """A JSON parser reads `Princip\\u0061l` as `Principal` (RFC 8259 escapes)."""
    plain = _doc(_allow(_role(OTHER), "es:ESHttpGet", None, OS_ARN))
    policy = plain.replace('"Principal"', '"Princip\\u0061l"')
    assert "\\u0061" in policy
    assert _found("aws:opensearch/domain:Domain", {"accessPolicies": policy}) == [
        grant_message("accessPolicies.Statement.0.Principal", OTHER)]
