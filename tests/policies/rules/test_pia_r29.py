"""Round-29 blind probe classes (docs/pia-conditions.md, round 29): ECS Exec DEFAULT traced through the task
definition, database links judged by their sslMode, other spellings of MFA in Cedar, AcrPull known, master
passwords the program stores (and RDS instances' `password`), storage logs per service, Kubernetes groups and
AKS admin groups weighed, Synapse SQL pools, the Databricks storage firewall, registry tokens and OpenSearch
internal users. One failing mutation per message, exact text."""

import json

from ruletest import case, patch, run, with_
from ruletest import messages_of as _of

from policies.core.verified_access import policy_requires_mfa

AUDIT = "require-audit-log-retention"
TLS = "require-tls-1-2"
MFA = "require-admin-mfa"
CMK = "require-customer-managed-keys"
SIEM = "require-siem-logging"
SOD = "require-separation-of-duties"
PUB = "disallow-public-data-access"
ENTRA = "require-entra-only-authentication"
ROLES = "/providers/Microsoft.Authorization/roleDefinitions/"

_DEFAULT_HOW = (
    "give every container of the service's task definition the awslogs driver into a log group the stack "
    "declares and keeps ten years, or set the cluster's `configuration.executeCommandConfiguration` to "
    "logging OVERRIDE with `logConfiguration.cloudWatchLogGroupName` a log group the stack declares"
)


def _exec_default(found: str) -> str:
    return (
        f"ECS Exec logs DEFAULT, so sessions opened in container {found}: not kept ten years in a log group "
        f"of the stack; {_DEFAULT_HOW}"
    )


def test_ecs_exec_default_traced_through_the_task_definition():
    ok = case("r29p-53")
    assert run(AUDIT, ok) == []
    assert _of(run(AUDIT, case("r29p-04")), "task") == [
        _exec_default("'envoy' are recorded by its own log configuration (none)")
    ]
    defs = json.loads(next(r for r in ok if r["name"] == "task")["inputs"]["containerDefinitions"])
    defs[0]["logConfiguration"]["options"]["awslogs-group"] = "/ecs/elsewhere"
    elsewhere = patch(ok, "task", containerDefinitions=json.dumps(defs))
    assert _of(run(AUDIT, elsewhere), "task") == [
        _exec_default("'app' are recorded by its own log configuration (awslogs into '/ecs/elsewhere')")
    ]
    unread = patch(ok, "task", containerDefinitions="not json")
    assert _of(run(AUDIT, unread), "service") == [
        "ECS Exec logs DEFAULT into the task definition's awslogs groups, but the service's task definition "
        f"has container definitions that cannot be read; {_DEFAULT_HOW}"
    ]
    for r in ok:
        if r["name"] == "service":
            r["refs"] = {"cluster": "cluster"}
    other = patch(ok, "service", taskDefinition="other:1")
    assert _of(run(AUDIT, other), "service") == [
        "ECS Exec logs DEFAULT into the task definition's awslogs groups, but the service's task definition "
        f"is not a task definition of the stack; {_DEFAULT_HOW}"
    ]


def test_database_links_judged_by_ssl_mode():
    ok = case("r29p-55")
    assert run(TLS, ok) == []
    assert _of(run(TLS, case("r29p-06")), "ls-pg") == [
        "`properties.sslMode` is 2 on the PostgreSqlV2 scale: below 3 (require) the driver may fall back to "
        "plain text and the personal data crosses the network without TLS; set require or verify-full"
    ]
    props = next(r for r in ok if r["name"] == "ls-mysql")["inputs"]["properties"]
    require = patch(ok, "ls-mysql", properties={**props, "sslMode": 2})
    assert run(TLS, require) == []  # 2 is require on MySQL's scale
    expression = patch(ok, "ls-mysql", properties={**props, "sslMode": "@pipeline().parameters.mode"})
    assert _of(run(TLS, expression), "ls-mysql") == [
        "`properties.sslMode` is not a literal, so whether the driver requires TLS cannot be judged"
    ]
    unset = {k: v for k, v in props.items() if k != "sslMode"}
    assert _of(run(TLS, patch(ok, "ls-mysql", properties=unset)), "ls-mysql") == [
        "`properties.sslMode` is not set: the MySql driver's default prefers TLS but falls back to plain "
        "text, and the personal data may cross the network without it; set require or verify-full"
    ]
    in_connection = {k: v for k, v in props.items() if k != "sslMode"}
    in_connection["connectionString"] = "Server=x;Database=y;SslMode=VerifyFull"
    assert run(TLS, patch(ok, "ls-mysql", properties=in_connection)) == []


def test_cedar_mfa_spellings():
    policy = "permit(principal, action, resource) when {{ {} }};"
    assert policy_requires_mfa(policy.format('context.okta.amr.containsAll(["pwd", "mfa"])'), "okta")
    assert policy_requires_mfa(policy.format('context.okta["amr"].contains("mfa")'), "okta")
    assert policy_requires_mfa(policy.format('context.okta.amr.containsAny(["mfa"])'), "okta")
    assert not policy_requires_mfa(policy.format('context.okta.amr.containsAny(["mfa", "pwd"])'), "okta")
    assert not policy_requires_mfa(policy.format('context.okta.amr.containsAll(["pwd"])'), "okta")
    assert not policy_requires_mfa(policy.format('context.okta.acrs.contains("c1")'), "okta")
    assert run(MFA, case("r29p-56")) == []
    assert _of(run(MFA, case("r29p-07")), "va-admins") == [
        "the Verified Access group lets people in without a second factor: its Cedar policy permits people "
        "signed in through 'okta' without requiring MFA on every path: require "
        '`context.okta.amr.contains("mfa")` under && in every permit (under || a password alone passes), or '
        "forbid unless it"
    ]


def test_acr_pull_and_aks_rbac_reader_are_known():
    assert run(SOD, case("r29p-62")) == []
    ok = case("r29p-58")
    assert run(SOD, ok) == []
    # AcrPush is known since round 31; AcrDelete is not
    push = patch(ok, "ra-kubelet-pull", roleDefinitionId=ROLES + "c2f4ef07-c644-48eb-af81-4b1b4947fb11")
    assert _of(run(SOD, push), "ra-kubelet-pull") == [
        "role definition c2f4ef07-c644-48eb-af81-4b1b4947fb11 is neither a built-in role known to the gate "
        "(policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack, so the functions it "
        "grants cannot be judged"
    ]


_SHARED = (
    "they sign in as the shared master user, unnamed in the database's log, and the copied password opens "
    "it later without a second factor; let the database manage its master secret and give people IAM "
    "database authentication as their own database users"
)


def test_master_passwords_the_program_stores():
    assert _of(run(MFA, case("r29p-01")), "dba-team") == [
        "people using this role read master-secret, which holds the master password the program gives aurora "
        "(secretsmanager:getsecretvalue on arn:aws:secretsmanager:eu-west-1:111122223333:secret:"
        f"dossiers/aurora-master-*): {_SHARED}"
    ]
    assert _of(run(MFA, case("r29p-02")), "ops") == [
        "people using this role read master-param, which holds the master password the program gives db "
        f"(ssm:getparameter on arn:aws:ssm:eu-west-1:111122223333:parameter/dossiers/*): {_SHARED}"
    ]
    other_path = case("r29p-02")
    next(r for r in other_path if r["name"] == "master-param")["inputs"]["name"] = "/billing/db/master"
    assert _of(run(MFA, other_path), "ops") == []
    assert _of(run(CMK, case("r29p-02")), "db") == [
        "`password` gives the master password as an input: it is kept in the program, its configuration "
        "and the state, under no customer-managed key; set `manageMasterUserPassword` true (the database "
        "keeps it in a secret under the key you name) and leave the password out"
    ]


def test_storage_logs_per_service():
    assert run(SIEM, case("r29p-54")) == []
    assert _of(run(SIEM, case("r29p-05")), "intake-queue") == [
        "the storage account 'stcorpus' sends logs from its blob service only: who read, wrote or deleted "
        "the data of this queue is recorded nowhere; add a diagnostic setting on "
        "stcorpus/queueServices/default sending StorageRead, StorageWrite and StorageDelete to the SIEM "
        "workspace"
    ]


def test_kubernetes_groups_and_aks_admin_groups_weighed():
    assert run(SOD, case("r29p-52")) == []
    assert _of(run(SOD, case("r29p-03")), "db-admin") == [
        "the role holds 2 separated functions: access rights, database structure (through an EKS access "
        "entry's Kubernetes RBAC (access policy or Kubernetes group))"
    ]
    no_groups = patch(case("r29p-03"), "dba-entry", kubernetesGroups=None)
    assert run(SOD, no_groups) == []
    assert _of(run(SOD, case("r29p-11")), "ra-dba") == [
        "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: access rights, database "
        "structure"
    ]


def test_synapse_sql_pool_keys():
    assert _of(run(CMK, case("r29p-08")), "pool-tde") == [
        "`status` is 'Disabled': the dedicated SQL pool's transparent data encryption is off, so the "
        "workspace's customer-managed key does not reach its tables; set it to 'Enabled'"
    ]
    assert run(CMK, patch(case("r29p-08"), "pool-tde", status="Enabled")) == []
    assert _of(run(CMK, with_(case("r29p-08"), drop=("pool-tde",))), "pool") == [
        "no SqlPoolTransparentDataEncryption of the stack sets the pool's transparent data encryption "
        "'Enabled': only through it does the workspace's customer-managed key reach a dedicated pool's data"
    ]
    outside = with_(case("r29p-08"), drop=("syn", "syn-admin", "diag-syn", "pool-tde"))
    for r in outside:
        if r["name"] == "pool":
            r["refs"] = {"resourceGroupName": "rg"}
    assert _of(run(CMK, patch(outside, "pool", workspaceName="syn-elsewhere")), "pool") == [
        "the pool's workspace is not a Synapse workspace of the stack, so the key that encrypts its data "
        "cannot be judged; declare the workspace with `encryption.cmk`"
    ]


def test_databricks_storage_firewall():
    assert run(PUB, case("r29p-59")) == []
    assert _of(run(PUB, patch(case("r29p-59"), "dbw", defaultStorageFirewall=None)), "dbw") == [
        "`defaultStorageFirewall` is 'not set (Disabled)': the workspace storage account (DBFS root, "
        "uploaded data) accepts connections from all networks; set it to 'Enabled' with an `accessConnector`"
    ]


def test_registry_tokens():
    assert _of(run(ENTRA, patch(case("r29p-10"), "acr-token", status=None)), "acr-token") == [
        "token 'gemeente-build' is enabled: its passwords pull (and push, as its scope map allows) without "
        "Entra ID, a static secret like the admin user; give the client a managed identity or service "
        "principal with AcrPull, or set the token's status 'disabled'"
    ]
    assert run(ENTRA, patch(case("r29p-10"), "acr-token", status="disabled")) == []


def test_opensearch_internal_users():
    assert run(MFA, case("r18p-55")) == []
    assert _of(run(MFA, case("r29p-12")), "search") == [
        "fine-grained access control uses the internal user database: people sign in as internal users (the "
        "master user administers every index and the security plugin's role mappings) with a password alone, "
        "no second factor; set `internalUserDatabaseEnabled` false with `masterUserOptions.masterUserArn` a "
        "role people assume with MFA"
    ]


def test_aks_rbac_roles_weighed():
    assert run(SOD, case("r29p-63")) == []
    assert _of(run(SOD, case("r29p-24")), "ra-dba") == [
        "principal 00000000-0000-0000-0000-0000000000aa holds 2 separated functions: access rights, database "
        "structure"
    ]
    key_admins = patch(
        case("r29p-63"), "ra-platform-admin", principalId="00000000-0000-0000-0000-0000000000bb"
    )
    assert _of(run(SOD, key_admins), "ra-keys") == [
        "principal 00000000-0000-0000-0000-0000000000bb holds 2 separated functions: access rights, key "
        "administration"
    ]
    # RBAC Writer is known since round 31; the AKS Contributor role is not
    writer = patch(
        case("r29p-63"), "ra-platform-admin", roleDefinitionId=ROLES + "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8"
    )
    assert _of(run(SOD, writer), "ra-platform-admin") == [
        "role definition ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8 is neither a built-in role known to the gate "
        "(policies/core/iam/azure_builtin_roles.json) nor a custom role of this stack, so the functions it "
        "grants cannot be judged"
    ]
