"""people_trust_requires_mfa: the one reading of "does this trust let people in without MFA?" that
require-admin-mfa, live evidence (aws.iam.role-mfa) and the component tests share (issue 20)."""

import pytest

from policies.core.iam.statements import people_trust_requires_mfa

ACCOUNT = {"AWS": "arn:aws:iam::123456789012:root"}
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def _trust(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(principal, condition=None, action="sts:AssumeRole") -> dict:
    stmt = {"Effect": "Allow", "Principal": principal, "Action": action}
    return {**stmt, "Condition": condition} if condition else stmt


@pytest.mark.parametrize(("trust", "expected"), [
    (_trust(_allow(ACCOUNT, MFA)), True),
    (_trust(_allow(ACCOUNT, {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})), True),
    (_trust(_allow(ACCOUNT)), False),
    (_trust(_allow(ACCOUNT, {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}})), False),
    (_trust(_allow("*", MFA)), False),
    (_trust(_allow(ACCOUNT, MFA), _allow({"AWS": "123456789012"})), False),
    (_trust(_allow({"Federated": "arn:aws:iam::123456789012:saml-provider/idp"},
                   action="sts:AssumeRoleWithSAML")), False),
    (_trust(_allow({"Service": "ecs-tasks.amazonaws.com"})), None),
    (_trust(_allow({"Federated": GITHUB}, action="sts:AssumeRoleWithWebIdentity")), None),
    (_trust(), None),
])
def test_people_trust_requires_mfa(trust, expected):
    assert people_trust_requires_mfa(trust) is expected
