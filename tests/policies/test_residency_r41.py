"""Red-team round 41 of the residency pack: accepting a connection another account requested, named by a
bare id (an OpenSearch inbound cross-cluster connection, an interface endpoint, a Network Firewall's
transit gateway attachment, a hosted Direct Connect virtual interface), needs the other side to be a
resource of the stack (corpus cases: tests/corpus/residency/{evil,good}/r41-*.yaml).
"""

from __future__ import annotations

from typing import Any

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, unresolved
from policy_testlib import pinned_res as res

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # an output unknown during preview
DX = "aws:directconnect/hosted{k}VirtualInterface{a}:Hosted{k}VirtualInterface{a}"
ACCEPTERS = {
    "aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter": (
        "connectionId", "cc-0a1b2c3d", "aws:opensearch/outboundConnection:OutboundConnection"),
    "aws:ec2/vpcEndpointConnectionAccepter:VpcEndpointConnectionAccepter": (
        "vpcEndpointId", "vpce-0a1b2c3d", "aws:ec2/vpcEndpoint:VpcEndpoint"),
    "aws:networkfirewall/firewallTransitGatewayAttachmentAccepter:FirewallTransitGatewayAttachmentAccepter": (
        "transitGatewayAttachmentId", "tgw-attach-0a1b2c3d", "aws:networkfirewall/firewall:Firewall"),
    **{DX.format(k=k, a=a): ("virtualInterfaceId", "dxvif-fgh1234a", DX.format(k=k, a=""))
       for k, a in (("Private", "Accepter"), ("Public", "Accepter"), ("Transit", "Acceptor"))},
}


def test_a_connection_accepted_by_a_bare_id_must_be_the_stack_s():
    for typ, (field, value, target) in ACCEPTERS.items():
        acc = res(typ, "accept", {field: value})
        assert messages(RESOLVED, graph(acc), ALLOWED) == [
            ("accept", unresolved(field, f"{target}|{value}"))], typ


def test_the_stack_s_own_connection_accepted_by_its_output_passes():
    for typ, (field, _, target) in ACCEPTERS.items():
        own = res(target, "own", {"name": "own"})
        acc = res(typ, "accept", {field: UNKNOWN}, property_dependencies={field: (own.urn,)})
        assert messages(RESOLVED, graph(own, acc), ALLOWED) == [], typ
        by_id = res(typ, "accept", {field: "own-1"})
        assert messages(RESOLVED, graph(res(target, "own", {"id": "own-1"}), by_id), ALLOWED) == [], typ


def test_an_accepted_connection_computed_from_nothing_of_the_stack_blocks():
    acc = res("aws:opensearch/inboundConnectionAccepter:InboundConnectionAccepter", "accept",
              {"connectionId": UNKNOWN})
    assert messages(RESOLVED, graph(acc), ALLOWED) == [(
        "accept", "`connectionId` is unknown during preview and computed from no resource of this stack, "
        "so where data is sent there cannot be judged (fail closed); make the destination a known, "
        "non-secret value")]


# ------------------------------------------------------------------ second blind batch


def _grafana(configurations: dict[str, Any] | None = None) -> Any:
    props: dict[str, Any] = {"publicNetworkAccess": "Disabled"}
    if configurations is not None:
        props["grafanaConfigurations"] = configurations
    where = {"resourceGroupName": "rg-weu", "location": "westeurope", "workspaceName": "graf"}
    return res("azure-native:dashboard:Grafana", "graf", {**where, "properties": props})


def test_grafana_publishes_snapshots_externally_unless_turned_off():
    path = "properties.grafanaConfigurations.snapshots.externalEnabled"
    sent = (f"`{path}` sends to snapshots.raintank.io, which is neither a resource of this stack nor a "
            "declared external endpoint (stacks/records/endpoints.yaml: add it with its region and why)")
    for configurations in (None, {}, {"snapshots": {}}, {"snapshots": {"externalEnabled": True}},
                           {"snapshots": {"externalEnabled": UNKNOWN}}):
        assert messages(REPLICATION, _grafana(configurations), ALLOWED) == [sent], configurations
    off = _grafana({"snapshots": {"externalEnabled": False}})
    assert messages(REPLICATION, off, ALLOWED) == []
