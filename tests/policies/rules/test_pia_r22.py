"""Round-22 blind probe classes (docs/pia-conditions.md, round 22): master passwords given as inputs,
Firehose destinations beyond the stack's keys, backup vaults that can be emptied, web apps with default basic
publishing credentials, permanent privileged directory roles, WAFs that only detect, API stages without an
access log. One failing mutation per message, exact text."""

from ruletest import KEY, TAGS, base, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
CMK = "require-customer-managed-keys"
DEL = "require-deletion-protection"
ENTRA = "require-entra-only-authentication"
MFA = "require-admin-mfa"
PUB = "disallow-public-data-access"
SIEM = "require-siem-logging"
AZ_TAGS = {
    "classification": "vertrouwelijk",
    "controller": "AIV",
    "system": "corpus",
    "pia-reference": "PIA-C",
}


def _of(found, name):
    return [m for n, m in found if n == name]


# ------------------------------------------------------------------ master passwords given as inputs


def _docdb(**inputs):
    base_inputs = {
        "clusterIdentifier": "docs",
        "engine": "docdb",
        "masterUsername": "admin",
        "storageEncrypted": True,
        "kmsKeyId": KEY,
        "deletionProtection": True,
        "tags": TAGS,
    }
    return res("docs", "aws:docdb/cluster:Cluster", {**base_inputs, **inputs}, protect=True)


def test_master_password_as_input_blocks():
    assert _of(run(CMK, with_(AWS, _docdb(manageMasterUserPassword=True))), "docs") == []
    assert _of(run(CMK, with_(AWS, _docdb())), "docs") == []  # restored or a member: no password given
    assert _of(run(CMK, with_(AWS, _docdb(masterPassword="x"))), "docs") == [
        "`masterPassword` gives the master password as an input: it is kept in the program, its "
        "configuration and the state, under no customer-managed key; set `manageMasterUserPassword` true "
        "(the database keeps it in a secret under the key you name) and leave the password out"
    ]
    rds = res(
        "pg",
        "aws:rds/cluster:Cluster",
        {
            "engine": "aurora-postgresql",
            "storageEncrypted": True,
            "kmsKeyId": KEY,
            "masterPasswordWo": "x",
            "tags": TAGS,
        },
        protect=True,
    )
    assert [m for m in _of(run(CMK, with_(AWS, rds)), "pg") if "masterPasswordWo" in m] == [
        "`masterPasswordWo` gives the master password as an input: it is kept in the program, its "
        "configuration and the state, under no customer-managed key; set `manageMasterUserPassword` true "
        "(the database keeps it in a secret under the key you name) and leave the password out"
    ]


# ------------------------------------------------------------------ Firehose destinations


def _stream(destination="opensearch", **config):
    inputs = {
        "name": "feed",
        "destination": destination,
        "tags": TAGS,
        "serverSideEncryption": {"enabled": True, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": KEY},
    }
    return res("feed", "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", {**inputs, **config})


def test_firehose_bucket_outside_the_stack_needs_a_key():
    s3 = {"bucketArn": "arn:aws:s3:::elsewhere", "roleArn": "arn:aws:iam::111122223333:role/fh"}
    config = {
        "domainArn": "arn:aws:es:eu-west-1:111122223333:domain/d",
        "indexName": "i",
        "s3Configuration": s3,
    }
    assert _of(run(CMK, with_(AWS, _stream(opensearchConfiguration=config))), "feed") == [
        "`opensearchConfiguration.s3Configuration.bucketArn` names a bucket that is not of this stack and no "
        "`opensearchConfiguration.s3Configuration.kmsKeyArn`: the objects take that bucket's default "
        "encryption, which is judged nowhere; name the customer-managed key or create the bucket in this "
        "stack"
    ]
    own = {**config, "s3Configuration": {**s3, "bucketArn": "arn:aws:s3:::corpus-audit"}}
    assert _of(run(CMK, with_(AWS, _stream(opensearchConfiguration=own))), "feed") == []
    keyed = {**config, "s3Configuration": {**s3, "kmsKeyArn": KEY}}
    assert _of(run(CMK, with_(AWS, _stream(opensearchConfiguration=keyed))), "feed") == []


def test_firehose_third_party_destination_blocks():
    http = {
        "url": "https://intake.example.com",
        "s3Configuration": {"bucketArn": "arn:aws:s3:::corpus-audit"},
    }
    assert _of(run(CMK, with_(AWS, _stream("http_endpoint", httpEndpointConfiguration=http))), "feed") == [
        "`destination` is 'http_endpoint': the records are delivered to an HTTP endpoint of a third party "
        "and kept there under its keys, not a customer-managed key of the controller; deliver to a store of "
        "this stack"
    ]
    assert _of(run(CMK, with_(AWS, _stream(UNKNOWN))), "feed") == [
        unknown_message("destination", "where the records are delivered")
    ]


# ------------------------------------------------------------------ backup vaults


def _aws_vault(*extra):
    vault = res(
        "vault", "aws:backup/vault:Vault", {"name": "v1", "kmsKeyArn": KEY, "tags": TAGS}, protect=True
    )
    return with_(AWS, vault, *extra)


def _lock(**inputs):
    return res(
        "lock",
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        {"backupVaultName": "v1", **inputs},
        refs={"backupVaultName": "vault"},
    )


def test_aws_backup_vault_needs_a_compliance_lock():
    assert _of(run(DEL, _aws_vault(_lock(changeableForDays=3))), "vault") == []
    assert _of(run(DEL, _aws_vault()), "vault") == [
        "no VaultLockConfiguration of this stack locks the vault: whoever may delete recovery points empties "
        "it; add one in compliance mode (`changeableForDays` set)"
    ]
    assert _of(run(DEL, _aws_vault(_lock(minRetentionDays=7))), "vault") == [
        "the vault lock has no `changeableForDays`: it is in governance mode, which a privileged user lifts; "
        "set `changeableForDays` (compliance mode)"
    ]
    assert _of(run(DEL, _aws_vault(_lock(changeableForDays=UNKNOWN))), "vault") == [
        unknown_message("changeableForDays", "the vault lock's mode")
    ]


SOFT = "properties.securitySettings.softDeleteSettings.state"
IMM = "properties.securitySettings.immutabilitySettings.state"


def _az_vault(soft, imm):
    security = {
        "softDeleteSettings": {"state": soft},
        **({"immutabilitySettings": {"state": imm}} if imm else {}),
    }
    inputs = {
        "resourceGroupName": "rg-corpus",
        "vaultName": "bv",
        "tags": AZ_TAGS,
        "properties": {"securitySettings": security},
    }
    return with_(
        AZURE,
        res(
            "bv",
            "azure-native:dataprotection:BackupVault",
            inputs,
            protect=True,
            refs={"resourceGroupName": "rg"},
        ),
    )


def test_azure_backup_vault_purge_must_be_irreversible():
    assert _of(run(DEL, _az_vault("AlwaysOn", None)), "bv") == []
    assert _of(run(DEL, _az_vault("On", "Locked")), "bv") == []
    assert _of(run(DEL, _az_vault("On", None)), "bv") == [
        f"`{SOFT}` is 'On' and `{IMM}` is None: whoever may write the vault switches soft delete off and "
        "purges the backups; set soft delete AlwaysOn or immutability Locked"
    ]
    assert _of(run(DEL, _az_vault("On", UNKNOWN)), "bv") == [
        unknown_message(IMM, "whether the backups can be purged")
    ]


# ------------------------------------------------------------------ basic publishing credentials


def _site(*extra, slot=None):
    inputs = {"resourceGroupName": "rg-corpus", "name": "app1", "httpsOnly": True, "tags": AZ_TAGS}
    type_ = "azure-native:web:WebAppSlot" if slot else "azure-native:web:WebApp"
    return with_(AZURE, res("site", type_, {**inputs, **({"slot": slot} if slot else {})}), *extra)


def _policy(kind, slot=None):
    type_ = f"azure-native:web:WebApp{kind}Allowed{'Slot' if slot else ''}"
    inputs = {
        "resourceGroupName": "rg-corpus",
        "name": "app1",
        "allow": False,
        **({"slot": slot} if slot else {}),
    }
    return res(f"{kind}-policy", type_, inputs)


def test_sites_declare_their_basic_publishing_policies():
    assert _of(run(ENTRA, _site(_policy("Ftp"), _policy("Scm"))), "site") == []
    assert _of(run(ENTRA, _site(_policy("Ftp"))), "site") == [
        "no WebAppScmAllowed of this stack for the site: SCM basic publishing credentials keep the API "
        "default (allowed) and bypass Entra ID; add one with `allow` false"
    ]
    slot = _site(_policy("Ftp", "staging"), _policy("Scm", "other"), slot="staging")
    assert _of(run(ENTRA, slot), "site") == [
        "no WebAppScmAllowedSlot of this stack for the site slot 'staging': SCM basic publishing credentials "
        "keep the API default (allowed) and bypass Entra ID; add one with `allow` false"
    ]


# ------------------------------------------------------------------ permanent privileged directory roles


def _assignment(role):
    return res(
        "standing",
        "azuread:index/directoryRoleAssignment:DirectoryRoleAssignment",
        {
            "roleId": role,
            "principalObjectId": "00000000-0000-0000-0000-0000000000c4",
            "directoryScopeId": "/",
        },
    )


def test_privileged_directory_roles_are_eligible_not_permanent():
    reader = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"  # Global Reader: not privileged
    assert _of(run(MFA, with_(AZURE, _assignment(reader))), "standing") == []
    assert _of(run(MFA, with_(AZURE, _assignment("c4e39bd9-1100-46d3-8c65-fb160da0071f"))), "standing") == [
        "a permanent DirectoryRoleAssignment holds the directory role c4e39bd9-1100-46d3-8c65-fb160da0071f, "
        "which resets users' authentication methods: it is used without activation, so PIM never asks MFA or "
        "records the use; make it PIM-eligible (DirectoryRoleEligibilityScheduleRequest)"
    ]
    assert _of(run(MFA, with_(AZURE, _assignment(UNKNOWN))), "standing") == [
        "`roleId` cannot be read: name the role's template id (or feed it from a DirectoryRole of this "
        "stack) so the gate can tell whether a standing grant is privileged"
    ]


# ------------------------------------------------------------------ WAF mode


def _waf(mode):
    inputs = {
        "resourceGroupName": "rg-corpus",
        "policyName": "waf",
        "policySettings": {"mode": mode, "state": "Enabled"},
        "managedRules": {"managedRuleSets": [{"ruleSetType": "OWASP", "ruleSetVersion": "3.2"}]},
    }
    return with_(AZURE, res("waf", "azure-native:network:WebApplicationFirewallPolicy", inputs))


def test_waf_prevents():
    assert _of(run(PUB, _waf("Prevention")), "waf") == []
    assert _of(run(PUB, _waf("Detection")), "waf") == [
        "`policySettings.mode` is 'Detection', not 'Prevention': the web application firewall lets attacks "
        "through to the application it fronts (Detection only logs them); set it to 'Prevention'"
    ]
    assert _of(run(PUB, _waf(UNKNOWN)), "waf") == [
        unknown_message("policySettings.mode", "whether the firewall blocks attacks")
    ]


# ------------------------------------------------------------------ API access logs


def _stage(**inputs):
    group = {"name": "/apigw/access", "retentionInDays": 365, "kmsKeyId": KEY, "tags": TAGS}
    return with_(
        AWS,
        res("access", "aws:cloudwatch/logGroup:LogGroup", group, protect=True),  # round 23: of the stack
        res(
            "stage",
            "aws:apigateway/stage:Stage",
            {"restApi": "api", "deployment": "d", "stageName": "prod", "tags": TAGS, **inputs},
        ),
    )


def test_api_stages_keep_an_access_log():
    dest = "arn:aws:logs:eu-west-1:111122223333:log-group:/apigw/access"
    assert (
        _of(
            run(SIEM, _stage(accessLogSettings={"destinationArn": dest, "format": "$context.requestId"})),
            "stage",
        )
        == []
    )
    assert _of(run(SIEM, _stage()), "stage") == [
        "the stage keeps no access log (`accessLogSettings.destinationArn` unset): who called which API, and "
        "which dossier, is recorded nowhere the SOC sees; send it to a log group of this stack"
    ]
    assert _of(run(SIEM, _stage(accessLogSettings={"destinationArn": UNKNOWN})), "stage") == [
        unknown_message("accessLogSettings.destinationArn", "where the stage's access log goes")
    ]
