"""Round-21 blind probe classes (docs/pia-conditions.md, round 21): Transfer Family servers that sign people
in with a password alone, EventBridge Pipes (their key, and the accounts of their source, enrichment and
target), Azure built-in data roles the gate now knows. One failing mutation per message, exact text."""

from ruletest import KEY, TAGS, base, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
CMK = "require-customer-managed-keys"
PUB = "disallow-public-data-access"
SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
ROLES = "/providers/Microsoft.Authorization/roleDefinitions/"
FIX = (
    "use SERVICE_MANAGED users with SSH keys, or SFTP only with sftpAuthenticationMethods PUBLIC_KEY or "
    "PUBLIC_KEY_AND_PASSWORD"
)


def _sftp(**inputs):
    base_inputs = {
        "endpointType": "VPC",
        "protocols": ["SFTP"],
        "securityPolicyName": "TransferSecurityPolicy-2024-01",
        "identityProviderType": "AWS_LAMBDA",
        "function": "arn:aws:lambda:eu-west-1:111122223333:function:idp",
        "sftpAuthenticationMethods": "PUBLIC_KEY",
        "tags": TAGS,
    }
    return res("sftp", "aws:transfer/server:Server", {**base_inputs, **inputs})


def test_transfer_server_signs_in_with_a_key():
    assert run(MFA, with_(AWS, _sftp())) == []
    assert run(MFA, with_(AWS, _sftp(sftpAuthenticationMethods="PUBLIC_KEY_AND_PASSWORD"))) == []
    assert run(MFA, with_(AWS, _sftp(identityProviderType=None, sftpAuthenticationMethods=None))) == []
    assert run(MFA, with_(AWS, _sftp(sftpAuthenticationMethods=None))) == [
        (
            "sftp",
            "sftpAuthenticationMethods is unset (PUBLIC_KEY_OR_PASSWORD): people sign in to the AWS_LAMBDA "
            f"identity provider with a password alone (no second factor); {FIX}",
        )
    ]


def test_transfer_server_password_paths():
    assert run(MFA, with_(AWS, _sftp(identityProviderType="AWS_DIRECTORY_SERVICE"))) == [
        (
            "sftp",
            "identityProviderType AWS_DIRECTORY_SERVICE signs people in with a password alone (no second "
            f"factor); {FIX}",
        )
    ]
    assert run(MFA, with_(AWS, _sftp(protocols=["SFTP", "FTPS"]))) == [
        (
            "sftp",
            "protocols ['SFTP', 'FTPS'] with identity provider AWS_LAMBDA: FTPS and FTP sign in by password "
            f"alone (no second factor); {FIX}",
        )
    ]
    assert run(MFA, with_(AWS, _sftp(sftpAuthenticationMethods=UNKNOWN))) == [
        ("sftp", unknown_message("sftpAuthenticationMethods", "how people sign in to the server"))
    ]


def _pipe(**inputs):
    base_inputs = {
        "roleArn": "arn:aws:iam::111122223333:role/app",
        "source": "arn:aws:sqs:eu-west-1:111122223333:intake",
        "target": "arn:aws:states:eu-west-1:111122223333:stateMachine:flow",
        "kmsKeyIdentifier": KEY,
        "tags": TAGS,
    }
    return res("pipe", "aws:pipes/pipe:Pipe", {**base_inputs, **inputs})


def test_pipe_key():
    assert run(CMK, with_(AWS, _pipe())) == []
    assert run(CMK, with_(AWS, _pipe(kmsKeyIdentifier=None))) == [
        ("pipe", "`kmsKeyIdentifier` is not set: the data would be encrypted with a provider-managed key")
    ]


def test_pipe_stays_in_the_account():
    assert run(PUB, with_(AWS, _pipe())) == []
    assert run(PUB, with_(AWS, _pipe(target="arn:aws:sqs:eu-west-1:999988887777:partner"))) == [
        ("pipe", "`target` sends the data to account 999988887777, not the stack's account 111122223333")
    ]


def test_azure_data_roles_are_known():
    grant = res(
        "ra",
        "azure-native:authorization:RoleAssignment",
        {
            "principalId": "00000000-0000-0000-0000-0000000000aa",
            "principalType": "Group",
            "scope": "/subscriptions/s/resourceGroups/rg-corpus",
            "roleDefinitionId": ROLES + "4f6d3b9b-027b-4f4a-9142-56e07fd2b5f3",
        },
    )
    assert run(SOD, with_(AZURE, grant)) == []
    unknown = {
        **grant,
        "inputs": {
            **grant["inputs"],
            "roleDefinitionId": ROLES + "00000000-0000-0000-0000-00000000abcd",
        },
    }
    assert run(SOD, with_(AZURE, unknown)) == [
        (
            "ra",
            "role definition 00000000-0000-0000-0000-00000000abcd is neither a built-in role known to the "
            "gate (policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack, so the "
            "functions it grants cannot be judged",
        )
    ]
