"""LogCluster: the CMK Log Analytics cluster reaches its key through its system-assigned identity, and sets
the key and links the workspace only once that identity holds its grant."""

from azure_support import RG, SUB, TAGS, assert_in_regions, record

from components.azure.logcluster import LogCluster, LogClusterArgs

CLUSTER = "azure-native:operationalinsights:Cluster"
GRANT = "azure-native:authorization:RoleAssignment"
LINK = "azure-native:operationalinsights:LinkedService"
HSM = "https://dosis-hsm.managedhsm.azure.net"


def _cluster(**kwargs):
    def fn(opts):
        args = LogClusterArgs(
            resource_group_name=RG, subscription_id=SUB, tags=TAGS, key_vault_uri=HSM, key_name="logs",
            key_scope="/scope/managedHSMs/dosis-hsm", cluster_name="dosis-logs", workspace_name="ws",
            **kwargs,
        )
        LogCluster("logs", args, opts=opts)

    return record(fn)


def test_key_behind_private_link_is_reached_by_the_system_identity():
    """Azure Monitor's customer-managed-key documentation: a user-assigned identity cannot use a key whose
    vault is behind Private Link; use the system-assigned identity. Both key stores here disable public
    access, so the cluster's own identity holds the wrap/unwrap grant and no user-assigned identity exists."""
    g = _cluster()
    (cluster,) = g.by_type(CLUSTER)
    assert cluster.inputs["identity"] == {"type": "SystemAssigned"}
    assert cluster.inputs["keyVaultProperties"] == {"keyVaultUri": HSM, "keyName": "logs"}
    assert not g.by_type("azure-native:managedidentity:UserAssignedIdentity")
    (grant,) = g.by_type(GRANT)
    assert grant.parent == cluster.urn and grant.inputs["scope"] == "/scope/managedHSMs/dosis-hsm"
    (link,) = g.by_type(LINK)
    assert grant.urn in link.dependencies and link.inputs["writeAccessResourceId"] == cluster.outputs["id"]
    assert cluster.protect
    assert_in_regions(g)


def test_first_update_makes_the_identity_and_grant_without_key_or_link():
    """The system identity exists only with the cluster, and Azure checks the key grant when the key is set:
    the first update creates the cluster without the key (no workspace linked, so nothing is ingested under
    Microsoft's key), the next one sets the key and links the workspace."""
    g = _cluster(key_granted=False)
    (cluster,) = g.by_type(CLUSTER)
    assert cluster.inputs["identity"] == {"type": "SystemAssigned"}
    assert "keyVaultProperties" not in cluster.inputs
    assert len(g.by_type(GRANT)) == 1 and not g.by_type(LINK)
