"""Round-17 blind probe classes (docs/pia-conditions.md, round 17): DynamoDB replicas without a key, Athena
query results, and a workload given an Azure role the gate cannot read."""

from ruletest import KEY, TAGS, base, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
CMK = "require-customer-managed-keys"
SOD = "require-separation-of-duties"
RESULTS = "configuration.resultConfiguration"


def _table(replicas):
    inputs = {
        "name": "dossiers",
        "hashKey": "id",
        "attributes": [{"name": "id", "type": "S"}],
        "serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY},
        "replicas": replicas,
        "tags": TAGS,
    }
    return res("dossiers", "aws:dynamodb/table:Table", inputs, protect=True)


def test_a_dynamodb_replica_without_key_blocks():
    assert run(CMK, with_(AWS, _table([{"regionName": "eu-central-1"}]))) == [
        (
            "dossiers",
            "`replicas.0.kmsKeyArn` is not set: the data would be encrypted with a provider-managed key",
        )
    ]
    replica = {
        "regionName": "eu-central-1",
        "kmsKeyArn": "arn:aws:kms:eu-central-1:111122223333:alias/aws/dynamodb",
    }
    assert run(CMK, with_(AWS, _table([replica]))) == [
        (
            "dossiers",
            "`replicas.0.kmsKeyArn` is the AWS-managed key "
            "'arn:aws:kms:eu-central-1:111122223333:alias/aws/dynamodb'; use a customer-managed key",
        )
    ]
    assert run(CMK, with_(AWS, _table(UNKNOWN))) == [
        ("dossiers", unknown_message("replicas", "the replicas' encryption"))
    ]
    assert run(CMK, with_(AWS, _table([]))) == []
    # not a list (found by the fuzz test): judged unjudgeable, not a crash
    assert run(CMK, with_(AWS, _table({"regionName": "eu-central-1"}))) == [
        ("dossiers", "`replicas` is dict, not a list of replicas, so the replicas' encryption cannot be "
                     "judged; give a list (one object per replica)")
    ]


def _workgroup(encryption, enforce=True):
    results = {"outputLocation": "s3://corpus-athena-results/analysts/"}
    if encryption is not None:
        results["encryptionConfiguration"] = encryption
    configuration = {"enforceWorkgroupConfiguration": enforce, "resultConfiguration": results}
    inputs = {"name": "analysts", "configuration": configuration, "tags": TAGS}
    return res("analysts", "aws:athena/workgroup:Workgroup", inputs)


def test_athena_query_results_need_a_customer_managed_key():
    not_kms = (
        "query results are not encrypted with a customer-managed key (use SSE_KMS or CSE_KMS with kmsKeyArn)"
    )
    assert run(CMK, with_(AWS, _workgroup(None))) == [
        ("analysts", f"`{RESULTS}.encryptionConfiguration.encryptionOption` is None: {not_kms}")
    ]
    assert run(CMK, with_(AWS, _workgroup({"encryptionOption": "SSE_S3"}))) == [
        ("analysts", f"`{RESULTS}.encryptionConfiguration.encryptionOption` is 'SSE_S3': {not_kms}")
    ]
    assert run(CMK, with_(AWS, _workgroup({"encryptionOption": "SSE_KMS", "kmsKeyArn": "alias/aws/s3"}))) == [
        (
            "analysts",
            f"`{RESULTS}.encryptionConfiguration.kmsKeyArn` is the AWS-managed key 'alias/aws/s3'; "
            "use a customer-managed key",
        )
    ]
    assert run(
        CMK, with_(AWS, _workgroup({"encryptionOption": "SSE_KMS", "kmsKeyArn": KEY}, enforce=False))
    ) == [
        (
            "analysts",
            "`configuration.enforceWorkgroupConfiguration` is false: each client chooses how its query "
            "results are encrypted; enforce the workgroup's SSE_KMS setting",
        )
    ]
    assert run(CMK, with_(AWS, _workgroup(UNKNOWN))) == [
        ("analysts", unknown_message(f"{RESULTS}.encryptionConfiguration", "the query results' encryption"))
    ]
    assert run(CMK, with_(AWS, _workgroup({"encryptionOption": "SSE_KMS", "kmsKeyArn": KEY}))) == []
    assert run(CMK, with_(AWS, _workgroup({"encryptionOption": "CSE_KMS", "kmsKeyArn": KEY}))) == []


IDENTITY = res(
    "app-id",
    "azure-native:managedidentity:UserAssignedIdentity",
    {"resourceGroupName": "rg-corpus", "resourceName": "id-app"},
)
CUSTOM = "5b0e6a4e-9c2d-4f61-8a7e-3d1c2b9a7f10"


def _assignment(guid):
    inputs = {"principalId": "00000000-0000-0000-0000-0000000000cc", "principalType": "ServicePrincipal"}
    role = f"/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    inputs |= {"scope": "/subscriptions/s/resourceGroups/rg-corpus", "roleDefinitionId": role}
    return res("ra-app", "azure-native:authorization:RoleAssignment", inputs, refs={"principalId": "app-id"})


def test_a_workload_given_an_unknown_role_blocks():
    assert run(SOD, with_(AZURE, IDENTITY, _assignment(CUSTOM))) == [
        (
            "ra-app",
            f"role definition {CUSTOM} is neither a built-in role known to the gate "
            "(policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack, so the functions "
            "it grants cannot be judged",
        )
    ]
    definition = res(
        "reader-role",
        "azure-native:authorization:RoleDefinition",
        {
            "roleDefinitionId": CUSTOM,
            "roleName": "dossier-reader",
            "scope": "/subscriptions/s",
            "assignableScopes": ["/subscriptions/s"],
            "permissions": [{"actions": [], "dataActions": ["Microsoft.Storage/*/blobs/read"]}],
        },
    )
    assert run(SOD, with_(AZURE, IDENTITY, definition, _assignment(CUSTOM))) == []
