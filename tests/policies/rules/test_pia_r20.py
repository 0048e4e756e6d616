"""Round-20 blind probe classes (docs/pia-conditions.md, round 20): Machine Learning workspaces, Data
Factories, App Runner services, Glue jobs and their security configurations, DMS Serverless and Firehose S3
keys, Synapse firewall rules and Entra admins, secret rotation by another account's function, delegated Graph
permission grants. One failing mutation per message, exact text."""

from ruletest import KEY, base, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
CMK = "require-customer-managed-keys"
PUB = "disallow-public-data-access"
SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
AZ_TAGS = {
    "classification": "vertrouwelijk",
    "controller": "AIV",
    "system": "corpus",
    "pia-reference": "PIA-C",
}
AWS_TAGS = {**AZ_TAGS, "controller": "VLAIO", "dosis-data": "none"}
VAULT = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus"
ML_KEY = {
    "status": "Enabled",
    "keyVaultProperties": {"keyVaultArmId": VAULT, "keyIdentifier": "https://kv/keys/cmk/1"},
}
NO_KEY = "`{}` is not set: the data would be encrypted with a provider-managed key"


def _ml(**inputs):
    base_inputs = {"resourceGroupName": "rg-corpus", "workspaceName": "mlw", "tags": AZ_TAGS}
    base_inputs.update(hbiWorkspace=True, encryption=ML_KEY, publicNetworkAccess="Disabled")
    return res(
        "mlw", "azure-native:machinelearningservices:Workspace", {**base_inputs, **inputs}, protect=True
    )


def test_machine_learning_workspace_key_and_high_business_impact():
    assert run(CMK, with_(AZURE, _ml())) == []
    assert run(CMK, with_(AZURE, _ml(hbiWorkspace=False))) == [
        (
            "mlw",
            "`hbiWorkspace` is False: compute scratch disks are not encrypted and diagnostics leave for "
            "Microsoft; set it true with the customer-managed key",
        )
    ]
    assert run(CMK, with_(AZURE, _ml(hbiWorkspace=UNKNOWN))) == [
        ("mlw", unknown_message("hbiWorkspace", "the compute disks' encryption"))
    ]
    assert ("mlw", NO_KEY.format("encryption.keyVaultProperties.keyIdentifier")) in run(
        CMK, with_(AZURE, _ml(encryption=None))
    )


def test_machine_learning_workspace_and_factory_are_public_by_default():
    assert run(PUB, with_(AZURE, _ml())) == []
    assert run(PUB, with_(AZURE, _ml(publicNetworkAccess=None))) == [
        (
            "mlw",
            "`publicNetworkAccess` is not set (default Enabled): the workspace is reachable from the "
            "internet",
        )
    ]
    assert run(PUB, with_(AZURE, _ml(allowPublicAccessWhenBehindVnet=True))) == [
        ("mlw", "`allowPublicAccessWhenBehindVnet` is True: the workspace answers the internet")
    ]
    adf = res(
        "adf", "azure-native:datafactory:Factory", {"factoryName": "adf", "tags": AZ_TAGS}, protect=True
    )
    assert run(PUB, with_(AZURE, adf)) == [
        (
            "adf",
            "`publicNetworkAccess` is not set (default Enabled): the factory and the credentials it "
            "keeps face "
            "the internet",
        )
    ]
    assert run(CMK, with_(AZURE, adf)) == [("adf", NO_KEY.format("encryption.keyName"))]


APP_RUNNER_GROUP = "/aws/apprunner/web/ac7ec8b51ff34746bcb6654e0bcb23da"


def test_app_runner_service_needs_the_customer_key():
    web = res("web", "aws:apprunner/service:Service", {"serviceName": "web", "tags": AWS_TAGS}, protect=True)
    # round 41: App Runner creates its two groups itself; the stack adopts them under their literal names
    logs = [
        res(f"logs-{k}", "aws:cloudwatch/logGroup:LogGroup", {"name": f"{APP_RUNNER_GROUP}/{k}",
            "retentionInDays": 3653, "kmsKeyId": KEY}, protect=True)
        for k in ("service", "application")
    ]
    assert run(CMK, with_(AWS, web, *logs)) == [("web", NO_KEY.format("encryptionConfiguration.kmsKey"))]
    keyed = {**web, "inputs": {**web["inputs"], "encryptionConfiguration": {"kmsKey": KEY}}}
    assert run(CMK, with_(AWS, keyed, *logs)) == []


def _job(**inputs):
    return res("etl", "aws:glue/job:Job", {"name": "etl", "tags": AWS_TAGS, **inputs})


def _glue_security(cloudwatch="SSE-KMS", key=KEY):
    cfg = {
        "s3Encryption": {"s3EncryptionMode": "SSE-KMS", "kmsKeyArn": KEY},
        "cloudwatchEncryption": {"cloudwatchEncryptionMode": cloudwatch, "kmsKeyArn": key},
        "jobBookmarksEncryption": {"jobBookmarksEncryptionMode": "CSE-KMS", "kmsKeyArn": KEY},
    }
    return res(
        "etl-sec",
        "aws:glue/securityConfiguration:SecurityConfiguration",
        {"name": "sec", "encryptionConfiguration": cfg},
    )


def test_glue_jobs_name_a_security_configuration_of_the_stack():
    assert run(CMK, with_(AWS, _job())) == [
        (
            "etl",
            "no `securityConfiguration`: the job's S3 output, job bookmarks and CloudWatch logs are "
            "not under a "
            "customer-managed key; name a security configuration of the stack",
        )
    ]
    assert run(CMK, with_(AWS, _job(securityConfiguration="by-hand"))) == [
        (
            "etl",
            "`securityConfiguration` 'by-hand' is not a security configuration of this stack, so its "
            "encryption "
            "cannot be judged; declare it (glue.SecurityConfiguration) and pass its name",
        )
    ]
    assert run(CMK, with_(AWS, _job(securityConfiguration=UNKNOWN))) == [
        ("etl", unknown_message("securityConfiguration", "how the job encrypts"))
    ]
    assert run(CMK, with_(AWS, _job(securityConfiguration="sec"), _glue_security())) == []


def test_glue_security_configuration_modes_and_keys():
    assert run(CMK, with_(AWS, _glue_security(cloudwatch="DISABLED"))) == [
        (
            "etl-sec",
            "`encryptionConfiguration.cloudwatchEncryption.cloudwatchEncryptionMode` is 'DISABLED': "
            "use SSE-KMS "
            "with a customer-managed key",
        )
    ]
    assert run(CMK, with_(AWS, _glue_security(key="alias/aws/glue"))) == [
        (
            "etl-sec",
            "`encryptionConfiguration.cloudwatchEncryption.kmsKeyArn` is the AWS-managed key "
            "'alias/aws/glue'; "
            "use a customer-managed key",
        )
    ]


def test_dms_serverless_and_firehose_destinations_name_customer_keys():
    repl = res(
        "repl",
        "aws:dms/replicationConfig:ReplicationConfig",
        {
            "replicationConfigIdentifier": "cdc",
            "computeConfig": {"replicationSubnetGroupId": "g"},
            "tags": AWS_TAGS,
        },
    )
    assert run(CMK, with_(AWS, repl)) == [("repl", NO_KEY.format("computeConfig.kmsKeyId"))]
    sse = {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY}
    s3 = {"bucketArn": "arn:aws:s3:::corpus-audit", "roleArn": "r", "kmsKeyArn": "alias/aws/s3"}
    stream = res(
        "fh",
        "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
        {"name": "fh", "destination": "extended_s3", "serverSideEncryption": sse, "tags": AWS_TAGS},
    )
    stream["inputs"]["extendedS3Configuration"] = {**s3, "kmsKeyArn": KEY, "s3BackupConfiguration": s3}
    assert run(CMK, with_(AWS, stream)) == [
        (
            "fh",
            "`extendedS3Configuration.s3BackupConfiguration.kmsKeyArn` is the AWS-managed key "
            "'alias/aws/s3'; "
            "use a customer-managed key",
        )
    ]


def test_synapse_firewall_rules_and_secret_rotation_functions_are_judged():
    fw = res(
        "fw",
        "azure-native:synapse:IpFirewallRule",
        {"workspaceName": "syn", "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
    )
    assert run(PUB, with_(AZURE, fw)) == [
        ("fw", "firewall range 0.0.0.0-255.255.255.255 opens the server to the internet")
    ]
    rot = res(
        "rot",
        "aws:secretsmanager/secretRotation:SecretRotation",
        {"secretId": "s", "rotationLambdaArn": "arn:aws:lambda:eu-west-1:999988887777:function:rotate"},
    )
    assert run(PUB, with_(AWS, rot)) == [
        (
            "rot",
            "`rotationLambdaArn` sends the data to account 999988887777, not the stack's account "
            "111122223333",
        )
    ]


def test_a_synapse_entra_admin_holds_database_structure():
    admin = res(
        "syn-admin",
        "azure-native:synapse:WorkspaceSqlAadAdmin",
        {
            "workspaceName": "syn",
            "administratorType": "ActiveDirectory",
            "sid": "00000000-0000-0000-0000-0000000000bb",
        },
    )
    assert run(SOD, with_(AZURE, admin)) == [
        (
            "ra-keys",
            "principal 00000000-0000-0000-0000-0000000000bb holds 2 separated functions: database "
            "structure, key "
            "administration",
        )
    ]


def _grant(*claims):
    return res(
        "grant",
        "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant",
        {
            "servicePrincipalObjectId": "sp",
            "resourceServicePrincipalObjectId": "graph",
            "claimValues": list(claims),
        },
    )


def test_delegated_graph_grants_that_grant_rights_or_weaken_mfa_block():
    assert run(SOD, with_(AZURE, _grant("User.Read", "Directory.AccessAsUser.All"))) == [
        (
            "grant",
            "the delegated permission grant gives Directory.AccessAsUser.All: whenever an "
            "administrator signs in "
            "to the app, its code can grant directory roles, group memberships or permissions to "
            "anyone; grant "
            "delegated read scopes only and grant roles from the reviewed program",
        )
    ]
    assert run(SOD, with_(AZURE, _grant(UNKNOWN))) == [
        ("grant", unknown_message("claimValues", "whether the delegated permissions grant rights"))
    ]
    assert run(MFA, with_(AZURE, _grant("UserAuthenticationMethod.ReadWrite.All"))) == [
        (
            "grant",
            "the delegated permission grant gives UserAuthenticationMethod.ReadWrite.All: whenever an "
            "administrator signs in to the app, its code can switch off Conditional Access MFA or register "
            "factors for any person; manage sign-in policies from the reviewed program under an "
            "administrator's "
            "MFA session",
        )
    ]
    assert run(SOD, with_(AZURE, _grant("User.Read", "openid"))) == []
    assert run(MFA, with_(AZURE, _grant("User.Read", "openid"))) == []
