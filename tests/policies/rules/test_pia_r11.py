"""Round-11 blind probe classes (docs/pia-conditions.md, round 11): where EC2 hosts land, grants to other
accounts, Cognito guests, Entra service principals with secrets, issuers per organisation or cluster,
alarms that notify, stopped trails, threat detection off, whose key a store names, launch configurations,
CloudTrail Lake, Managed HSM and global clusters, long-term user credentials."""

import pytest
from ruletest import ACC, KEY, base, doc, only, patch, res, run, with_

AWS = base("aws")
AZURE = base("azure")
T = {"classification": "vertrouwelijk"}
PUBLIC = "disallow-public-data-access"
CMK = "require-customer-managed-keys"
SIEM = "require-siem-logging"
MFA = "require-admin-mfa"
SOD = "require-separation-of-duties"
DEL = "require-deletion-protection"
DISK = {"encrypted": True, "kmsKeyId": KEY}


def instance(**inputs):
    return res(
        "host",
        "aws:ec2/instance:Instance",
        {"ami": "ami-1", "rootBlockDevice": DISK, "tags": T, **inputs},
        protect=True,
    )


def template(interfaces=None):
    inputs = {
        "imageId": "ami-1",
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": KEY}}],
    }
    if interfaces is not None:
        inputs["networkInterfaces"] = interfaces
    return res("lt", "aws:ec2/launchTemplate:LaunchTemplate", inputs)


@pytest.mark.parametrize(
    "extra, blocked",
    [
        ((instance(),), True),  # default VPC
        ((instance(associatePublicIpAddress=False),), False),
        ((instance(subnetId="subnet-2"),), False),
        ((instance(launchTemplate={"id": "lt-x"}),), True),  # a template outside the stack
        ((template([{"deviceIndex": 0, "subnetId": "subnet-2", "associatePublicIpAddress": "true"}]),), True),
        ((template([{"deviceIndex": 0, "associatePublicIpAddress": True}]),), True),
        (
            (template([{"deviceIndex": 0, "subnetId": "subnet-2", "associatePublicIpAddress": "false"}]),),
            False,
        ),
    ],
)
def test_hosts_land_where_they_are_placed(extra, blocked):
    assert bool(run(PUBLIC, with_(AWS, *extra))) is blocked


@pytest.mark.parametrize("interfaces, blocked", [([{"subnetId": "subnet-2"}], False), (None, True)])
def test_an_instance_is_placed_by_its_template_of_the_stack(interfaces, blocked):
    host = {**instance(launchTemplate={"id": "lt-1"}), "refs": {"launchTemplate": "lt"}}
    assert bool(run(PUBLIC, with_(AWS, template(interfaces), host))) is blocked


@pytest.mark.parametrize(
    "zones, blocked",
    [({"availabilityZones": ["eu-west-1a"]}, True), ({"vpcZoneIdentifiers": ["subnet-2"]}, False)],
)
def test_auto_scaling_group_without_subnets_lands_in_the_default_vpc(zones, blocked):
    group = res(
        "asg",
        "aws:autoscaling/group:Group",
        {"maxSize": 1, "minSize": 1, "launchTemplate": {"id": "lt-1"}, **zones},
        refs={"launchTemplate": "lt"},
    )
    found = run(PUBLIC, with_(AWS, template(), group))
    assert bool(found) is blocked, found


OTHER = "999988887777"


@pytest.mark.parametrize(
    "resource",
    [
        res(
            "p",
            "aws:lambda/permission:Permission",
            {"action": "lambda:InvokeFunction", "function": "f", "principal": OTHER},
        ),
        res(
            "p",
            "aws:lambda/permission:Permission",
            {"action": "lambda:InvokeFunction", "function": "f", "principal": f"arn:aws:iam::{OTHER}:root"},
        ),
        res("p", "aws:cloudwatch/eventPermission:EventPermission", {"principal": OTHER, "statementId": "x"}),
        res(
            "p",
            "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
            {"snapshotId": "snap-1", "accountId": OTHER},
        ),
        res("p", "aws:ec2/amiLaunchPermission:AmiLaunchPermission", {"imageId": "ami-1", "accountId": OTHER}),
        res(
            "p",
            "aws:rds/snapshot:Snapshot",
            {"dbInstanceIdentifier": "db", "dbSnapshotIdentifier": "s", "sharedAccounts": [OTHER]},
        ),
        res(
            "p",
            "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple",
            {"vpcEndpointServiceId": "vpce-svc-1", "principalArn": "*"},
        ),
        res(
            "p",
            "aws:ec2/vpcEndpointService:VpcEndpointService",
            {"acceptanceRequired": True, "allowedPrincipals": [f"arn:aws:iam::{OTHER}:root"]},
        ),
        res(
            "p",
            "aws:sqs/queuePolicy:QueuePolicy",
            {
                "queueUrl": "q",
                "policy": doc(
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": OTHER},
                        "Action": "sqs:ReceiveMessage",
                        "Resource": "*",
                    }
                ),
            },
        ),
        res(
            "p",
            "aws:s3control/multiRegionAccessPointPolicy:MultiRegionAccessPointPolicy",
            {
                "details": {
                    "name": "m",
                    "policy": doc(
                        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
                    ),
                }
            },
        ),
    ],
    ids=lambda r: r["type"].rsplit(":", 1)[-1] + "-" + str(sorted(r["inputs"]))[:30],
)
def test_grants_to_other_accounts_or_everyone_are_public(resource):
    assert any(n == "p" for n, _ in run(PUBLIC, with_(AWS, resource)))


@pytest.mark.parametrize(
    "principal",
    [
        "111122223333",
        f"{ACC}:role/app",
        "arn:aws:iam::444455556666:root",
    ],  # the workload and archive accounts
)
def test_grants_to_the_stacks_own_accounts_pass(principal):
    grant = res(
        "p",
        "aws:lambda/permission:Permission",
        {"action": "lambda:InvokeFunction", "function": "f", "principal": principal},
    )
    assert run(PUBLIC, with_(AWS, grant)) == []


@pytest.mark.parametrize("amr, blocked", [(None, True), ("unauthenticated", True), ("authenticated", False)])
def test_cognito_roles_for_guests_are_public(amr, blocked):
    cond = {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:pool"}}
    if amr:
        cond["ForAnyValue:StringLike"] = {"cognito-identity.amazonaws.com:amr": amr}
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": cond,
        }
    )
    pool = res("pool", "aws:cognito/identityPool:IdentityPool", {"identityPoolName": "p"})
    role = res("guest", "aws:iam/role:Role", {"assumeRolePolicy": trust}, refs={"assumeRolePolicy": "pool"})
    found = run(PUBLIC, with_(AWS, pool, role))  # the stack's own pool (round 12: any other pool is public)
    assert bool(found) is blocked, found


def _sp_with(credential):
    app = res("ops-app", "azuread:index/application:Application", {"displayName": "ops"})
    sp = res(
        "ops-sp",
        "azuread:index/servicePrincipal:ServicePrincipal",
        {"clientId": "c"},
        refs={"clientId": "ops-app"},
    )
    out = [app, sp]
    if credential == "sp-password":
        out.append(
            res(
                "cred",
                "azuread:index/servicePrincipalPassword:ServicePrincipalPassword",
                {"servicePrincipalId": "s"},
                refs={"servicePrincipalId": "ops-sp"},
            )
        )
    elif credential == "app-certificate":
        out.append(
            res(
                "cred",
                "azuread:index/applicationCertificate:ApplicationCertificate",
                {"applicationId": "a", "type": "AsymmetricX509Cert", "value": "x"},
                refs={"applicationId": "ops-app"},
            )
        )
    elif credential == "app-inline-password":
        out[0] = res(
            "ops-app",
            "azuread:index/application:Application",
            {"displayName": "ops", "password": {"displayName": "ops"}},
        )
    return out


def _assign(name, role, scope="/subscriptions/s/resourceGroups/rg-corpus"):
    return res(
        name,
        "azure-native:authorization:RoleAssignment",
        {
            "principalId": "x",
            "principalType": "ServicePrincipal",
            "scope": scope,
            "roleDefinitionId": f"/providers/Microsoft.Authorization/roleDefinitions/{role}",
        },
        refs={"principalId": "ops-sp"},
    )


CONTRIBUTOR, KV_ADMIN = "b24988ac-6180-42a0-ab88-20f7382dd24c", "00482a5a-887f-4fb3-b363-3b7fe8e74483"


@pytest.mark.parametrize("credential", ["sp-password", "app-certificate", "app-inline-password", None])
def test_service_principals_with_secrets_are_people(credential):
    stack = with_(AZURE, *_sp_with(credential), _assign("ra-1", CONTRIBUTOR), _assign("ra-2", KV_ADMIN))
    people = credential is not None
    assert bool(run(SOD, stack)) is people
    assert any("client secret or certificate" in m for _, m in run(MFA, stack)) is people


@pytest.mark.parametrize(
    "issuer, trusted",
    [
        ("https://vstoken.dev.azure.com/0f3c5a1e-7f2b-4c1d-9a55-3e2f8b1c0d42", True),
        ("https://oidc.eks.eu-west-1.amazonaws.com/id/5C54DDF35ACF3B5E1C8C7A1D9E2F4B6A", True),
        (
            "https://westeurope.oic.prod-aks.azure.com/00000000-0000-0000-0000-000000000001/3f1c2b7a-9d4e-4c55-8a2b-6e0f1d2c3b4a/",
            True,
        ),
        ("https://vstoken.dev.azure.com.attacker.example/0f3c5a1e-7f2b-4c1d-9a55-3e2f8b1c0d42", False),
        ("https://oidc.eks.eu-west-1.amazonaws.com/id/5C54DDF35ACF3B5E1C8C7A1D9E2F4B6A/extra", False),
    ],
)
def test_issuers_run_per_organisation_or_cluster(issuer, trusted):
    from policies.data.oidc_issuers import trusted as is_trusted

    assert is_trusted(issuer) is trusted


@pytest.mark.parametrize(
    "actions, blocked",
    [
        (["arn:aws:automate:eu-west-1:ec2:reboot"], True),
        (
            [
                "arn:aws:autoscaling:eu-west-1:111122223333:scalingPolicy:x:autoScalingGroupName/a:policyName/p"
            ],
            True,
        ),
        (["arn:aws:sns:eu-west-1:111122223333:soc"], False),
        # round 15: a function by literal ARN counts only when the stack creates it (test_pia_r15)
        (["arn:aws:lambda:eu-west-1:111122223333:function:page"], True),
    ],
)
def test_siem_alarms_must_notify_someone(actions, blocked):
    stack = patch(AWS, "kms-alarm", alarmActions=actions)
    next(r for r in stack if r["name"] == "kms-alarm").pop("refs")  # the literal ARNs, not the SOC topic
    found = run(SIEM, stack)
    assert bool(found) is blocked, found


def test_a_stopped_trail_feeds_no_alarm():
    found = run(SIEM, patch(AWS, "trail", enableLogging=False))
    assert any("root account use" in m for _, m in found), found


@pytest.mark.parametrize(
    "resource, blocked",
    [
        (res("gd", "aws:guardduty/detector:Detector", {"enable": False}), True),
        (res("gd", "aws:guardduty/detector:Detector", {"enable": True}), False),
        (
            res(
                "gd",
                "azure-native:security:Pricing",
                {"pricingName": "KeyVaults", "pricingTier": "Free", "scopeId": "subscriptions/s"},
            ),
            True,
        ),
        (
            res(
                "gd",
                "azure-native:security:Pricing",
                {"pricingName": "KeyVaults", "pricingTier": "Standard", "scopeId": "subscriptions/s"},
            ),
            False,
        ),
    ],
)
def test_threat_detection_is_not_switched_off(resource, blocked):
    assert bool(run(SIEM, with_(AWS, resource))) is blocked


def _storage(uri):
    return patch(
        AZURE,
        "store",
        encryption={
            "keySource": "Microsoft.Keyvault",
            "keyVaultProperties": {"keyName": "cmk", "keyVaultUri": uri},
        },
    )


@pytest.mark.parametrize(
    "uri, blocked",
    [
        ("https://kv-other.vault.azure.net", True),
        ("https://hsm-other.managedhsm.azure.net", True),
        ("https://KV-CORPUS.vault.azure.net/", False),
    ],
)
def test_keys_in_vaults_outside_the_stack(uri, blocked):
    assert bool(run(CMK, _storage(uri))) is blocked


@pytest.mark.parametrize(
    "key, alias, blocked",
    [
        ("alias/app-data", None, True),
        ("arn:aws:kms:eu-west-1:111122223333:alias/app-data", None, True),
        ("alias/app-data", "alias/app-data", False),
    ],
)
def test_kms_aliases_the_stack_does_not_declare(key, alias, blocked):
    extra = [
        res(
            "logs",
            "aws:cloudwatch/logGroup:LogGroup",
            {"name": "app", "kmsKeyId": key, "retentionInDays": 3653, "tags": T},
            protect=True,
        )
    ]
    if alias:
        extra.append(
            res(
                "alias",
                "aws:kms/alias:Alias",
                {"name": alias, "targetKeyId": KEY},
                refs={"targetKeyId": "key"},
            )
        )
    found = run(CMK, with_(AWS, *extra))
    assert bool(found) is blocked, found


@pytest.mark.parametrize("default_key, blocked", [(True, False), (False, True)])
def test_launch_configuration_takes_the_account_default_key(default_key, blocked):
    lc = res(
        "lc",
        "aws:ec2/launchConfiguration:LaunchConfiguration",
        {"imageId": "ami-1", "rootBlockDevice": {"encrypted": True}},
    )
    extra = [lc]
    if default_key:
        extra.append(
            res("dk", "aws:ebs/defaultKmsKey:DefaultKmsKey", {"keyArn": KEY}, refs={"keyArn": "key"})
        )
    assert bool(run(CMK, with_(AWS, *extra))) is blocked


@pytest.mark.parametrize(
    "rule, inputs, blocked",
    [
        (CMK, {}, True),
        (CMK, {"kmsKeyId": KEY}, False),
        (DEL, {"kmsKeyId": KEY, "terminationProtectionEnabled": False}, True),
    ],
)
def test_cloudtrail_lake_is_a_store(rule, inputs, blocked):
    lake = res(
        "lake",
        "aws:cloudtrail/eventDataStore:EventDataStore",
        {"name": "lake", "tags": T, **inputs},
        protect=True,
    )
    assert bool(run(rule, with_(AWS, lake))) is blocked


@pytest.mark.parametrize(
    "resource, fragment",
    [
        (
            res(
                "hsm",
                "azure-native:keyvault:ManagedHsm",
                {
                    "resourceGroupName": "rg-corpus",
                    "name": "hsm",
                    "properties": {"enablePurgeProtection": False},
                },
                protect=True,
                refs={"resourceGroupName": "rg"},
            ),
            "enablePurgeProtection",
        ),
        (
            res(
                "g",
                "aws:rds/globalCluster:GlobalCluster",
                {"globalClusterIdentifier": "g", "deletionProtection": False},
                protect=True,
            ),
            "deletionProtection",
        ),
        (
            res(
                "g",
                "aws:rds/globalCluster:GlobalCluster",
                {"globalClusterIdentifier": "g", "deletionProtection": True},
            ),
            "not `protect`ed",
        ),
    ],
)
def test_key_custody_and_global_clusters_are_kept(resource, fragment):
    only(
        run(DEL, with_(AZURE if resource["type"].startswith("azure") else AWS, resource)),
        resource["name"],
        fragment,
    )


@pytest.mark.parametrize(
    "credential, test, blocked",
    [
        ("aws:iam/serviceSpecificCredential:ServiceSpecificCredential", "Bool", True),
        ("aws:iam/sshKey:SshKey", "Bool", True),
        ("aws:iam/serviceSpecificCredential:ServiceSpecificCredential", "BoolIfExists", False),
        (None, "Bool", False),
    ],
)
def test_long_term_user_credentials_need_boolifexists(credential, test, blocked):
    deny = {
        "Effect": "Deny",
        "NotAction": ["iam:ChangePassword"],
        "Resource": "*",
        "Condition": {test: {"aws:MultiFactorAuthPresent": "false"}},
    }
    extra = [
        res("u", "aws:iam/user:User", {"name": "u"}),
        res("u-login", "aws:iam/userLoginProfile:UserLoginProfile", {"user": "u"}, refs={"user": "u"}),
        res(
            "u-policy",
            "aws:iam/userPolicy:UserPolicy",
            {
                "user": "u",
                "policy": doc({"Effect": "Allow", "Action": "cassandra:Select", "Resource": "*"}, deny),
            },
            refs={"user": "u"},
        ),
    ]
    if credential:
        fld = "username" if credential.endswith("SshKey") else "userName"
        extra.append(
            res("cred", credential, {fld: "u", "serviceName": "cassandra.amazonaws.com"}, refs={fld: "u"})
        )
    found = run(MFA, with_(AWS, *extra))
    assert bool(found) is blocked, found


@pytest.mark.parametrize(
    "actions, blocked",
    [
        ("s3:PutObject", False),  # ELB's regional account delivering access logs
        (["s3:PutObject", "s3:GetObject"], True),
        ("s3:Put*", True),  # a wildcard also puts policies and ACLs
    ],
)
def test_delivery_only_grants_to_other_accounts_expose_nothing(actions, blocked):
    stmt = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::156460612806:root"},
        "Action": actions,
        "Resource": "*",
    }
    policy = res("p", "aws:s3/bucketPolicy:BucketPolicy", {"bucket": "corpus-audit", "policy": doc(stmt)})
    assert any(n == "p" for n, _ in run(PUBLIC, with_(AWS, policy))) is blocked
