"""Round-19 blind probe classes (docs/pia-conditions.md, round 19): workload and pipeline roles that may
change permissions, Graph application permissions that grant rights, PIM activation without MFA, Performance
Insights on the AWS-managed key, Log Analytics tables and SQL auditing kept less than ten years. One failing
mutation per message, exact text."""

from ruletest import KEY, TAGS, base, doc, res, run, with_

from policies.core.view import UNKNOWN, unknown_message

AWS = base("aws")
AZURE = base("azure")
SOD = "require-separation-of-duties"
MFA = "require-admin-mfa"
CMK = "require-customer-managed-keys"
KEEP = "require-audit-log-retention"
LAMBDA = doc(
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
)
MACHINE = (
    "the role is a workload or pipeline (no person signs in as it) but may change permissions ({}): whoever "
    "runs code as it can grant itself or anyone every function; give it no IAM permission-management actions "
    "and let the reviewed program create roles and policies"
)


def _role(name, *actions, resource="*"):
    role = res(name, "aws:iam/role:Role", {"name": name, "assumeRolePolicy": LAMBDA, "tags": TAGS})
    policy = doc({"Effect": "Allow", "Action": list(actions), "Resource": resource})
    return role, res(
        f"{name}-p", "aws:iam/rolePolicy:RolePolicy", {"role": name, "policy": policy}, refs={"role": name}
    )


def test_a_workload_role_that_may_change_permissions_blocks():
    mine = "arn:aws:iam::111122223333:role/sync"
    found = run(SOD, with_(AWS, *_role("sync", "iam:PutRolePolicy", "iam:GetRole", resource=mine)))
    assert found == [("sync", MACHINE.format("iam:putrolepolicy"))]
    many = _role(
        "sync",
        "iam:AttachRolePolicy",
        "iam:CreatePolicyVersion",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
    )
    assert run(SOD, with_(AWS, *many)) == [
        ("sync", MACHINE.format("iam:attachrolepolicy, iam:createpolicyversion, iam:putrolepolicy…"))
    ]
    assert run(SOD, with_(AWS, *_role("sync", "sqs:ReceiveMessage", "iam:GetRole"))) == []


def test_a_pipeline_that_replaces_the_code_of_a_granting_function_blocks():
    fn = res(
        "grant-fn",
        "aws:lambda/function:Function",
        {"name": "grant", "role": "arn:aws:iam::111122223333:role/grant", "kmsKeyArn": KEY, "tags": TAGS},
        refs={"role": "grant"},
    )
    found = run(
        SOD,
        with_(
            AWS, *_role("deploy", "lambda:UpdateFunctionCode"), *_role("grant", "iam:AttachRolePolicy"), fn
        ),
    )
    assert ("deploy", MACHINE.format("running code as grant")) in found
    passer = _role("deploy", "iam:PassRole", resource="arn:aws:iam::111122223333:role/elsewhere")
    assert run(SOD, with_(AWS, *passer)) == [
        (
            "deploy",
            MACHINE.format(
                "passing arn:aws:iam::111122223333:role/elsewhere, a role this stack does not declare"
            ),
        )
    ]


GRAPH = (
    "the app role assignment gives the Graph application permission {}, with which the service principal can "
    "grant directory roles, group memberships or permissions to anyone, itself included (every function, no "
    "MFA); give it read or narrowly scoped permissions and grant roles from the reviewed program"
)


def _app_role(role_id):
    inputs = {
        "appRoleId": role_id,
        "principalObjectId": "00000000-0000-0000-0000-0000000000e2",
        "resourceObjectId": "g",
    }
    return res("ara", "azuread:index/appRoleAssignment:AppRoleAssignment", inputs)


def test_graph_permissions_that_grant_rights_block():
    found = run(SOD, with_(AZURE, _app_role("06B708A9-E830-4DB3-A914-8E69DA51D44F")))
    assert found == [("ara", GRAPH.format("AppRoleAssignment.ReadWrite.All"))]
    unknown = [("ara", unknown_message("appRoleId", "whether the permission grants rights"))]
    assert run(SOD, with_(AZURE, _app_role(UNKNOWN))) == unknown
    assert run(SOD, with_(AZURE, _app_role("df021288-bdef-4463-88db-98f22de89214"))) == []  # User.Read.All


def _pim(rules):
    inputs = {
        "scope": "/subscriptions/s/resourceGroups/rg-corpus",
        "roleManagementPolicyName": "p",
        "rules": rules,
    }
    return res("pim", "azure-native:authorization:RoleManagementPolicy", inputs)


def _enable(*rules):
    target = {"caller": "EndUser", "operations": ["All"], "level": "Assignment"}
    return {
        "id": "Enablement_EndUser_Assignment",
        "ruleType": "RoleManagementPolicyEnablementRule",
        "enabledRules": list(rules),
        "target": target,
    }


def test_pim_activation_without_mfa_blocks():
    assert run(MFA, with_(AZURE, _pim([_enable("Justification")]))) == [
        (
            "pim",
            "PIM activation asks ['Justification'] but not "
            "MultiFactorAuthentication: an eligible person becomes "
            "an administrator without a second factor; add it to enabledRules",
        )
    ]
    expiry = {
        "id": "Expiration_EndUser_Assignment",
        "ruleType": "RoleManagementPolicyExpirationRule",
        "maximumDuration": "PT8H",
    }
    assert run(MFA, with_(AZURE, _pim([expiry]))) == [
        (
            "pim",
            "the PIM policy sets no activation rule "
            "(Enablement_EndUser_Assignment), so what activation asks is "
            "whatever the portal left; state it with enabledRules [MultiFactorAuthentication, …]",
        )
    ]
    assert run(MFA, with_(AZURE, _pim(UNKNOWN))) == [
        ("pim", unknown_message("rules", "what PIM activation asks"))
    ]
    assert run(MFA, with_(AZURE, _pim([{**_enable(), "enabledRules": UNKNOWN}]))) == [
        ("pim", unknown_message("rules.enabledRules", "what PIM activation asks"))
    ]
    assert run(MFA, with_(AZURE, _pim([_enable("MultiFactorAuthentication", "Justification")]))) == []


def _group_pim(mfa):
    inputs = {
        "groupId": "g",
        "roleId": "member",
        "activationRules": {"requireJustification": True, "requireMultifactorAuthentication": mfa},
    }
    return res("gpim", "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy", inputs)


def test_pim_for_groups_activation_without_mfa_blocks():
    assert run(MFA, with_(AZURE, _group_pim(False))) == [
        (
            "gpim",
            "the PIM for Groups policy does not require MFA on activation "
            "(activationRules.requireMultifactorAuthentication true; an "
            "authentication context cannot be judged)",
        )
    ]
    assert run(MFA, with_(AZURE, _group_pim(UNKNOWN))) == [
        ("gpim", unknown_message("activationRules.requireMultifactorAuthentication", "what activation asks"))
    ]
    assert run(MFA, with_(AZURE, _group_pim(True))) == []


def _writer(**pi):
    inputs = {
        "clusterIdentifier": "c",
        "instanceClass": "db.r6g.large",
        "publiclyAccessible": False,
        **pi,
        "tags": TAGS,
    }
    return res("writer", "aws:rds/clusterInstance:ClusterInstance", inputs, protect=True)


def test_performance_insights_needs_the_customer_key():
    assert run(CMK, with_(AWS, _writer(performanceInsightsEnabled=True))) == [
        (
            "writer",
            "`performanceInsightsKmsKeyId` is not set: the data would be encrypted "
            "with a provider-managed key",
        )
    ]
    assert run(
        CMK, with_(AWS, _writer(performanceInsightsEnabled=True, performanceInsightsKmsKeyId="alias/aws/rds"))
    ) == [
        (
            "writer",
            "`performanceInsightsKmsKeyId` is the AWS-managed key 'alias/aws/rds'; "
            "use a customer-managed key",
        )
    ]
    assert run(CMK, with_(AWS, _writer(performanceInsightsEnabled=UNKNOWN))) == [
        ("writer", unknown_message("performanceInsightsEnabled", "the Performance Insights key"))
    ]
    assert (
        run(CMK, with_(AWS, _writer(performanceInsightsEnabled=True, performanceInsightsKmsKeyId=KEY))) == []
    )
    assert run(CMK, with_(AWS, _writer())) == []


def _workspace_and_table(**table):
    ws = res(
        "logs",
        "azure-native:operationalinsights:Workspace",
        {"resourceGroupName": "rg-corpus", "workspaceName": "log-corpus", "retentionInDays": 3653},
        protect=True,
        refs={"resourceGroupName": "rg"},
    )
    inputs = {
        "resourceGroupName": "rg-corpus",
        "workspaceName": "log-corpus",
        "tableName": "AzureDiagnostics",
        **table,
    }
    return ws, res("t", "azure-native:operationalinsights:Table", inputs, refs={"workspaceName": "logs"})


def test_a_table_kept_less_than_ten_years_blocks_under_a_long_workspace():
    assert run(KEEP, with_(AZURE, *_workspace_and_table(retentionInDays=30, totalRetentionInDays=30))) == [
        (
            "logs",
            "table t keeps 30 days (totalRetentionInDays), less than 3650: a "
            "table's own retention overrides its workspace's",
        )
    ]
    assert run(KEEP, with_(AZURE, *_workspace_and_table(retentionInDays=UNKNOWN))) == [
        ("logs", unknown_message("t.retentionInDays", "how long the table keeps its records"))
    ]
    assert run(KEEP, with_(AZURE, *_workspace_and_table(retentionInDays=-1, totalRetentionInDays=-1))) == []
    assert run(KEEP, with_(AZURE, *_workspace_and_table(retentionInDays=90, totalRetentionInDays=3653))) == []


def _auditing(days):
    inputs = {
        "serverName": "sql-corpus",
        "resourceGroupName": "rg-corpus",
        "state": "Enabled",
        "storageEndpoint": "https://stcorpus.blob.core.windows.net/",
        "retentionDays": days,
    }
    return res("audit", "azure-native:sql:ServerBlobAuditingPolicy", inputs, refs={"serverName": "sql"})


def test_sql_auditing_kept_less_than_ten_years_blocks():
    assert run(KEEP, with_(AZURE, _auditing(90))) == [
        (
            "audit",
            "SQL auditing deletes its records from storage after 90 days "
            "(retentionDays < 3650); set 0 (keep) or at least 3650",
        )
    ]
    assert run(KEEP, with_(AZURE, _auditing(UNKNOWN))) == [
        ("audit", unknown_message("retentionDays", "how long the audit records are kept"))
    ]
    assert run(KEEP, with_(AZURE, _auditing(0))) == []
    assert run(KEEP, with_(AZURE, _auditing(3653))) == []


WEAKEN = (
    "the app role assignment gives the Graph application permission Policy.ReadWrite.ConditionalAccess, with "
    "which the service principal can switch off Conditional Access MFA or register its own factors for any "
    "person; manage sign-in policies from the reviewed program under an administrator's MFA session"
)


def test_graph_permissions_over_sign_in_weaken_mfa():
    assert run(MFA, with_(AZURE, _app_role("01c0a623-fc9b-48e9-b794-0756f8e8f067"))) == [("ara", WEAKEN)]
    assert run(MFA, with_(AZURE, _app_role("9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"))) == []  # judged by SoD


def test_the_roles_a_principal_may_reach_are_indexed_once_per_stack(monkeypatch):
    """Each workload role's reach (roles it may run code as, roles whose trust names it) was found by scanning
    every role of the stack: quadratic, 1.6 s of a 30k-resource state with 2k roles. The indexes are built
    once per graph, so the principals' reads grow with the roles, not with their square."""
    from policies.core.iam import principals

    reads = []
    kind = principals.AwsPrincipal.kind.fget
    monkeypatch.setattr(principals.AwsPrincipal, "kind", property(lambda p: reads.append(1) or kind(p)))
    n = 60
    stack = [part for i in range(n) for part in _role(f"worker{i}", "sqs:ReceiveMessage")]
    assert run(SOD, with_(AWS, *stack)) == []
    assert len(reads) < 10 * n
