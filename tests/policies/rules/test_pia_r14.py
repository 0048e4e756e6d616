"""Round-14 blind probe classes (docs/pia-conditions.md, round 14): stores that answer clients without
authentication, node-to-node TLS, backup vaults without soft delete,
Event Grid as a judged store, directory roles by eligibility or membership, Identity Center and Cognito
MFA."""

import pytest
from ruletest import base, res, run, with_

AWS = base("aws")
AZURE = base("azure")
PUBLIC = "disallow-public-data-access"
TLS = "require-tls-1-2"
DELETION = "require-deletion-protection"
MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"


def one(rule, type_, inputs, **kw):
    return run(rule, [res("x", type_, inputs, **kw)])


RG = "aws:elasticache/replicationGroup:ReplicationGroup"
NO_AUTH_RG = (
    "the replication group has neither `authToken` nor `userGroupIds`: every client that reaches it runs any "
    "command (set a user group of this stack or an AUTH token)"
)
DEFAULT_USER = (
    "`{}` lists the built-in user 'default' (no password, every command): anyone who reaches the cache uses "
    "it; list a user of your own named default, switched off (`off -@all`)"
)


@pytest.mark.parametrize(
    "inputs, found",
    [
        ({"engine": "valkey"}, [("x", NO_AUTH_RG)]),
        ({}, [("x", NO_AUTH_RG)]),  # the engine defaults to redis
        ({"engine": "redis", "userGroupIds": ["portal-users"]}, []),
        ({"engine": "redis", "authToken": "[secret]"}, []),
        ({"engine": "redis", "globalReplicationGroupId": "g-1"}, []),  # judged on its primary
        ({"engine": "memcached"}, []),
    ],
)
def test_a_redis_replication_group_asks_for_auth(inputs, found):
    assert one(PUBLIC, RG, inputs) == found


def test_serverless_caches_and_standalone_nodes_ask_for_auth():
    assert one(PUBLIC, "aws:elasticache/serverlessCache:ServerlessCache", {"engine": "valkey"}) == [
        (
            "x",
            "the serverless cache has no `userGroupId`: its default user needs no password (set a user group "
            "of this stack)",
        )
    ]
    assert one(PUBLIC, "aws:elasticache/serverlessCache:ServerlessCache", {"engine": "memcached"}) == []
    assert one(PUBLIC, "aws:elasticache/cluster:Cluster", {"engine": "redis"}) == [
        (
            "x",
            "a stand-alone Redis/Valkey cache cluster cannot ask for a password or user; create a "
            "replication group with a user group or AUTH token",
        )
    ]
    assert (
        one(PUBLIC, "aws:elasticache/cluster:Cluster", {"engine": "redis", "replicationGroupId": "rg"}) == []
    )
    assert one(PUBLIC, "aws:elasticache/cluster:Cluster", {"engine": "memcached"}) == []


@pytest.mark.parametrize(
    "type_, fld, value",
    [
        ("aws:elasticache/userGroup:UserGroup", "userIds", ["default", "app"]),
        ("aws:elasticache/userGroupAssociation:UserGroupAssociation", "userId", "default"),
        ("aws:memorydb/acl:Acl", "userNames", ["default"]),
    ],
)
def test_the_builtin_default_user_opens_the_cache(type_, fld, value):
    assert one(PUBLIC, type_, {fld: value}) == [("x", DEFAULT_USER.format(fld))]
    assert one(PUBLIC, type_, {fld: ["portal-default"] if isinstance(value, list) else "app"}) == []


def test_memorydb_open_access_acl_and_users():
    assert one(PUBLIC, "aws:memorydb/cluster:Cluster", {"aclName": "open-access"}) == [
        (
            "x",
            "`aclName` is 'open-access': the default user needs no password and runs every command (use an "
            "ACL of this stack)",
        )
    ]
    assert one(PUBLIC, "aws:memorydb/cluster:Cluster", {"aclName": "portal-acl"}) == []
    user = "aws:memorydb/user:User"
    assert one(PUBLIC, user, {"authenticationMode": {"type": "iam"}}) == []
    assert one(PUBLIC, user, {"authenticationMode": {"type": "nopass"}}) == [
        ("x", "`authenticationMode.type` is 'nopass'; use password or iam")
    ]


MSK = "aws:msk/cluster:Cluster"


@pytest.mark.parametrize(
    "auth, message",
    [
        (
            None,
            "no `clientAuthentication`: MSK admits unauthenticated clients (use SASL/IAM, SCRAM or "
            "mutual TLS and `unauthenticated: false`)",
        ),
        (
            {"sasl": {"iam": True}, "unauthenticated": True},
            "`clientAuthentication.unauthenticated` is true: any client that reaches a broker reads topics",
        ),
        (
            {"unauthenticated": False},
            "`clientAuthentication` names no SASL (IAM, SCRAM) or TLS client authentication",
        ),
        ({"sasl": {"iam": True}, "unauthenticated": False}, None),
        ({"tls": {"certificateAuthorityArns": ["arn:aws:acm-pca:eu-west-1:111122223333:ca/x"]}}, None),
    ],
)
def test_kafka_clients_authenticate(auth, message):
    inputs = {} if auth is None else {"clientAuthentication": auth}
    assert one(PUBLIC, MSK, inputs) == ([("x", message)] if message else [])


def test_neptune_asks_for_iam_authentication():
    neptune = "aws:neptune/cluster:Cluster"
    assert one(PUBLIC, neptune, {"iamDatabaseAuthenticationEnabled": True}) == []
    for inputs in ({}, {"iamDatabaseAuthenticationEnabled": False}):
        assert one(PUBLIC, neptune, inputs) == [
            (
                "x",
                "`iamDatabaseAuthenticationEnabled` is not true: Neptune has no passwords, so every client "
                "that reaches port 8182 queries the graph",
            )
        ]


@pytest.mark.parametrize("type_", ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"])
def test_search_nodes_talk_tls(type_):
    endpoint = {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}
    assert one(TLS, type_, {"domainEndpointOptions": endpoint}) == [
        ("x", "`nodeToNodeEncryption.enabled` is None; expected True")
    ]
    assert (
        one(TLS, type_, {"domainEndpointOptions": endpoint, "nodeToNodeEncryption": {"enabled": True}}) == []
    )


def test_a_memorydb_multi_region_cluster_keeps_tls():
    mrc = "aws:memorydb/multiRegionCluster:MultiRegionCluster"
    assert one(TLS, mrc, {"tlsEnabled": False}) == [("x", "`tlsEnabled` is False; expected True")]
    assert one(TLS, mrc, {}) == []


def vault(type_, fld, value):
    head, last = fld.rsplit(".", 1)
    props: dict = {}
    node = props
    for part in head.split(".")[1:]:
        node = node.setdefault(part, {})
    node[last] = value
    inputs = {"resourceGroupName": "rg-corpus", "vaultName": "v", "properties": props}
    return res("v", type_, inputs, protect=True, refs={"resourceGroupName": "rg"})


@pytest.mark.parametrize(
    "type_, fld, off, on",
    [
        (
            "azure-native:dataprotection:BackupVault",
            "properties.securitySettings.softDeleteSettings.state",
            "Off",
            "AlwaysOn",
        ),
        (
            "azure-native:recoveryservices:Vault",
            "properties.securitySettings.softDeleteSettings.softDeleteState",
            "Disabled",
            "AlwaysON",  # round 22: Enabled alone can be switched off (test_pia_r22)
        ),
    ],
)
def test_backup_vaults_keep_deleted_backups(type_, fld, off, on):
    found = [f for f in run(DELETION, with_(AZURE, vault(type_, fld, off))) if f[0] == "v"]
    assert found == [("v", f"`{fld}` is {off!r}: deleted backups are purged at once; set it On or AlwaysOn")]
    assert [f for f in run(DELETION, with_(AZURE, vault(type_, fld, on))) if f[0] == "v"] == []


@pytest.mark.parametrize("type_", ["Topic", "Domain", "Namespace"])
def test_event_grid_is_private(type_):
    t = f"azure-native:eventgrid:{type_}"
    assert one(PUBLIC, t, {"publicNetworkAccess": "Disabled"}) == []
    assert one(PUBLIC, t, {}) == [
        (
            "x",
            "`publicNetworkAccess` is 'unset (Enabled)': the endpoint answers the internet; set it "
            "Disabled and publish through a private endpoint",
        )
    ]


DBA = "00000000-0000-0000-0000-0000000000aa"
PRA = "e8611ab8-c189-46e8-94e1-60213ab1f814"  # Privileged Role Administrator


def test_directory_roles_by_eligibility_or_membership_count():
    eligible = res(
        "e",
        "azuread:index/directoryRoleEligibilityScheduleRequest:DirectoryRoleEligibilityScheduleRequest",
        {"roleDefinitionId": PRA, "principalId": DBA, "directoryScopeId": "/", "justification": "j"},
    )
    assert any("holds 2 separated functions" in m for _, m in run(SOD, with_(AZURE, eligible)))
    role = res("pra", "azuread:index/directoryRole:DirectoryRole", {"templateId": PRA})
    member = res(
        "m",
        "azuread:index/directoryRoleMember:DirectoryRoleMember",
        {"roleObjectId": "1f2e3d4c-0000-0000-0000-000000000001", "memberObjectId": DBA},
        refs={"roleObjectId": "pra"},
    )
    assert any("holds 2 separated functions" in m for _, m in run(SOD, with_(AZURE, role, member)))
    loose = res(
        "m",
        "azuread:index/directoryRoleMember:DirectoryRoleMember",
        {"roleObjectId": "1f2e3d4c-0000-0000-0000-000000000001", "memberObjectId": DBA},
    )
    assert (
        "m",
        "`roleObjectId/memberObjectId` is unknown during preview, so the separation of duties cannot be "
        "judged; the resource is treated as non-compliant (fail closed)",
    ) in run(SOD, with_(AZURE, loose))


def permission_set(instance):
    ps = res("ps", "aws:ssoadmin/permissionSet:PermissionSet", {"name": "DBA", "instanceArn": instance})
    rds = res(
        "ps-rds",
        "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment",
        {
            "instanceArn": instance,
            "permissionSetArn": "arn",
            "managedPolicyArn": "arn:aws:iam::aws:policy/AmazonRDSFullAccess",
        },
        refs={"permissionSetArn": "ps"},
    )
    return [ps, rds]


def test_identity_center_mfa_is_stated_per_instance_in_the_record():
    recorded = "arn:aws:sso:::instance/ssoins-1"  # the corpus record states always-on
    assert [f for f in run(MFA, with_(AWS, *permission_set(recorded))) if f[0] == "ps"] == []
    other = "arn:aws:sso:::instance/ssoins-9"
    assert [f for f in run(MFA, with_(AWS, *permission_set(other))) if f[0] == "ps"] == [
        (
            "ps",
            "the permission set holds SIEM logging, database structure, and how Identity Center instance "
            "arn:aws:sso:::instance/ssoins-9 asks for MFA is set outside the program: record it in the "
            "stack's PIA record (identity_center_mfa: [{instance: <instance ARN>, mfa: always-on | "
            "context-aware, verified_on: YYYY-MM-DD}])",
        )
    ]


@pytest.mark.parametrize("mfa, blocked", [("OFF", True), ("OPTIONAL", True), ("ON", False)])
def test_a_cognito_group_handing_a_role_needs_pool_mfa(mfa, blocked):
    pool = res("pool", "aws:cognito/userPool:UserPool", {"name": "admins", "mfaConfiguration": mfa})
    group = res(
        "grp",
        "aws:cognito/userGroup:UserGroup",
        {
            "name": "beheerders",
            "userPoolId": "eu-west-1_x",
            "roleArn": "arn:aws:iam::111122223333:role/db-admin",
        },
        refs={"userPoolId": "pool"},
    )
    found = [f for f in run(MFA, with_(AWS, pool, group)) if f[0] == "grp"]
    assert found == (
        [
            (
                "grp",
                "the group hands its members an IAM role, and its user pool pool has mfaConfiguration "
                f"{mfa!r} (default OFF): members sign in without a second factor; set it ON",
            )
        ]
        if blocked
        else []
    )
