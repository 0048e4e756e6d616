"""Round-23 blind probe classes (docs/pia-conditions.md, round 23): EKS control-plane audit logs and their
log group, API access logs sent outside the stack, permanent custom directory roles, Front Door WAF mode, and
a workspace fed only by resource diagnostic settings. One failing mutation per message, exact text."""

from ruletest import KEY, TAGS, base, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
MFA = "require-admin-mfa"
PUB = "disallow-public-data-access"
RET = "require-audit-log-retention"
SIEM = "require-siem-logging"


def _of(found, name):
    return [m for n, m in found if n == name]


# ------------------------------------------------------------------ EKS control-plane logs


def _eks(**inputs):
    base_inputs = {
        "name": "dossiers",
        "roleArn": "arn:aws:iam::111122223333:role/eks",
        "vpcConfig": {
            "subnetIds": ["subnet-1"],
            "endpointPrivateAccess": True,
            "endpointPublicAccess": False,
        },
        "encryptionConfig": {"provider": {"keyArn": KEY}, "resources": ["secrets"]},
        "tags": TAGS,
    }
    return res("eks", "aws:eks/cluster:Cluster", {**base_inputs, **inputs}, protect=True)


def test_eks_sends_its_audit_log():
    assert _of(run(SIEM, with_(AWS, _eks(enabledClusterLogTypes=["audit"]))), "eks") == []
    missing = (
        "the EKS control plane does not send its audit log (`enabledClusterLogTypes` lacks 'audit'): who "
        "read or changed which Kubernetes secret, as which user, is recorded nowhere; add 'audit'"
    )
    assert _of(run(SIEM, with_(AWS, _eks())), "eks") == [missing]
    assert _of(run(SIEM, with_(AWS, _eks(enabledClusterLogTypes=["api", "authenticator"]))), "eks") == [
        missing
    ]
    assert _of(run(SIEM, with_(AWS, _eks(enabledClusterLogTypes=UNKNOWN))), "eks") == [
        unknown_message("enabledClusterLogTypes", "which control-plane logs EKS keeps")
    ]


def _group(days):
    inputs = {"name": "/aws/eks/dossiers/cluster", "kmsKeyId": KEY, "tags": TAGS}
    if days is not None:
        inputs["retentionInDays"] = days
    return with_(AWS, res("eks-logs", "aws:cloudwatch/logGroup:LogGroup", inputs, protect=True))


def test_eks_log_group_keeps_ten_years():
    assert _of(run(RET, _group(None)), "eks-logs") == []  # never expires
    assert _of(run(RET, _group(3653)), "eks-logs") == []
    assert _of(run(RET, _group(365)), "eks-logs") == [
        "the log group /aws/eks/dossiers/cluster holds the EKS control plane's audit log and keeps 365 days; "
        "keep it at least 3650 days (or leave retentionInDays unset: never expire)"
    ]
    assert _of(run(RET, _group(UNKNOWN)), "eks-logs") == [
        unknown_message("retentionInDays", "how long the cluster's audit log is kept")
    ]


# ------------------------------------------------------------------ API access log destination


def _stage(dest, *extra):
    stage = {
        "restApi": "api",
        "deployment": "d",
        "stageName": "prod",
        "tags": TAGS,
        "accessLogSettings": {"destinationArn": dest, "format": "$context.requestId"},
    }
    return with_(AWS, *extra, res("stage", "aws:apigateway/stage:Stage", stage))


def test_api_access_log_goes_to_the_stack():
    group = res("access", "aws:cloudwatch/logGroup:LogGroup", {"name": "/apigw/access", "tags": TAGS})
    arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/apigw/access:*"
    assert _of(run(SIEM, _stage(arn, group)), "stage") == []
    fed = {**group, "name": "fed", "inputs": {"tags": TAGS}}
    fed_stage = _stage("arn:aws:logs:eu-west-1:111122223333:log-group:fed-x", fed)
    fed_stage[-1]["refs"] = {"accessLogSettings": "fed"}
    assert _of(run(SIEM, fed_stage), "stage") == []
    assert _of(run(SIEM, _stage(arn)), "stage") == [
        f"the stage's access log goes to {arn}, no log group or Firehose stream of this stack: how long it "
        "is kept and whether the SOC reads it cannot be judged; declare the destination in this stack (or "
        "feed its ARN from it)"
    ]


# ------------------------------------------------------------------ custom directory roles held permanently


def _custom(actions):
    role = res(
        "ca-op",
        "azuread:index/customDirectoryRole:CustomDirectoryRole",
        {"displayName": "ca-op", "enabled": True, "version": "1", "permissions": actions},
    )
    grant = res(
        "grant",
        "azuread:index/directoryRoleAssignment:DirectoryRoleAssignment",
        {
            "roleId": "11111111-2222-3333-4444-555555555555",
            "principalObjectId": "c5",
            "directoryScopeId": "/",
        },
        refs={"roleId": "ca-op"},
    )
    return with_(AZURE, role, grant)


def test_custom_directory_role_with_writes_is_eligible_only():
    reads = [{"allowedResourceActions": ["microsoft.directory/users/standard/read"]}]
    assert _of(run(MFA, _custom(reads)), "grant") == []
    writes = [{"allowedResourceActions": ["microsoft.directory/users/password/update"]}]
    assert _of(run(MFA, _custom(writes)), "grant") == [
        "a permanent DirectoryRoleAssignment holds the custom directory role ca-op, which may "
        "microsoft.directory/users/password/update: it is used without activation, so PIM never asks MFA or "
        "records the use; make it PIM-eligible (DirectoryRoleEligibilityScheduleRequest)"
    ]
    assert _of(run(MFA, _custom(UNKNOWN)), "grant") == [
        "the permissions of the custom directory role ca-op cannot be read: state its allowedResourceActions "
        "so the gate can tell whether a standing grant of it is privileged"
    ]


# ------------------------------------------------------------------ Front Door WAF mode


def _fd_waf(mode, state="Enabled"):
    inputs = {
        "resourceGroupName": "rg-corpus",
        "policyName": "wafportal",
        "sku": {"name": "Premium_AzureFrontDoor"},
        "policySettings": {"mode": mode, "enabledState": state},
    }
    return with_(AZURE, res("fd-waf", "azure-native:frontdoor:Policy", inputs))


def test_front_door_waf_prevents():
    assert _of(run(PUB, _fd_waf("Prevention")), "fd-waf") == []
    assert _of(run(PUB, _fd_waf("Prevention", "Disabled")), "fd-waf") == [
        "`policySettings.enabledState` is 'Disabled', not 'Enabled': the web application firewall lets "
        "attacks through to the application it fronts (Detection only logs them); set it to 'Enabled'"
    ]


# ------------------------------------------------------------------ a workspace for resource audit logs


def _audit_workspace(destination=None):
    ws = "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.OperationalInsights/workspaces/"
    ws += "log-audit"
    diag = {
        "resourceUri": "/subscriptions/s/resourceGroups/rg-corpus/providers/Microsoft.Sql/servers/sql-corpus",
        "workspaceId": ws,
        "logs": [{"categoryGroup": "audit", "enabled": True}],
    }
    if destination:
        diag["logAnalyticsDestinationType"] = destination
    return with_(
        AZURE,
        res(
            "audit-logs",
            "azure-native:operationalinsights:Workspace",
            {
                "resourceGroupName": "rg-corpus",
                "workspaceName": "log-audit",
                "retentionInDays": 365,
                "tags": {
                    "classification": "vertrouwelijk",
                    "controller": "AIV",
                    "system": "corpus",
                    "pia-reference": "PIA-C",
                },
            },
            protect=True,
        ),
        res(
            "audit-diag-table",
            "azure-native:operationalinsights:Table",
            {
                "resourceGroupName": "rg-corpus",
                "workspaceName": "log-audit",
                "tableName": "AzureDiagnostics",
                "retentionInDays": 365,
                "totalRetentionInDays": 3653,
            },
            refs={"workspaceName": "audit-logs"},
        ),
        res("diag-sql", "azure-native:insights:DiagnosticSetting", diag, refs={"workspaceId": "audit-logs"}),
    )


def test_resource_audit_workspace_archives_azure_diagnostics():
    assert _of(run(RET, _audit_workspace()), "audit-logs") == []
    assert _of(run(RET, _audit_workspace("Dedicated")), "audit-logs") == [
        "no audit table (azureactivity) is archived 3650 days: the other tables fall back to the workspace's "
        "365 days"
    ]
