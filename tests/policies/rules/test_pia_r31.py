"""Round-31 blind probe classes (docs/pia-conditions.md, round 31): copies of a master password in a Lambda
environment, an ECS task definition or a Key Vault secret (and anywhere else, closed world), Data Factory
links to Oracle, Teradata, AzureMySql and SAP judged, AcrPush and AKS RBAC Writer known, SQL audit records
deleted by a lifecycle rule, AppSync GraphQL APIs. One failing mutation per message, exact text."""

import json

from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

from policies.core.view import UNKNOWN

AUDIT = "require-audit-log-retention"
TLS = "require-tls-1-2"
MFA = "require-admin-mfa"
SIEM = "require-siem-logging"
SOD = "require-separation-of-duties"
PUB = "disallow-public-data-access"
ROLES = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
_HAND = (
    "they sign in as the shared master user with no second factor; let the database manage its master "
    "secret and hand the workload only the secret's ARN (`secrets`/`valueFrom`, or read at run time)"
)


def _policy(resources, name, statements):
    for r in resources:
        if r["name"] == name:
            r["inputs"]["policy"] = json.dumps({"Version": "2012-10-17", "Statement": statements})
    return resources


def test_master_password_in_a_lambda_environment_or_task_definition():
    assert run(MFA, case("r31p-55")) == []
    assert _of(run(MFA, case("r31p-01")), "ops") == [
        "people using this role read migrate's `environment` (lambda:getfunction on *), into which the "
        f"program copies the master password it gives aurora: {_HAND}"
    ]
    narrow = _policy(case("r31p-01"), "ops-lambda", [
        {"Effect": "Allow", "Action": "lambda:GetFunctionConfiguration",
         "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:billing-*"}
    ])  # fmt: skip
    assert _of(run(MFA, narrow), "ops") == []
    assert _of(run(MFA, case("r31p-02")), "developers") == [
        "people using this role read api-task's `containerDefinitions` (ecs:describetaskdefinition on *), "
        f"into which the program copies the master password it gives pg: {_HAND}"
    ]


def test_master_password_copied_where_readers_cannot_be_judged():
    assert _of(run(MFA, case("r31p-12")), "bastion-lt") == [
        "bastion-lt (aws:ec2/launchTemplate:LaunchTemplate) is computed from the master password the program "
        "gives pg, and who can read it there cannot be judged: keep the password only in the database's "
        "managed secret, a Secrets Manager secret, SSM parameter, Key Vault secret, Lambda environment or "
        "task definition of this stack, whose readers the gate weighs"
    ]
    only_db = case("r31p-12")
    next(r for r in only_db if r["name"] == "bastion-lt")["refs"] = {"userData": "pg"}
    assert _of(run(MFA, only_db), "bastion-lt") == []  # the database's outputs are its endpoint and ids


_KV = (
    "which holds the administrator password the program gives {db}: everyone it admits signs in as the "
    "shared administrator with a password alone; keep people on Entra authentication as themselves and the "
    "password to the workload (or switch password authentication off)"
)


def test_master_password_in_a_key_vault_secret():
    evil = case("r31p-03")
    assert _of(run(MFA, evil), "ra-dba-secrets") == [
        "a person or group holding this role reads the Key Vault secret pw-secret, "
        + _KV.format(db="pgflex")
    ]
    other_vault = patch(
        evil, "ra-dba-secrets",
        scope="/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-other",
    )  # fmt: skip
    for r in other_vault:
        if r["name"] == "ra-dba-secrets":
            r["refs"] = {}
    assert _of(run(MFA, other_vault), "ra-dba-secrets") == []
    workload = patch(evil, "ra-dba-secrets", principalType="MSI")  # a managed identity: the workload
    assert _of(run(MFA, workload), "ra-dba-secrets") == []
    assert _of(run(MFA, case("r31p-13")), "ops-vault") == [
        "an access policy with secret `get` reads the Key Vault secret sql-pw-secret, " + _KV.format(db="sql")
    ]
    identity = {
        "name": "id-app", "type": "azure-native:managedidentity:UserAssignedIdentity",
        "inputs": {"resourceGroupName": "rg-corpus", "resourceName": "id-app"},
    }  # fmt: skip
    app_only = with_(case("r31p-13"), identity)
    next(r for r in app_only if r["name"] == "ops-vault")["refs"]["properties"] = "id-app"
    assert _of(run(MFA, app_only), "ops-vault") == []  # the workload's identity reads it


_LINKS = "r31p-51"


def _link(name, **props):
    resources = case(_LINKS)
    for r in resources:
        if r["name"] == name:
            r["inputs"]["properties"].update(props)
    return resources


def test_oracle_and_teradata_links():
    assert run(TLS, case(_LINKS)) == []
    assert _of(run(TLS, case("r31p-04")), "ls-oracle") == [
        "`properties.encryptionClient` is 'accepted': Oracle may then carry the personal data unencrypted or "
        "with a weak algorithm; set 'required' (or leave it out: the connector's default)"
    ]
    assert _of(run(TLS, _link("ls-oracle", encryptionTypesClient="(AES256, 3DES168)")), "ls-oracle") == [
        "`properties.encryptionTypesClient` is '(AES256, 3DES168)': Oracle may then carry the personal data "
        "unencrypted or with a weak algorithm; set AES128 or AES192 or AES256 (or leave it out: the "
        "connector's default)"
    ]
    expr = _link("ls-oracle", cryptoChecksumClient="@pipeline().parameters.c")
    assert _of(run(TLS, expr), "ls-oracle") == [
        "`properties.cryptoChecksumClient` is not a literal, so the link's encryption cannot be judged"
    ]
    assert _of(run(TLS, _link("ls-oracle", version="1.0")), "ls-oracle") == [
        "Oracle linked service version '1.0': only version 2.0 states its encryption in fields the gate "
        "reads (version 1.0 hides it in a connection string); set version '2.0'"
    ]
    assert _of(run(TLS, case("r31p-14")), "ls-teradata") == [
        "`properties.sslMode` is 'Prefer': Teradata then allows plain text; set Require, Verify-CA or "
        "Verify-Full (or leave it out: Verify-Full)"
    ]
    assert _of(run(TLS, _link("ls-teradata", sslMode=UNKNOWN)), "ls-teradata") == [
        "`properties.sslMode` is not a literal, so whether the driver requires TLS cannot be judged"
    ]


def test_azure_mysql_and_sap_links():
    assert run(TLS, case("r31p-52")) == []
    assert _of(run(TLS, case("r31p-05")), "ls-azmysql") == [
        "`properties.sslMode` is '1' on the AzureMySql scale: below 2 (require) the driver may fall back to "
        "plain text and the personal data crosses the network without TLS; set require or verify-full"
    ]
    assert _of(run(TLS, case("r31p-15")), "ls-sap") == [
        "SapTable linked service with sncMode True and sncQop '2': RFC then carries the personal data "
        "unencrypted or by a profile outside the program; set sncMode true and sncQop '3' (privacy)"
    ]
    sap = case("r31p-15")
    next(r for r in sap if r["name"] == "ls-sap")["inputs"]["properties"]["sncQop"] = "3"
    assert _of(run(TLS, sap), "ls-sap") == []


def test_acr_push_and_aks_rbac_writer_are_known():
    assert run(SOD, case("r31p-54")) == []
    assert run(SOD, case("r31p-53")) == []
    assert _of(run(SOD, case("r31p-06")), "ra-keys") == [
        "principal 00000000-0000-0000-0000-0000000000bb holds 2 separated functions: access rights, key "
        "administration"
    ]
    reader = ROLES + "7f6c6a51-bcf8-42ba-9220-52d62157d7db"  # AKS RBAC Reader: no function
    reader = patch(case("r31p-06"), "ra-keys-aks-writer", roleDefinitionId=reader)
    assert run(SOD, reader) == []


def test_sql_audit_records_deleted_by_a_lifecycle_rule():
    assert run(AUDIT, case("r31p-58")) == []
    assert _of(run(AUDIT, case("r31p-09")), "sql-audit") == [
        "lifecycle rule 'audit-housekeeping' of the destination account deletes SQL audit records after 365 "
        "days (< 3650)"
    ]
    assert _of(run(AUDIT, case("r31p-19")), "sql-audit") == [
        "lifecycle rule 'two-years' of the destination account deletes SQL audit records after 730 days "
        "(< 3650)"
    ]


def test_appsync_graphql_api_authentication():
    assert run(PUB, case("r31p-56")) == []
    assert run(PUB, case("r31p-57")) == []
    api_key = (
        "the GraphQL API accepts API_KEY: a key handed to the front end identifies no one, so anyone who "
        "copies it reads what the API's data sources read; use AWS_IAM, AMAZON_COGNITO_USER_POOLS, "
        "OPENID_CONNECT or AWS_LAMBDA only"
    )
    assert _of(run(PUB, case("r31p-07")), "gql") == [api_key]
    assert _of(run(PUB, case("r31p-17")), "gql") == [api_key]
    assert _of(run(PUB, patch(case("r31p-56"), "gql", authenticationType=UNKNOWN)), "gql") == [
        "`authenticationType` is unknown during preview, so who may call the API cannot be judged; the "
        "resource is treated as non-compliant (fail closed)"
    ]
    extra = patch(case("r31p-56"), "gql", additionalAuthenticationProviders=[{"authenticationType": UNKNOWN}])
    assert _of(run(PUB, extra), "gql") == [
        "`additionalAuthenticationProviders` is unknown during preview, so who may call the API cannot be "
        "judged; the resource is treated as non-compliant (fail closed)"
    ]
    assert _of(run(PUB, case("r31p-18")), "gql-source") == [
        "the data source's `apiId` is not an output of a GraphQL or Event API of this stack, so who may call "
        "the API cannot be judged; create it with `api_id=<the stack's GraphQLApi or Api>.id`"
    ]  # round 33: Event APIs count too


def test_appsync_request_logs():
    assert run(SIEM, case("r31p-56")) == []
    assert _of(run(SIEM, case("r31p-07")), "gql") == [
        "the GraphQL API has no `logConfig`: who asked for which dossier is recorded nowhere the SOC sees; "
        "set a logConfig at INFO or ALL"
    ]
    errors = patch(case("r31p-56"), "gql", logConfig={"cloudwatchLogsRoleArn": "x", "fieldLogLevel": "ERROR"})
    assert _of(run(SIEM, errors), "gql") == [
        "the GraphQL API logs at `logConfig.fieldLogLevel` 'ERROR': who asked for which dossier is recorded "
        "nowhere the SOC sees; set a logConfig at INFO or ALL"
    ]
    unknown = patch(case("r31p-56"), "gql", logConfig={"fieldLogLevel": UNKNOWN})
    assert _of(run(SIEM, unknown), "gql") == [
        "`logConfig.fieldLogLevel` is unknown during preview, so whether the API logs its requests cannot be "
        "judged; the resource is treated as non-compliant (fail closed)"
    ]


def test_secrets_manager_read_write_is_known():
    assert _of(run(MFA, case("r31p-08")), "carol") == [
        "people using this user read the master user secret of pg (secretsmanager:GetSecretValue on *): they "
        "sign in as the shared master user, unnamed in the database's log, and the copied password opens it "
        "later without a second factor; give people IAM database authentication as their own database users "
        "(rds-db:connect) and keep the master secret to the workload and break-glass"
    ]
    assert run(SOD, case("r31p-08")) == []
    unknown = with_(case("r31p-08"), {
        "name": "carol-secrets", "type": "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "refs": {"user": "carol"},
        "inputs": {"user": "carol", "policyArn": "arn:aws:iam::aws:policy/SecretsManagerReadOnly"},
    })  # fmt: skip
    assert _of(run(SOD, unknown), "carol") == [
        "AWS-managed policy SecretsManagerReadOnly is not known to the gate, so the functions it grants "
        "cannot be judged (use a policy of this stack)"
    ]
