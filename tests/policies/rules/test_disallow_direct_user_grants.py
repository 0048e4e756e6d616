"""disallow-direct-user-grants: rights reach people through roles and groups (IAM-07 roles-only). One
compliant fixture and one failing mutation per message; the evasions tried: `tests/corpus/pia/*/iam07-*`."""

import pytest
from ruletest import ACC, KEY, base, doc, res, run, with_

from policies.core.iam import breakglass

RULE = "disallow-direct-user-grants"
AWS = base("aws")
USER = res("erik", "aws:iam/user:User", {"name": "erik"})
GROUP = res("readers", "aws:iam/group:Group", {"name": "readers"})
READ = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::corpus-audit/*"})
ONE_USER = "rights reach people only through roles"


def _queue_policy(statement: dict) -> dict:
    return res(
        "queue-policy",
        "aws:sqs/queuePolicy:QueuePolicy",
        {"queueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/q", "policy": doc(statement)},
    )


def _compliant() -> list[dict]:
    """A group holding the policy, its member, a role the user assumes, a KMS grant to a role."""
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"{ACC}:user/erik"},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )
    return with_(
        AWS,
        USER,
        GROUP,
        res(
            "readers-policy",
            "aws:iam/groupPolicy:GroupPolicy",
            {"group": "readers", "policy": READ},
            refs={"group": "readers"},
        ),
        res(
            "erik-groups",
            "aws:iam/userGroupMembership:UserGroupMembership",
            {"user": "erik", "groups": ["readers"]},
            refs={"user": "erik", "groups": "readers"},
        ),
        res("auditor", "aws:iam/role:Role", {"name": "auditor", "assumeRolePolicy": trust}),
        res(
            "grant",
            "aws:kms/grant:Grant",
            {"keyId": KEY, "operations": ["Decrypt"], "granteePrincipal": f"{ACC}:role/auditor"},
        ),
    )


def test_roles_groups_and_trust_naming_a_user_pass():
    assert run(RULE, _compliant()) == []


@pytest.mark.parametrize(
    "type_,key",
    [
        ("aws:iam/userPolicy:UserPolicy", "user"),
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "user"),
        ("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", "userName"),
    ],
)
def test_a_policy_on_the_user_itself_blocks(type_, key):
    grant = res(
        "own",
        type_,
        {key: "erik", "policy": READ, "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        refs={key: "erik"},
    )
    assert run(RULE, with_(_compliant(), grant)) == [
        (
            "own",
            f"the policy is attached to the IAM user itself (`{key}`): rights reach people only through "
            "roles; attach it to a group the user is a member of, or a role the user assumes",
        )
    ]


def test_a_policy_attachment_listing_users_blocks():
    attach = res(
        "attach",
        "aws:iam/policyAttachment:PolicyAttachment",
        {"policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "groups": ["readers"], "users": ["erik"]},
    )
    assert run(RULE, with_(_compliant(), attach)) == [
        (
            "attach",
            "the attachment's `users` names IAM users: rights reach people only through roles; list the "
            "policy under `groups` or `roles` instead",
        )
    ]
    attach["inputs"]["users"] = []
    assert run(RULE, with_(_compliant(), attach)) == []


@pytest.mark.parametrize(
    "statement,named",
    [
        ({"Principal": {"AWS": f"{ACC}:user/erik"}}, f"{ACC}:user/erik"),
        ({"Principal": {"AWS": "AIDAJQABLZS4A3QDU576Q"}}, "AIDAJQABLZS4A3QDU576Q"),
        (
            {
                "Principal": {"AWS": f"{ACC}:root"},
                "Condition": {"ArnEquals": {"aws:PrincipalArn": f"{ACC}:user/erik"}},
            },
            f"`aws:principalarn` {ACC}:user/erik",
        ),
        (
            {"Principal": {"AWS": f"{ACC}:root"}, "Condition": {"StringEquals": {"aws:username": "erik"}}},
            "`aws:username` erik",
        ),
    ],
)
def test_a_resource_policy_naming_one_user_blocks(statement, named):
    stmt = {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "*", **statement}
    assert run(RULE, with_(_compliant(), _queue_policy(stmt))) == [
        (
            "queue-policy",
            f"statement `policy(json).Statement.0` grants to one user ({named}): rights reach people only "
            "through roles; name a role (or the account, leaving the grant to its roles' policies) instead",
        )
    ]


def test_policy_variables_and_roles_in_conditions_pass():
    stmt = {
        "Effect": "Allow",
        "Principal": {"AWS": f"{ACC}:root"},
        "Action": "sqs:ReceiveMessage",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:username": "${aws:username}"},
            "ArnEquals": {"aws:PrincipalArn": f"{ACC}:role/auditor"},
        },
    }
    assert run(RULE, with_(_compliant(), _queue_policy(stmt))) == []


def test_a_grant_input_naming_a_user_blocks():
    grant = res(
        "grant",
        "aws:kms/grant:Grant",
        {"keyId": KEY, "operations": ["Decrypt"], "granteePrincipal": f"{ACC}:user/erik"},
    )
    found = run(RULE, with_(_compliant(), grant))
    assert (
        "grant",
        f"`granteePrincipal` grants to one user ({ACC}:user/erik): name a role or group instead",
    ) in found


def test_a_grant_input_fed_by_a_stack_user_blocks():
    grant = res(
        "grant",
        "aws:kms/grant:Grant",
        {"keyId": KEY, "operations": ["Decrypt"], "granteePrincipal": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"},
        refs={"granteePrincipal": "erik"},
    )
    found = run(RULE, with_(_compliant(), grant))
    assert found == [
        ("grant", "`granteePrincipal` is fed by an IAM user of the stack: name a role or group instead")
    ], found
    grant["refs"] = {"granteePrincipal": "auditor"}
    assert run(RULE, with_(_compliant(), grant)) == []


def test_a_break_glass_user_the_record_names_keeps_its_own_policy(monkeypatch):
    grant = res(
        "own",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        {"user": "erik", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        refs={"user": "erik"},
    )
    assert run(RULE, with_(_compliant(), grant)) != []
    entry = {"principal": f"{ACC}:user/erik", "alarm": "break-glass-used", "reason": "sealed"}
    real = breakglass.records
    monkeypatch.setattr(
        breakglass,
        "records",
        lambda stack, key="break_glass": [entry] if key == "break_glass" else real(stack, key),
    )
    assert run(RULE, with_(_compliant(), grant)) == []


def test_a_list_of_grantees_naming_a_user_blocks():
    service = res(
        "service",
        "aws:ec2/vpcEndpointService:VpcEndpointService",
        {"acceptanceRequired": True, "allowedPrincipals": [f"{ACC}:role/auditor", f"{ACC}:user/erik"]},
    )
    assert run(RULE, with_(_compliant(), service)) == [
        (
            "service",
            f"`allowedPrincipals.1` grants to one user ({ACC}:user/erik): name a role or group instead",
        )
    ]
    service["inputs"]["allowedPrincipals"] = [f"{ACC}:role/auditor"]
    assert run(RULE, with_(_compliant(), service)) == []
