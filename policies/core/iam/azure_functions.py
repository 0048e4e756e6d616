"""R2016's functions as Azure operations: what a role must cover to hold database structure, access rights
or key administration (and, round 84, the SIEM logging that records them), the operations that grant roles,
the Entra directory roles that hold access rights, and key use. Split from azure.py (round 29) to keep both
under 400 lines."""

from __future__ import annotations

# The operations that grant Azure roles (a workload holding one hands out every function, round 16).
ROLE_GRANTS: tuple[str, ...] = (
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Authorization/elevateAccess/action",
    # PIM: requesting an eligibility or activation for someone, or loosening its activation rules
    "Microsoft.Authorization/roleEligibilityScheduleRequests/write",
    "Microsoft.Authorization/roleAssignmentScheduleRequests/write",
    "Microsoft.Authorization/roleManagementPolicies/write",
)
_K8S_RBAC = ("roles", "rolebindings", "clusterroles", "clusterrolebindings")
# R2016's functions as operations (actions, dataActions) a role must cover to hold them.
FUNCTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "database structure": (
        (
            "Microsoft.Sql/servers/write",
            "Microsoft.Sql/servers/databases/write",
            "Microsoft.Sql/servers/administrators/write",
            "Microsoft.Sql/managedInstances/write",
            "Microsoft.Sql/managedInstances/databases/write",
            "Microsoft.DocumentDB/databaseAccounts/write",
            "Microsoft.Sql/managedInstances/administrators/write",
            "Microsoft.DocumentDB/databaseAccounts/write",
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/write",
            "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/write",
            "Microsoft.DocumentDB/databaseAccounts/mongodbDatabases/write",
            "Microsoft.DBforPostgreSQL/flexibleServers/write",
            "Microsoft.DBforPostgreSQL/flexibleServers/administrators/write",
            "Microsoft.DBforPostgreSQL/flexibleServers/databases/write",
            "Microsoft.DBforMySQL/flexibleServers/write",
            "Microsoft.DBforMySQL/flexibleServers/administrators/write",
            "Microsoft.DBforMySQL/flexibleServers/databases/write",
            "Microsoft.Storage/storageAccounts/write",
        ),
        (),
    ),
    "access rights": (
        (
            *ROLE_GRANTS,
            # a federated credential on a managed identity lets its subject sign in as it (and hold its roles)
            "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
            # Cosmos DB's own data-plane RBAC
            "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/write",
            "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions/write",
            "Microsoft.DocumentDB/databaseAccounts/mongodbRoleDefinitions/write",
            "Microsoft.DocumentDB/databaseAccounts/mongodbUserDefinitions/write",
        ),
        (
            "Microsoft.KeyVault/managedHsm/roleAssignments/write/action",
            # Azure RBAC for Kubernetes (round 29): who may do what inside an AKS cluster
            *(
                f"Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/{k}/write"
                for k in _K8S_RBAC
            ),
            # round 31: reading service-account token secrets, or running pods as any service account, acts
            # with that account's bindings, which the pack cannot see and any of which may be cluster-admin
            # (AKS RBAC Writer: "can be used to gain the API access levels of any ServiceAccount")
            "Microsoft.ContainerService/managedClusters/secrets/read",
            "Microsoft.ContainerService/managedClusters/pods/write",
        ),
    ),
    "key administration": (
        (
            "Microsoft.KeyVault/vaults/write",
            "Microsoft.KeyVault/vaults/accessPolicies/write",
            "Microsoft.KeyVault/managedHSMs/write",
            "Microsoft.KeyVault/vaults/keys/write",  # ARM creates and updates keys too
            "Microsoft.KeyVault/vaults/delete",
        ),
        (
            "Microsoft.KeyVault/vaults/keys/create/action",
            "Microsoft.KeyVault/vaults/keys/delete",
            "Microsoft.KeyVault/vaults/keys/rotate/action",
            "Microsoft.KeyVault/vaults/keys/import/action",
            "Microsoft.KeyVault/vaults/keyrotationpolicies/write",
            # enable/disable/expire, and bring back keys from a backup
            "Microsoft.KeyVault/vaults/keys/update/action",
            "Microsoft.KeyVault/vaults/keys/restore/action",
            "Microsoft.KeyVault/managedHsm/keys/create",
            "Microsoft.KeyVault/managedHsm/keys/delete",
            "Microsoft.KeyVault/managedHsm/keys/write/action",
            "Microsoft.KeyVault/managedHsm/keys/import/action",
            "Microsoft.KeyVault/managedHsm/keys/restore/action",
        ),
    ),
    # Round 84: what records the other functions in the SIEM (D36 §101 6th; R2016: log management by another
    # team). A database or key administrator who may redirect, switch off or delete it acts unseen, so holding
    # it beside a function is two. SQL Server and SQL DB Contributor are denied the auditing settings (their
    # notActions: Microsoft's own split from SQL Security Manager).
    "SIEM logging": (
        (
            "Microsoft.Insights/diagnosticSettings/write",
            "Microsoft.Insights/diagnosticSettings/delete",
            "Microsoft.Sql/servers/auditingSettings/write",
            "Microsoft.Sql/servers/extendedAuditingSettings/write",
            "Microsoft.Sql/servers/devOpsAuditingSettings/write",
            "Microsoft.Sql/servers/databases/auditingSettings/write",
            "Microsoft.Sql/servers/databases/extendedAuditingSettings/write",
            "Microsoft.OperationalInsights/workspaces/write",
            "Microsoft.OperationalInsights/workspaces/delete",
            "Microsoft.OperationalInsights/workspaces/purge/action",
            "Microsoft.OperationalInsights/workspaces/tables/write",
            "Microsoft.OperationalInsights/workspaces/tables/delete",
            "Microsoft.SecurityInsights/alertRules/write",
            "Microsoft.SecurityInsights/alertRules/delete",
            "Microsoft.SecurityInsights/automationRules/write",
            "Microsoft.SecurityInsights/automationRules/delete",
            # closing one's own incident, disconnecting a source, allow-listing oneself, offboarding Sentinel
            "Microsoft.SecurityInsights/incidents/write",
            "Microsoft.SecurityInsights/incidents/delete",
            "Microsoft.SecurityInsights/dataConnectors/write",
            "Microsoft.SecurityInsights/dataConnectors/delete",
            "Microsoft.SecurityInsights/watchlists/write",
            "Microsoft.SecurityInsights/watchlists/watchlistItems/write",
            "Microsoft.SecurityInsights/onboardingStates/delete",
        ),
        (),
    ),
}
# Entra directory roles that hold the access-rights function outside ARM: they grant roles, reset who can
# sign in, or change group membership (and so the Azure roles groups hold); Global Administrator can also
# elevate itself to User Access Administrator on every subscription.
DIRECTORY_ROLE_FUNCTIONS: dict[str, str] = {
    "62e90394-69f5-4237-9190-012177145e10": "access rights",  # Global Administrator
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "access rights",  # Privileged Role Administrator
    "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "access rights",  # Privileged Authentication Administrator
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "access rights",  # User Administrator
    "fdd7a751-b60b-444a-984c-02652fe8fa1c": "access rights",  # Groups Administrator
    # round 84: resets the password and the MFA methods of every user without a directory role (people who
    # hold only Azure roles, the key administrators among them), so it signs in as them
    "c4e39bd9-1100-46d3-8c65-fb160da0071f": "access rights",  # Authentication Administrator
    # round 84: they add credentials to any application or service principal, and sign in as it
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "access rights",  # Application Administrator
    "158c047a-c907-4556-b7ef-446551a6b5f7": "access rights",  # Cloud Application Administrator
    # round 87: they set a domain's federation, so its users are signed in by an identity provider the holder
    # runs (MFA claim included): it signs in as the key administrators or the DBAs
    "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "access rights",  # Hybrid Identity Administrator
    "8329153b-31d0-4727-b945-745eb3bc5f31": "access rights",  # Domain Name Administrator
    "be2f45a1-457d-42af-a067-6ec1fa63bc45": "access rights",  # External Identity Provider Administrator
    # round 89: they reset the password of every user without an admin role (the key administrators and DBAs
    # hold Azure roles only); one who has not registered an MFA method yet is then registered by the holder at
    # the next sign-in, which no program input shows (rounds 84 and 87 left them out: MFA stops the rest)
    "729827e3-9c14-49f7-bb1b-9608f156bbb8": "access rights",  # Helpdesk Administrator
    "966707d0-3269-4727-9be2-8c3a10f19b9d": "access rights",  # Password Administrator
}
# Round 84: release (Secure Key Release) hands the key itself to an environment the key's release policy
# admits, which key administrators write: more than use.
KEY_USE: tuple[str, ...] = tuple(
    f"Microsoft.KeyVault/vaults/keys/{op}/action"
    for op in ("encrypt", "decrypt", "wrap", "unwrap", "sign", "release")
)
# Round 90: reading a vault's secrets (their values) is reading the data's credentials (connection strings,
# account keys, a certificate's private key): a key administrator who may is two functions in one hand, as
# with key use (require-separation-of-duties; an access policy's `secrets` get or all).
# Round 92: a secret's or a certificate's backup restores, value and private key included, into a vault the
# holder administers (any of the subscription, outside the stack too): backing up is reading.
SECRET_READ: tuple[str, ...] = (
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/secrets/backup/action",
    "Microsoft.KeyVault/vaults/certificates/backup/action",
)
