"""require-separation-of-duties: functions judged over the IAM catalogue on every path, keys, Azure RBAC."""

from ruletest import ACC, KEY, base, doc, only, patch, res, run, with_

RULE = "require-separation-of-duties"
RD = "/providers/Microsoft.Authorization/roleDefinitions/"
GROUP_AA = "00000000-0000-0000-0000-0000000000aa"
GROUP_BB = "00000000-0000-0000-0000-0000000000bb"
AWS = base("aws")
AZURE = base("azure")
MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def allow(actions, resource="*"):
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


def inline(role, *stmts):
    return res(
        f"{role}-policy",
        "aws:iam/rolePolicy:RolePolicy",
        {"role": role, "policy": doc(*stmts)},
        refs={"role": role},
    )


def test_compliant_fixtures():
    assert run(RULE, AWS) == []
    assert run(RULE, AZURE) == []


def test_two_functions_hidden_in_wildcards():
    only(
        run(RULE, with_(AWS, inline("db-admin", allow(["rds:*DBCluster*", "iam:*User*"])))),
        "db-admin",
        "holds 2 separated functions: access rights, database structure",
    )


def test_not_action_and_star():
    found = run(RULE, with_(AWS, inline("db-admin", allow("*"))))
    assert [m for _, m in found][:2] == [
        "a policy allows `*` on `*` for a role people use",
        "the role holds 4 separated functions: SIEM logging, access rights, database structure, "
        "key administration",
    ]
    assert "administers keys and can also use them" in found[2][1]


def test_conditional_deny_does_not_remove_rights():
    deny = {
        "Effect": "Deny",
        "Action": "iam:*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": "x"}},
    }
    only(
        run(
            RULE,
            with_(AWS, inline("db-admin", allow(["rds:CreateDBInstance", "iam:AttachRolePolicy"]), deny)),
        ),
        "db-admin",
        "holds 2 separated functions",
    )
    deny.pop("Condition")
    assert (
        run(
            RULE,
            with_(AWS, inline("db-admin", allow(["rds:CreateDBInstance", "iam:AttachRolePolicy"]), deny)),
        )
        == []
    )


def test_paths_policy_attachment_groups_boundary():
    pol = res("kms", "aws:iam/policy:Policy", {"name": "kms", "policy": doc(allow("kms:PutKeyPolicy"))})
    att = res(
        "att",
        "aws:iam/policyAttachment:PolicyAttachment",
        {"roles": ["db-admin"], "policyArn": "x"},
        refs={"policyArn": "kms"},
    )
    only(run(RULE, with_(AWS, pol, att)), "db-admin", "database structure, key administration")
    bound = res("bound", "aws:iam/policy:Policy", {"name": "bound", "policy": doc(allow("rds:*"))})
    role = res(
        "db-admin",
        "aws:iam/role:Role",
        {**AWS[12]["inputs"], "permissionsBoundary": "x"},
        refs={"permissionsBoundary": "bound"},
    )
    assert run(RULE, with_(AWS, pol, att, bound, role)) == []


def test_unknown_managed_policy_and_foreign_policy():
    att = res(
        "att",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"role": "db-admin", "policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
        refs={"role": "db-admin"},
    )
    only(run(RULE, with_(AWS, att)), "db-admin", "AWS-managed policy AmazonS3FullAccess is not known")
    att["inputs"]["policyArn"] = f"{ACC}:policy/other"
    only(run(RULE, with_(AWS, att)), "db-admin", "is not in this stack")


def test_role_chaining():
    only(
        run(RULE, with_(AWS, inline("db-admin", allow("rds:CreateDBInstance"), allow("sts:AssumeRole")))),
        "db-admin",
        "(through assuming key-admin)",
    )


def test_key_policy_and_grants():
    admin = {
        "Effect": "Allow",
        "Principal": {"AWS": f"{ACC}:role/key-admin"},
        "Action": ["kms:PutKeyPolicy"],
        "Resource": "*",
    }
    use_all = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}
    only(
        run(RULE, patch(AWS, "key", policy=doc(admin, use_all))),
        "key",
        "lets `*` (every principal of the account)",
    )
    grant = res(
        "g",
        "aws:kms/grant:Grant",
        {"keyId": KEY, "granteePrincipal": f"{ACC}:role/key-admin", "operations": ["Decrypt"]},
        refs={"keyId": "key"},
    )
    only(run(RULE, with_(AWS, grant)), "key", "role/key-admin both administer and use the key")
    via = {
        **admin,
        "Action": ["kms:Decrypt"],
        "Condition": {"StringEquals": {"kms:ViaService": "rds.eu-west-1.amazonaws.com"}},
    }
    assert run(RULE, patch(AWS, "key", policy=doc(admin, via))) == []


def assign(principal, ptype, role, kind="RoleAssignment", **extra):
    inputs = {"principalId": principal, "principalType": ptype, "roleDefinitionId": role, **extra}
    return run(RULE, with_(AZURE, res("x", f"azure-native:authorization:{kind}", inputs)))


def test_azure_custom_roles_scopes_and_pim():
    found = assign(GROUP_AA, "Group", RD + "00482a5a-887f-4fb3-b363-3b7fe8e74483", scope="/subscriptions/s")
    assert [n for n, _ in found] == ["ra-dba", "ra-dba"]  # Key Vault Administrator at subscription scope
    assert "holds 2 separated functions: database structure, key administration" in found[0][1]
    assert "administers keys and can also use them" in found[1][1]
    only(
        assign(GROUP_BB, "Group", RD + "14b46e9e-c2b7-41b4-b07b-48a6ebf60603", "RoleEligibilitySchedule"),
        "ra-keys",
        "administers keys and can also use them",
    )
    only(
        assign("p", "User", "/x/roleDefinitions/unknown-guid"),
        "x",
        "neither a built-in role known to the gate",
    )
    only(assign(None, "User", "y"), "x", "`principalId` is unknown")
    # a managed identity holds no function, but as Owner it may grant every role (round 16)
    owner = RD + "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    only(assign("mi", "MSI", owner), "x", "a workload identity may grant")
    assert assign("mi", "MSI", RD + "b24988ac-6180-42a0-ab88-20f7382dd24c") == []  # Contributor grants none
    # round 12: a service principal outside the stack may sign in with a secret a person holds
    only(assign("sp", "ServicePrincipal", owner), "x", "principal sp holds")


def test_principal_arn_narrows_a_star_principal():
    admin = {"Effect": "Allow", "Principal": {"AWS": f"{ACC}:role/key-admin"}, "Action": "kms:PutKeyPolicy"}
    use = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}
    to_app = {**use, "Condition": {"ArnEquals": {"aws:PrincipalArn": f"{ACC}:role/app"}}}
    assert run(RULE, patch(AWS, "key", policy=doc(admin, to_app))) == []
    to_admin = {**use, "Condition": {"ArnEquals": {"aws:PrincipalArn": f"{ACC}:role/key-admin"}}}
    only(
        run(RULE, patch(AWS, "key", policy=doc(admin, to_admin))),
        "key",
        "role/key-admin both administer and use",
    )
    if_exists = {**use, "Condition": {"ArnEqualsIfExists": {"aws:PrincipalArn": f"{ACC}:role/app"}}}
    only(run(RULE, patch(AWS, "key", policy=doc(admin, if_exists))), "key", "lets `*`")


def test_identity_center_permission_sets():
    ps = res("ps", "aws:ssoadmin/permissionSet:PermissionSet", {"name": "ops"})
    inline = res(
        "ps-iam",
        "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
        {"inlinePolicy": doc(allow(["iam:PutRolePolicy", "rds:ModifyDBInstance"]))},
        refs={"permissionSetArn": "ps"},
    )
    only(run(RULE, with_(AWS, ps, inline)), "ps", "the permission set holds 2 separated functions")
    ref = res(
        "ps-cm",
        "aws:ssoadmin/customerManagedPolicyAttachment:CustomerManagedPolicyAttachment",
        {"customerManagedPolicyReference": {"name": "missing"}},
        refs={"permissionSetArn": "ps"},
    )
    only(run(RULE, with_(AWS, ps, ref)), "ps", "customer-managed policy 'missing' is not in this stack")


def test_policy_attachments_exclusive_is_a_path():
    extra = res(
        "db-admin-extra",
        "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
        {
            "roleName": "db-admin",
            "policyArns": [
                "arn:aws:iam::aws:policy/AmazonRDSFullAccess",
                "arn:aws:iam::aws:policy/IAMFullAccess",
            ],
        },
        refs={"roleName": "db-admin"},
    )
    found = run(RULE, with_(AWS, extra))
    assert found and found[0][0] == "db-admin" and "access rights" in found[0][1]


def test_azure_nested_groups_and_directory_roles():
    aa, bb = "00000000-0000-0000-0000-0000000000aa", "00000000-0000-0000-0000-0000000000bb"
    member = "azuread:index/groupMember:GroupMember"
    nest = res("nest", member, {"groupObjectId": bb, "memberObjectId": aa})
    found = run(RULE, with_(AZURE, nest))
    assert len(found) == 1 and f"principal {aa} holds 2 separated functions" in found[0][1], found
    other = res("nest", member, {"groupObjectId": bb, "memberObjectId": "0f"})
    assert run(RULE, with_(AZURE, other)) == []  # someone outside the DBA group: one function each
    role = "azuread:index/directoryRoleAssignment:DirectoryRoleAssignment"
    pra = res("dr", role, {"roleId": "e8611ab8-c189-46e8-94e1-60213ab1f814", "principalObjectId": aa})
    found = run(RULE, with_(AZURE, pra))
    assert len(found) == 1 and "access rights, database structure" in found[0][1], found
    reader = res("dr", role, {"roleId": "4a5d8f65-41da-4de4-8968-e035b65339cf", "principalObjectId": aa})
    assert run(RULE, with_(AZURE, reader)) == []


def test_azure_recorded_break_glass_is_excluded():
    owner = "/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
    for principal, found in (("00000000-0000-0000-0000-0000000000b9", False), ("0c", True)):
        ra = res(
            "ra",
            "azure-native:authorization:RoleAssignment",
            {
                "principalId": principal,
                "principalType": "User",
                "scope": "/subscriptions/s",
                "roleDefinitionId": owner,
            },
        )
        assert bool(run(RULE, with_(AZURE, ra))) is found


def test_group_with_two_functions_and_outside_members():
    """A group is judged itself: its members may be users the stack does not declare."""
    group = res("ops", "aws:iam/group:Group", {"name": "ops"})
    members = res(
        "ops-m",
        "aws:iam/groupMembership:GroupMembership",
        {"group": "ops", "users": ["alice"]},
        refs={"group": "ops"},
    )
    pol = res(
        "ops-p",
        "aws:iam/groupPolicy:GroupPolicy",
        {"group": "ops", "policy": doc(allow(["rds:ModifyDBInstance", "iam:PutRolePolicy"]))},
        refs={"group": "ops"},
    )
    only(run(RULE, with_(AWS, group, members, pol)), "ops", "the group holds 2 separated functions")


def test_grants_to_undeclared_principals_block():
    attach = res(
        "a",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"role": "OrganizationAccountAccessRole", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
    )
    only(run(RULE, with_(AWS, attach)), "a", "which this stack does not declare")
    user_pol = res(
        "u", "aws:iam/userPolicy:UserPolicy", {"user": "carol", "policy": doc(allow(["kms:PutKeyPolicy"]))}
    )
    only(run(RULE, with_(AWS, user_pol)), "u", "key administration to user 'carol'")
    harmless = res(
        "h", "aws:iam/rolePolicy:RolePolicy", {"role": "elsewhere", "policy": doc(allow("s3:GetObject"))}
    )
    assert run(RULE, with_(AWS, harmless)) == []


def test_managing_own_credentials_is_no_function():
    own = {
        "Effect": "Allow",
        "Action": ["iam:EnableMFADevice", "iam:ResyncMFADevice", "iam:ChangePassword"],
        "Resource": [f"{ACC}:user/${{aws:username}}", "arn:aws:iam::*:mfa/*"],
    }
    assert run(RULE, with_(AWS, inline("db-admin", allow(["rds:CreateDBInstance"]), own))) == []
    everyone = {**own, "Resource": "*"}
    only(
        run(RULE, with_(AWS, inline("db-admin", allow(["rds:CreateDBInstance"]), everyone))),
        "db-admin",
        "holds 2 separated functions",
    )


def test_key_policy_resource_and_role_sessions():
    admin_use = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"{ACC}:role/key-admin"},
            "Resource": "*",
            "Action": ["kms:PutKeyPolicy", "kms:Decrypt"],
        }
    )
    key2 = res("key2", "aws:kms/key:Key", {"enableKeyRotation": True}, protect=True)
    kp = res("kp", "aws:kms/keyPolicy:KeyPolicy", {"keyId": "k", "policy": admin_use}, refs={"keyId": "key2"})
    only(run(RULE, with_(AWS, key2, kp)), "kp", "role/key-admin both administer and use the key")
    session = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"{ACC}:role/key-admin"},
            "Resource": "*",
            "Action": "kms:PutKeyPolicy",
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/key-admin/alice"},
            "Resource": "*",
            "Action": "kms:Decrypt",
        },
    )
    only(run(RULE, patch(AWS, "key", policy=session)), "key", "role/key-admin both administer and use")


def test_azure_database_admins_and_vault_access_policies_hold_functions():
    sql = next(r for r in AZURE if r["name"] == "sql")
    admins = {**sql["inputs"]["administrators"], "sid": GROUP_BB}
    found = run(RULE, patch(AZURE, "sql", administrators=admins))
    assert [m for _, m in found] == [
        f"principal {GROUP_BB} holds 2 separated functions: database structure, key administration"
    ]
    aad = res(
        "aad",
        "azure-native:sql:ServerAzureADAdministrator",
        {"serverName": "sql-corpus", "resourceGroupName": "rg-corpus", "login": "k", "sid": GROUP_BB},
    )
    assert [m for _, m in run(RULE, with_(AZURE, aad))] == [m for _, m in found]
    ap = res(
        "ap",
        "azure-native:keyvault:AccessPolicy",
        {"vaultName": "kv-corpus", "policy": {"objectId": GROUP_AA, "permissions": {"keys": ["all"]}}},
    )
    found = run(RULE, with_(AZURE, ap))
    assert f"principal {GROUP_AA} holds 2 separated functions" in found[0][1]
    assert "administers keys and can also use them" in found[1][1]
    use_only = res(
        "ap",
        "azure-native:keyvault:AccessPolicy",
        {"vaultName": "kv-corpus", "policy": {"objectId": GROUP_AA, "permissions": {"keys": ["unwrapKey"]}}},
    )
    assert run(RULE, with_(AZURE, use_only)) == []


def test_azuread_group_members_inherit():
    alice = "00000000-0000-0000-0000-00000000a11c"
    dba = res("dba-grp", "azuread:index/group:Group", {"displayName": "dba", "members": [alice]})
    keys = res("keys-grp", "azuread:index/group:Group", {"displayName": "keys", "members": [alice]})
    ra_dba = res(
        "ra-dba",
        "azure-native:authorization:RoleAssignment",
        {
            "principalId": GROUP_AA,
            "principalType": "Group",
            "scope": "/subscriptions/s",
            "roleDefinitionId": RD + "9b7fa17d-e63e-47b0-bb0a-15c516ac86ec",
        },
        refs={"principalId": "dba-grp"},
    )
    ra_keys = res(
        "ra-keys",
        "azure-native:authorization:RoleAssignment",
        {
            "principalId": GROUP_BB,
            "principalType": "Group",
            "scope": "/subscriptions/s",
            "roleDefinitionId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        },
        refs={"principalId": "keys-grp", "roleDefinitionId": "key-admin-role"},
    )
    found = run(RULE, with_(AZURE, dba, keys, ra_dba, ra_keys))
    assert any(f"principal {alice} holds 2 separated functions" in m for _, m in found), found
    keys["inputs"]["members"] = ["00000000-0000-0000-0000-000000000b0b"]
    assert run(RULE, with_(AZURE, dba, keys, ra_dba, ra_keys)) == []


def test_key_admin_by_key_policy_using_it_through_iam():
    """The key policy delegates to the account: IAM key use counts for the key's administrators."""
    policy = doc(
        {"Effect": "Allow", "Principal": {"AWS": f"{ACC}:root"}, "Action": "kms:*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"{ACC}:role/db-admin"},
            "Action": "kms:PutKeyPolicy",
            "Resource": "*",
        },
    )
    found = run(
        RULE, with_(patch(AWS, "key", policy=policy), inline("db-admin", allow(["kms:Decrypt"], KEY)))
    )
    assert sorted(found) == [
        ("db-admin", "the role administers keys and can also use them (kms:decrypt…)"),
        (
            "key",
            "role/db-admin both administer and use the key (key policy, grants and IAM policies together)",
        ),
    ]


def test_a_key_policy_alone_makes_key_administrators():
    """Same account: a key policy naming a principal (path, user, session or `*`) grants without IAM, and a
    permission boundary does not limit it for users and sessions."""
    for principal, who in (
        (f"{ACC}:role/dba/db-admin", "db-admin"),
        ("arn:aws:sts::111122223333:assumed-role/db-admin/ops", "db-admin"),
        ("*", "db-admin"),
    ):
        stmt = {
            "Effect": "Allow",
            "Principal": {"AWS": principal},
            "Action": "kms:PutKeyPolicy",
            "Resource": "*",
        }
        only(run(RULE, patch(AWS, "key", policy=doc(stmt))), who, "database structure, key admin")
    reader = {"Effect": "Allow", "Principal": {"AWS": f"{ACC}:role/db-admin"}, "Action": "kms:DescribeKey"}
    assert run(RULE, patch(AWS, "key", policy=doc({**reader, "Resource": "*"}))) == []


def test_a_trust_naming_a_person_role_lets_it_assume_without_iam():
    trust = {"Effect": "Allow", "Principal": {"AWS": f"{ACC}:role/db-admin"}, "Action": "sts:AssumeRole"}
    found = run(RULE, patch(AWS, "key-admin", assumeRolePolicy=doc({**trust, "Condition": MFA})))
    only(found, "db-admin", "(through assuming key-admin)")


# ---- round-7 probe: Lake Formation hands out functions outside IAM

LF = "aws:lakeformation/permissions:Permissions"
LF_SETTINGS = "aws:lakeformation/dataLakeSettings:DataLakeSettings"
DB = {"database": {"name": "dossiers", "catalogId": "111122223333"}}


def lf(principal, permissions, grantable=(), **kw):
    inputs = {"principal": principal, "permissions": permissions, **DB}
    if grantable:
        inputs["permissionsWithGrantOptions"] = list(grantable)
    return res("lf", LF, inputs, **kw)


def test_lake_formation_grants_add_functions():
    role = f"{ACC}:role/db-admin"
    assert run(RULE, with_(AWS, lf(role, ["SELECT", "DESCRIBE"]))) == []
    assert run(RULE, with_(AWS, lf(role, ["ALTER", "CREATE_TABLE"]))) == []  # structure only: the DBA's own
    only(run(RULE, with_(AWS, lf(role, ["ALL"], ["ALL"]))), "db-admin", "access rights, database structure")
    only(run(RULE, with_(AWS, lf(role, ["SELECT"], ["SELECT"]))), "db-admin", "2 separated functions")
    by_ref = lf("arn-from-output", ["SELECT"], ["SELECT"], refs={"principal": "db-admin"})
    only(run(RULE, with_(AWS, by_ref)), "db-admin", "2 separated functions")
    admins = res("lf-settings", LF_SETTINGS, {"admins": [role]})
    only(run(RULE, with_(AWS, admins)), "db-admin", "access rights, database structure")


def test_lake_formation_grants_to_undeclared_principals_block():
    only(
        run(RULE, with_(AWS, lf("IAM_ALLOWED_PRINCIPALS", ["ALL"]))),
        "lf",
        "to IAM_ALLOWED_PRINCIPALS: everyone whose IAM policies reach the catalogue",
    )
    only(
        run(RULE, with_(AWS, lf(f"{ACC}:role/elsewhere", ["DROP"]))),
        "lf",
        "which this stack does not declare",
    )
    assert run(RULE, with_(AWS, lf(f"{ACC}:role/elsewhere", ["SELECT"]))) == []  # data access is no function


def test_lake_formation_principal_with_a_path():
    only(
        run(RULE, with_(AWS, lf(f"{ACC}:role/teams/dba/db-admin", ["ALL"], ["ALL"]))),
        "db-admin",
        "2 separated functions",
    )


def test_sql_sessions_and_newer_database_services_shape_databases():
    keys = allow(["kms:PutKeyPolicy"])
    for actions in (
        ["redshift-serverless:UpdateNamespace"],
        ["dsql:DbConnectAdmin"],
        ["rds-data:ExecuteStatement"],
        ["qldb:PartiQLCreateTable"],
        ["neptune-graph:UpdateGraph"],
    ):
        only(
            run(RULE, with_(AWS, inline("key-admin", keys, allow(actions)))),
            "key-admin",
            "holds 2 separated functions: database structure, key administration",
        )
    rows = allow(["qldb:PartiQLInsert", "qldb:PartiQLSelect", "neptune-graph:ReadDataViaQuery"])
    assert run(RULE, with_(AWS, inline("key-admin", keys, rows))) == []


def _custom_role(actions=(), data_actions=()):
    rd = res(
        "custom",
        "azure-native:authorization:RoleDefinition",
        {
            "roleName": "custom",
            "scope": "/subscriptions/s",
            "assignableScopes": ["/subscriptions/s"],
            "permissions": [{"actions": list(actions), "dataActions": list(data_actions)}],
        },
    )
    ra = res(
        "ra-custom",
        "azure-native:authorization:RoleAssignment",
        {
            "principalId": "p-ops",
            "principalType": "Group",
            "scope": "/subscriptions/s",
            "roleDefinitionId": "x",
        },
        refs={"roleDefinitionId": "custom"},
    )
    return run(RULE, with_(AZURE, rd, ra))


def test_azure_operations_that_grant_roles_shape_databases_or_administer_keys():
    sql = "Microsoft.Sql/servers/databases/write"
    create = "Microsoft.KeyVault/vaults/keys/create/action"
    for actions, data, pair in (
        (
            [sql, "Microsoft.Authorization/roleEligibilityScheduleRequests/write"],
            [],
            "access rights, database",
        ),
        (
            [sql, "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write"],
            [],
            "acc",
        ),
        (["Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/write"], [create], "access rights, key"),
        ([sql, "Microsoft.KeyVault/vaults/keys/write"], [], "database structure, key administration"),
        ([sql], ["Microsoft.KeyVault/vaults/keys/update/action"], "database structure, key administration"),
        (
            ["Microsoft.DBforPostgreSQL/flexibleServers/administrators/write"],
            [create],
            "database structure, key",
        ),
    ):
        only(_custom_role(actions, data), "ra-custom", f"holds 2 separated functions: {pair}")
    assert _custom_role([sql, "Microsoft.Authorization/roleAssignments/read"]) == []


def _sets(*assignments, members=()):
    out = []
    for name, actions in (("dba", ["rds:ModifyDBInstance"]), ("keys", ["kms:PutKeyPolicy"])):
        out.append(res(f"{name}-set", "aws:ssoadmin/permissionSet:PermissionSet", {"name": name}))
        out.append(
            res(
                f"{name}-inline",
                "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
                {"inlinePolicy": doc(allow(actions))},
                refs={"permissionSetArn": f"{name}-set"},
            )
        )
    for i, (who, ps) in enumerate(assignments):
        inputs = {"principalId": who, "principalType": "GROUP", "targetId": "111122223333"}
        refs = {"permissionSetArn": f"{ps}-set"} if ps else {}
        out.append(res(f"a{i}", "aws:ssoadmin/accountAssignment:AccountAssignment", inputs, refs=refs))
    for i, (group, user) in enumerate(members):
        m = {"groupId": group, "memberId": user}
        out.append(res(f"m{i}", "aws:identitystore/groupMembership:GroupMembership", m))
    return run(RULE, with_(AWS, *out))


def test_identity_center_assignments_add_up_per_person_and_account():
    only(_sets(("ops", "dba"), ("ops", "keys")), "a0", "principal ops holds 2 separated functions in account")
    assert _sets(("dbas", "dba"), ("keyadmins", "keys")) == []
    only(
        _sets(("dbas", "dba"), ("alice", "keys"), members=[("dbas", "alice")]),
        "a1",
        "principal alice holds 2 separated functions",
    )
    only(_sets(("ops", None)), "a0", "its permission set is not in this stack")


def test_running_code_as_a_workload_role_uses_its_rights():
    rotator = res(
        "rotator",
        "aws:iam/role:Role",
        {
            "name": "rotator",
            "assumeRolePolicy": doc(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
        },
    )
    fn = res("fn", "aws:lambda/function:Function", {"role": f"{ACC}:role/rotator"})
    keys = inline("rotator", allow(["kms:PutKeyPolicy"]))
    dba = inline("db-admin", allow(["rds:ModifyDBInstance", "lambda:UpdateFunctionCode"]))
    only(
        run(RULE, with_(AWS, rotator, keys, fn, dba)),
        "db-admin",
        "database structure, key administration (through running code as rotator)",
    )
    profile = res(
        "profile", "aws:iam/instanceProfile:InstanceProfile", {"role": "x"}, refs={"role": "rotator"}
    )
    shell = inline("db-admin", allow(["rds:ModifyDBInstance", "ssm:StartSession"]))
    only(run(RULE, with_(AWS, rotator, keys, profile, shell)), "db-admin", "running code as rotator")
    assert run(RULE, with_(AWS, rotator, keys, fn, inline("db-admin", allow(["rds:ModifyDBInstance"])))) == []


def _workload(name, service):
    trust = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return [
        res(name, "aws:iam/role:Role", {"name": name, "assumeRolePolicy": doc(trust)}),
        inline(name, allow(["kms:PutKeyPolicy"])),
    ]


def test_launching_as_a_kept_role_uses_its_rights():
    """Holders that keep their role (no iam:PassRole needed): stacks, launch constraints, state machines,
    task and job definitions, notebooks, Glue jobs, instance user data."""
    cases = (
        ("cloudformation:UpdateStack", "aws:cloudformation/stack:Stack", {"iamRoleArn": f"{ACC}:role/w"}),
        (
            "servicecatalog:ProvisionProduct",
            "aws:servicecatalog/constraint:Constraint",
            {"type": "LAUNCH", "parameters": '{"RoleArn": "' + f"{ACC}:role/w" + '"}'},
        ),
        (
            "servicecatalog:ProvisionProduct",
            "aws:servicecatalog/constraint:Constraint",
            {"type": "LAUNCH", "parameters": '{"LocalRoleName": "w"}'},
        ),
        ("states:UpdateStateMachine", "aws:sfn/stateMachine:StateMachine", {"roleArn": f"{ACC}:role/w"}),
        ("ecs:RunTask", "aws:ecs/taskDefinition:TaskDefinition", {"taskRoleArn": f"{ACC}:role/w"}),
        (
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            "aws:sagemaker/notebookInstance:NotebookInstance",
            {"roleArn": f"{ACC}:role/w"},
        ),
        ("glue:UpdateJob", "aws:glue/job:Job", {"roleArn": f"{ACC}:role/w"}),
        (
            "batch:SubmitJob",
            "aws:batch/jobDefinition:JobDefinition",
            {"containerProperties": '{"jobRoleArn": "' + f"{ACC}:role/w" + '"}'},
        ),
        ("ec2:ModifyInstanceAttribute", "aws:iam/instanceProfile:InstanceProfile", {"role": "w"}),
    )
    for action, type_, inputs in cases:
        holder = res("holder", type_, inputs)
        dba = inline("db-admin", allow(["rds:ModifyDBInstance", action]))
        only(run(RULE, with_(AWS, *_workload("w", "ec2.amazonaws.com"), holder, dba)), "db-admin", "as w")
        reader = [*_workload("w", "ec2.amazonaws.com")[:1], inline("w", allow(["s3:GetObject"]))]
        assert run(RULE, with_(AWS, *reader, holder, dba)) == [], action


def test_a_user_without_console_is_judged_too():
    """Whoever holds an IAM user's access keys acts as it: no console password does not make it a workload."""
    user = res("ops", "aws:iam/user:User", {"name": "ops"})
    key = res("ops-key", "aws:iam/accessKey:AccessKey", {"user": "ops"}, refs={"user": "ops"})
    both = allow(["rds:ModifyDBInstance", "kms:PutKeyPolicy"])
    pol = res(
        "ops-pol", "aws:iam/userPolicy:UserPolicy", {"user": "ops", "policy": doc(both)}, refs={"user": "ops"}
    )
    only(run(RULE, with_(AWS, user, key, pol)), "ops", "database structure, key administration")
    one = res(
        "ops-pol",
        "aws:iam/userPolicy:UserPolicy",
        {"user": "ops", "policy": doc(allow(["rds:ModifyDBInstance"]))},
        refs={"user": "ops"},
    )
    assert run(RULE, with_(AWS, user, key, one)) == []
