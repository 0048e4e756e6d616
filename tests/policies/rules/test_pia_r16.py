"""Round-16 blind probe classes (docs/pia-conditions.md, round 16): workloads that may grant roles, EFS mounts
without TLS, the classic Front Door, diagnostic logs deleted from storage early, Lightsail firewalls and the
deletion protection of Cognito user pools and Lightsail stores."""

import json

from ruletest import ACC, base, doc, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
SOD = "require-separation-of-duties"
TLS = "require-tls-1-2"
RETENTION = "require-audit-log-retention"
PUBLIC = "disallow-public-data-access"
DELETION = "require-deletion-protection"
UAA = (
    "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
)
READER = (
    "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
)


IDENTITY = res(
    "app-id",
    "azure-native:managedidentity:UserAssignedIdentity",
    {"resourceGroupName": "rg-corpus", "resourceName": "id-app"},
)


def _assignment(role):
    inputs = {"principalId": "00000000-0000-0000-0000-0000000000cc", "principalType": "ServicePrincipal"}
    inputs |= {"scope": "/subscriptions/s", "roleDefinitionId": role}
    return res("ra-app", "azure-native:authorization:RoleAssignment", inputs, refs={"principalId": "app-id"})


def test_a_workload_that_may_grant_roles_blocks():
    assert run(SOD, with_(AZURE, IDENTITY, _assignment(UAA))) == [
        (
            "ra-app",
            "a workload identity may grant Azure roles (role assignments or definitions, elevation, PIM "
            "requests), so whoever runs code as it holds every function; grant it data roles only",
        )
    ]
    assert run(SOD, with_(AZURE, IDENTITY, _assignment(READER))) == []


def _task(volume):
    inputs = {"family": "portal", "containerDefinitions": "[]", "volumes": [volume]}
    return res("task", "aws:ecs/taskDefinition:TaskDefinition", inputs)


def _efs(mode):
    return {"name": "files", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": mode}}


def test_efs_volumes_mounted_without_tls():
    assert run(TLS, with_(AWS, _task(_efs("DISABLED")))) == [
        (
            "task",
            "the task mounts EFS volume 'files' with `transitEncryption` 'DISABLED': NFS without TLS "
            "(set ENABLED)",
        )
    ]
    assert run(TLS, with_(AWS, _task(_efs(UNKNOWN)))) == [
        ("task", unknown_message("efsVolumeConfiguration.transitEncryption", "the mount's TLS"))
    ]
    assert run(TLS, with_(AWS, _task(_efs("ENABLED")))) == []
    job = res(
        "job",
        "aws:batch/jobDefinition:JobDefinition",
        {"type": "container", "containerProperties": json.dumps({"volumes": [_efs(None)]})},
    )
    assert run(TLS, with_(AWS, job)) == [
        (
            "job",
            "the job mounts EFS volume 'files' with `transitEncryption` None: NFS without TLS (set ENABLED)",
        )
    ]
    broken = res("job", "aws:batch/jobDefinition:JobDefinition", {"containerProperties": "{"})
    assert run(TLS, with_(AWS, broken))[0][1].startswith("`containerProperties` is not valid JSON")


DENY_PLAIN = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "*",
    "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _fs_policy(policy):
    return res(
        "efs-policy", "aws:efs/fileSystemPolicy:FileSystemPolicy", {"fileSystemId": "fs-1", "policy": policy}
    )


def test_file_system_policy_must_deny_plain_mounts():
    allow = {"Effect": "Allow", "Principal": {"AWS": f"{ACC}:role/app"}, "Action": "elasticfilesystem:*"}
    msg = (
        "the file system policy does not deny mounts without TLS: add a Deny of elasticfilesystem:* (or *) "
        'to Principal "*" with only the condition {"Bool": {"aws:SecureTransport": "false"}}'
    )
    assert run(TLS, with_(AWS, _fs_policy(doc(allow)))) == [("efs-policy", msg)]
    narrowed = {
        **DENY_PLAIN,
        "Condition": {
            "Bool": {"aws:SecureTransport": "false"},
            "StringEquals": {"aws:PrincipalAccount": "111122223333"},
        },
    }
    assert run(TLS, with_(AWS, _fs_policy(doc(allow, narrowed)))) == [("efs-policy", msg)]
    assert run(TLS, with_(AWS, _fs_policy(doc(allow, DENY_PLAIN)))) == []
    assert run(TLS, with_(AWS, _fs_policy("not json")))[0][1].startswith("`policy` is not valid JSON")


FWD = "#Microsoft.Azure.FrontDoor.Models.FrontdoorForwardingConfiguration"
REDIRECT = "#Microsoft.Azure.FrontDoor.Models.FrontdoorRedirectConfiguration"


def _front_door(*rules, endpoint=None):
    inputs = {
        "resourceGroupName": "rg-corpus",
        "frontDoorName": "fd",
        "routingRules": list(rules),
        "frontendEndpoints": [endpoint or {"name": "portal", "hostName": "fd.azurefd.net"}],
    }
    return res("afd", "azure-native:network:FrontDoor", inputs)


def test_classic_front_door_rules_and_endpoints():
    plain = {
        "name": "all",
        "acceptedProtocols": ["Http", "Https"],
        "routeConfiguration": {"odataType": FWD, "forwardingProtocol": "HttpsOnly"},
    }
    assert run(TLS, with_(AZURE, _front_door(plain))) == [
        ("afd", "routing rule 'all' accepts plain HTTP and serves it (redirect HTTP in its own rule)")
    ]
    backend = {
        "name": "tls",
        "acceptedProtocols": ["Https"],
        "routeConfiguration": {"odataType": FWD, "forwardingProtocol": "HttpOnly"},
    }
    assert run(TLS, with_(AZURE, _front_door(backend))) == [
        ("afd", "routing rule 'tls' reaches the backend over plain HTTP (use `forwardingProtocol` HttpsOnly)")
    ]
    keeps = {
        "name": "r",
        "acceptedProtocols": ["Http"],
        "routeConfiguration": {"odataType": REDIRECT, "redirectProtocol": "MatchRequest"},
    }
    assert run(TLS, with_(AZURE, _front_door(keeps))) == [
        ("afd", "routing rule 'r' redirects with `redirectProtocol` 'MatchRequest': HTTP stays HTTP")
    ]
    old = {"name": "portal", "customHttpsConfiguration": {"minimumTlsVersion": "1.0"}}
    good = {
        "name": "tls",
        "acceptedProtocols": ["Https"],
        "routeConfiguration": {"odataType": FWD, "forwardingProtocol": "HttpsOnly"},
    }
    up = {
        "name": "up",
        "acceptedProtocols": ["Http"],
        "routeConfiguration": {"odataType": REDIRECT, "redirectProtocol": "HttpsOnly"},
    }
    assert run(TLS, with_(AZURE, _front_door(good, up, endpoint=old))) == [
        ("afd", "frontend endpoint 'portal' accepts TLS 1.0 (`minimumTlsVersion` 1.2)")
    ]
    assert run(TLS, with_(AZURE, _front_door(good, up))) == []
    unknown = {"name": "u", "acceptedProtocols": UNKNOWN, "routeConfiguration": {"odataType": FWD}}
    assert run(TLS, with_(AZURE, _front_door(unknown))) == [
        ("afd", unknown_message("routingRules[u]", "the protocols of the Front Door"))
    ]


STORE_ID = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Storage/storageAccounts/stcorpus"


def _diag(retention=None):
    entry = {
        "categoryGroup": "audit",
        "enabled": True,
        **({"retentionPolicy": retention} if retention else {}),
    }
    inputs = {"resourceUri": "/subscriptions/s/x", "storageAccountId": STORE_ID, "logs": [entry]}
    return res(
        "diag-sql", "azure-native:insights:DiagnosticSetting", inputs, refs={"storageAccountId": "store"}
    )


def _lifecycle(prefixes, days):
    rule = {
        "name": "expire",
        "enabled": True,
        "type": "Lifecycle",
        "definition": {
            "filters": {
                "blobTypes": ["appendBlob", "blockBlob"],
                **({"prefixMatch": prefixes} if prefixes else {}),
            },
            "actions": {"baseBlob": {"delete": {"daysAfterModificationGreaterThan": days}}},
        },
    }
    inputs = {
        "resourceGroupName": "rg-corpus",
        "accountName": "stcorpus",
        "managementPolicyName": "default",
        "policy": {"rules": [rule]},
    }
    return res(
        "store-lifecycle", "azure-native:storage:ManagementPolicy", inputs, refs={"accountName": "store"}
    )


def test_diagnostic_logs_deleted_from_storage_early():
    assert run(RETENTION, with_(AZURE, _diag({"enabled": True, "days": 30}))) == [
        ("diag-sql", "log entry 'audit' is deleted from storage after 30 days (< 3650)")
    ]
    assert run(RETENTION, with_(AZURE, _diag({"enabled": True, "days": 0}))) == []
    assert run(
        RETENTION, with_(AZURE, _diag(), _lifecycle(["insights-logs-sqlsecurityauditevents/"], 90))
    ) == [
        (
            "diag-sql",
            "lifecycle rule 'expire' of the destination account deletes diagnostic logs after 90 days "
            "(< 3650)",
        )
    ]
    assert run(RETENTION, with_(AZURE, _diag(), _lifecycle(None, 365)))[0][1].endswith(
        "after 365 days (< 3650)"
    )
    assert run(RETENTION, with_(AZURE, _diag(), _lifecycle(["tmp/"], 7))) == []
    assert run(RETENTION, with_(AZURE, _diag(), _lifecycle(None, 3653))) == []
    unknown = _lifecycle(None, 30)
    unknown["inputs"]["policy"] = UNKNOWN
    assert run(RETENTION, with_(AZURE, _diag(), unknown)) == [
        ("diag-sql", unknown_message("policy", "whether the account's lifecycle deletes the logs"))
    ]


def _ports(*infos):
    return res(
        "ls-ports",
        "aws:lightsail/instancePublicPorts:InstancePublicPorts",
        {"instanceName": "vm", "portInfos": list(infos)},
    )


def test_lightsail_firewall():
    assert run(PUBLIC, with_(AWS, _ports({"protocol": "tcp", "fromPort": 3306, "toPort": 3306}))) == [
        ("ls-ports", "the instance's public ports let 0.0.0.0/0 on data port 3306 in")
    ]
    office = {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrs": ["203.0.113.10/32"]}
    web = {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrs": ["0.0.0.0/0"]}
    assert run(PUBLIC, with_(AWS, _ports(office, web))) == []
    unknown = res(
        "ls-ports",
        "aws:lightsail/instancePublicPorts:InstancePublicPorts",
        {"instanceName": "vm", "portInfos": UNKNOWN},
    )
    assert run(PUBLIC, with_(AWS, unknown)) == [
        ("ls-ports", unknown_message("portInfos", "which ports face the internet"))
    ]


def test_user_pools_and_lightsail_stores_keep_their_deletion_protection():
    pool = res(
        "pool",
        "aws:cognito/userPool:UserPool",
        {"name": "citizens", "deletionProtection": "INACTIVE"},
        protect=True,
    )
    assert run(DELETION, with_(AWS, pool)) == [
        ("pool", "`deletionProtection` is 'INACTIVE'; set it to 'ACTIVE'")
    ]
    pool["inputs"]["deletionProtection"] = "ACTIVE"
    assert run(DELETION, with_(AWS, pool)) == []
    pool["protect"] = False
    assert run(DELETION, with_(AWS, pool)) == [
        ("pool", "the resource is not `protect`ed: Pulumi could delete it with its data")
    ]
    db = res("db", "aws:lightsail/database:Database", {"skipFinalSnapshot": True}, protect=True)
    assert run(DELETION, with_(AWS, db)) == [("db", "`skipFinalSnapshot` is True; set it to False")]
    bucket = res("b", "aws:lightsail/bucket:Bucket", {"name": "b", "forceDelete": True}, protect=True)
    assert run(DELETION, with_(AWS, bucket)) == [("b", "`forceDelete` is True; set it to False")]
