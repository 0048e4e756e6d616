"""The offline engine's Azure ids have the shape `pulumi up` records: children nest under their parents and
extension resources under the scope they extend, so rules that read a subscription, a network or a server out
of an id see a real one, and no two resources of a program share an id."""

from __future__ import annotations

import pytest
from gate.azure_ids import azure_outputs
from gate.recording import UNKNOWN

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG = f"{SUB}/resourceGroups/rg"


@pytest.mark.parametrize(("typ", "inputs", "expected"), [
    ("azure-native:network:Subnet",
     {"resourceGroupName": "rg", "virtualNetworkName": "vnet", "subnetName": "a"},
     f"{RG}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/a"),
    ("azure-native:keyvault:Key", {"resourceGroupName": "rg", "vaultName": "kv", "keyName": "k"},
     f"{RG}/providers/Microsoft.KeyVault/vaults/kv/keys/k"),
    ("azure-native:storage:BlobContainer",
     {"resourceGroupName": "rg", "accountName": "sa", "containerName": "c"},
     f"{RG}/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default/containers/c"),
    ("azure-native:sql:BackupLongTermRetentionPolicy",
     {"resourceGroupName": "rg", "serverName": "s", "databaseName": "d", "policyName": "default"},
     f"{RG}/providers/Microsoft.Sql/servers/s/databases/d/backupLongTermRetentionPolicies/default"),
    ("azure-native:network:PublicIPAddress", {"resourceGroupName": "rg", "publicIpAddressName": "ip"},
     f"{RG}/providers/Microsoft.Network/publicIPAddresses/ip"),
    ("azure-native:authorization:ManagementLockByScope", {"scope": f"{RG}/providers/Microsoft.Sql/servers/s",
                                                         "lockName": "keep"},
     f"{RG}/providers/Microsoft.Sql/servers/s/providers/Microsoft.Authorization/locks/keep"),
    ("azure-native:monitor:DiagnosticSetting", {"resourceUri": f"{RG}/providers/Microsoft.KeyVault/vaults/kv",
                                               "name": "to-siem"},
     f"{RG}/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings/to-siem"),
    ("azure-native:authorization:RoleAssignment", {"scope": SUB, "roleAssignmentName": "g"},
     f"{SUB}/providers/Microsoft.Authorization/roleAssignments/g"),
])
def test_ids_have_the_arm_shape(typ, inputs, expected):
    assert azure_outputs(typ, "n", inputs, None)["id"] == expected


def test_a_parent_name_is_never_taken_for_the_childs_own():
    """A security rule named only by its group used to be recorded under the group's name: every rule of one
    group had the same id."""
    one = azure_outputs("azure-native:network:SecurityRule", "allow-a",
                        {"resourceGroupName": "rg", "networkSecurityGroupName": "nsg"}, None)
    two = azure_outputs("azure-native:network:SecurityRule", "allow-b",
                        {"resourceGroupName": "rg", "networkSecurityGroupName": "nsg"}, None)
    assert one["id"] != two["id"]
    assert one["id"].startswith(f"{RG}/providers/Microsoft.Network/networkSecurityGroups/nsg/securityRules/")


def test_a_scope_that_is_a_property_is_not_read_as_the_parent():
    """An API Management subscription's `scope` is `/apis/…`, a property: the id stays under its group."""
    out = azure_outputs("azure-native:apimanagement:Subscription", "s",
                        {"resourceGroupName": "rg", "scope": "/apis/a", "sid": "s1"}, None)
    assert out["id"].startswith(f"{RG}/providers/Microsoft.ApiManagement/")


def test_a_parent_not_known_yet_reads_unknown():
    out = azure_outputs("azure-native:network:Subnet", "s",
                        {"resourceGroupName": "rg", "virtualNetworkName": UNKNOWN, "subnetName": "a"}, None)
    assert out["id"] == f"{RG}/providers/Microsoft.Network/virtualNetworks/unknown/subnets/a"


def test_ids_are_in_the_subscription_the_provider_pins():
    """A resource deployed by a provider pinned to a subscription gets its id there (rules compare a literal
    id's subscription with the resource's own); without a pin, the placeholder subscription."""
    import pulumi
    import pulumi_azure_native as azure
    from gate.recording import record_callable

    pinned = "11111111-2222-4333-8444-555555555555"

    def program():
        p = azure.Provider("pinned", location="westeurope", subscription_id=pinned)
        azure.resources.ResourceGroup("rg", resource_group_name="rg-a",
                                      opts=pulumi.ResourceOptions(provider=p))
        azure.resources.ResourceGroup("rg-default", resource_group_name="rg-b")

    graph = record_callable(program, config={"azure-native:location": "westeurope"})
    ids = {r.name: r.id for r in graph.resources if r.type == "azure-native:resources:ResourceGroup"}
    assert ids == {"rg": f"/subscriptions/{pinned}/resourceGroups/rg-a",
                   "rg-default": f"{SUB}/resourceGroups/rg-b"}


def test_the_client_config_of_a_pinned_provider_names_its_subscription():
    """`get_client_config` asked of a provider answers that provider's subscription (what the real provider
    does); the default provider's, the placeholder."""
    import pulumi
    import pulumi_azure_native as azure
    from gate.recording import record_callable

    pinned = "11111111-2222-4333-8444-555555555555"

    def program():
        p = azure.Provider("pinned", location="westeurope", subscription_id=pinned)
        own = azure.authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(provider=p))
        pulumi.export("pinned", own.subscription_id)
        pulumi.export("default", azure.authorization.get_client_config_output().subscription_id)

    graph = record_callable(program, config={"azure-native:location": "westeurope"})
    assert graph.outputs == {"pinned": pinned, "default": SUB.rsplit("/", 1)[-1]}
