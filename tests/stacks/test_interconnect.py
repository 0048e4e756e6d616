"""interconnect-prod: the stack program under the offline recorder, references resolved from fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from gate.errors import ProgramError
from gate.recording import UNKNOWN, record_program

from policies.core.ipsec import check_ipsec_crypto

ROOT = Path(__file__).resolve().parents[2]
STACK = "interconnect-prod"
DOSIS = {
    "vpnGatewayPublicIps": ["20.1.1.1", "20.1.1.2"],
    "vpnGatewayId": (
        "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworkGateways/vgw"
    ),
    "vpnGatewayBgpAsn": 65515,
    "vpnGatewayBgpPeeringAddresses": [],
    "vnetCidrs": ["10.10.0.0/16"],
    "dosisUitPrivateIp": "10.10.3.4",
    "dosisUitSubnetCidr": "10.10.3.0/24",
    "resourceGroupName": "rg-net",
    "location": "westeurope",
    "privateEndpointNsgName": "nsg-pe",
    "logAnalyticsWorkspaceId": (
        "/subscriptions/s/resourceGroups/rg-mon/providers/Microsoft.OperationalInsights/workspaces/w"
    ),
    "actionGroupId": "/subscriptions/s/resourceGroups/rg-mon/providers/Microsoft.Insights/actionGroups/soc",
    "dosisUitHostName": "dosis-uit-weu.azurewebsites.net",
    # the failover region's gateway and DOSIS-UIT (issue 16: a second tunnel set)
    "vpnGatewayPublicIpsFailover": ["20.2.2.1", "20.2.2.2"],
    "vpnGatewayIdFailover": (
        "/subscriptions/s/resourceGroups/rg-neu/providers/Microsoft.Network/virtualNetworkGateways/vgw-neu"
    ),
    "dosisUitPrivateIpFailover": "10.11.1.10",
    "dosisUitHostNameFailover": "dosis-uit-neu.azurewebsites.net",
    "dosisUitSubnetCidrFailover": "10.11.1.0/24",
    "resourceGroupNameFailover": "rg-neu",
    "locationFailover": "northeurope",
    "privateEndpointNsgNameFailover": "nsg-pe-neu",
}
PORTAL = {
    "vpnGatewayId": "vgw-0123456789abcdef0",
    "vpnAmazonSideAsn": 64512,
    "vpcId": "vpc-0123456789abcdef0",
    "vpcCidr": "10.20.0.0/16",
    "appSubnetCidrs": ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"],
    "appSecurityGroupId": "sg-0123456789abcdef0",
    "privateRouteTableIds": ["rtb-1", "rtb-2", "rtb-3"],
    "socTopicArn": "arn:aws:sns:eu-west-1:123456789012:soc",
    "region": "eu-west-1",
    "logsKmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
}


def run(dosis: dict | None = DOSIS, portal: dict | None = PORTAL, **config):
    outputs = {k: v for k, v in (("dosis-prod", dosis), ("portal-prod", portal)) if v is not None}
    return record_program(ROOT, STACK, config=config or None, stack_outputs=outputs)


@pytest.fixture(scope="module")
def graph():
    return run()


def primary(graph, typ):
    """Resources of the westeurope link (the failover link's names start with dosis-eloket-neu)."""
    return [r for r in graph.by_type(typ) if not r.name.startswith("dosis-eloket-neu")]


def test_stack_config_file_pins_system_and_regions():
    text = (ROOT / "stacks" / f"Pulumi.{STACK}.yaml").read_text()
    for line in (
        "dosis-eloket:system: interconnect",
        "aws:region: eu-west-1",
        "azure-native:location: westeurope",
    ):
        assert line in text


def test_references_resolve_and_link_is_compliant(graph):
    refs = graph.by_type("pulumi:pulumi:StackReference")
    assert sorted(r.inputs["name"] for r in refs) == [
        "organization/dosis-eloket/dosis-prod",
        "organization/dosis-eloket/portal-prod",
    ]
    assert check_ipsec_crypto(graph.resources) == []
    cgws = primary(graph, "aws:ec2/customerGateway:CustomerGateway")
    assert sorted(c.inputs["ipAddress"] for c in cgws) == sorted(DOSIS["vpnGatewayPublicIps"])
    conns = primary(graph, "azure-native:network:VirtualNetworkGatewayConnection")
    assert len(conns) == 4 and {c.inputs["resourceGroupName"] for c in conns} == {"rg-net"}
    assert {r.inputs["routeTableId"] for r in graph.by_type("aws:ec2/route:Route")} == set(
        PORTAL["privateRouteTableIds"]
    )
    for r in graph.resources:
        if r.custom and "tags" in r.inputs:
            assert r.inputs["tags"]["system"] == "interconnect"
            assert r.inputs["tags"]["pia-reference"] and r.inputs["tags"]["controller"]


def test_exports_identifiers_but_no_secret(graph):
    outputs = graph.outputs
    assert set(outputs) >= {
        "vpnConnectionIds",
        "customerGatewayIds",
        "azureConnectionIds",
        "azureApipaAddresses",
    }
    assert outputs["azureApipaAddresses"] == {
        "instance0": ["169.254.21.2", "169.254.22.2"],
        "instance1": ["169.254.21.6", "169.254.22.6"],
    }
    text = json.dumps(outputs).lower()
    assert "preshared" not in text and "sharedkey" not in text and "psk" not in text


def warnings(graph) -> list[str]:
    return [d["message"] for d in graph.diagnostics if d["severity"] == "warning"]


def test_missing_dosis_stack_gives_unknown_inputs_not_a_crash():
    graph = run(dosis=None)
    unknown = [m for m in warnings(graph) if "are unknown" in m]
    assert len(unknown) == 1 and "organization/dosis-eloket/dosis-prod" in unknown[0]
    assert graph.stack_references == {
        "organization/dosis-eloket/dosis-prod": False,
        "organization/dosis-eloket/portal-prod": True,
    }
    cgws = graph.by_type("aws:ec2/customerGateway:CustomerGateway")
    assert len(cgws) == 4 and all(c.inputs.get("ipAddress", UNKNOWN) == UNKNOWN for c in cgws)
    lngs = graph.by_type("azure-native:network:LocalNetworkGateway")
    assert len(lngs) == 8 and all(g.inputs.get("resourceGroupName", UNKNOWN) == UNKNOWN for g in lngs)
    assert check_ipsec_crypto(graph.resources) == []  # crypto is the program's own, known without references


def test_missing_single_output_is_reported_and_unknown():
    partial = {k: v for k, v in DOSIS.items() if k != "dosisUitPrivateIp"}
    graph = run(dosis=partial)
    assert any("has no output 'dosisUitPrivateIp'" in m for m in warnings(graph))
    (egress,) = primary(graph, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert egress.inputs.get("cidrIpv4", UNKNOWN) == UNKNOWN


def test_bad_config_value_names_file_and_key():
    with pytest.raises(
        Exception,
        match=r"stacks/Pulumi\.interconnect-prod\.yaml: dosis-eloket:routing: "
        r"must be 'bgp' or 'static', got 'ospf'",
    ):
        run(**{"dosis-eloket:routing": "ospf"})


def test_psk_rotation_key_reaches_the_keepers():
    graph = run(**{"dosis-eloket:pskRotation": 3})
    keepers = {
        p.inputs["keepers"]["rotation"] for p in graph.by_type("random:index/randomPassword:RandomPassword")
    }
    assert keepers == {"3"}


def test_optional_ip_configuration_ids_pin_apipa_addresses(graph):
    conns = graph.by_type("azure-native:network:VirtualNetworkGatewayConnection")
    assert all("gatewayCustomBgpIpAddresses" not in c.inputs for c in conns)  # optional, not exported here
    ids = [f"{DOSIS['vpnGatewayId']}/ipConfigurations/instance{i}" for i in (0, 1)]
    pinned = run(dosis={**DOSIS, "vpnGatewayIpConfigurationIds": ids})
    for c in primary(pinned, "azure-native:network:VirtualNetworkGatewayConnection"):
        assert [p["ipConfigurationId"] for p in c.inputs["gatewayCustomBgpIpAddresses"]] == ids


def test_azure_resources_placed_in_the_configured_region_even_without_dosis():
    graph = run(dosis=None)
    for t in ("LocalNetworkGateway", "VirtualNetworkGatewayConnection"):
        assert {r.inputs["location"] for r in primary(graph, f"azure-native:network:{t}")} == {"westeurope"}


def test_gateway_in_another_region_fails_the_run():
    expected = "azure-native:location: 'westeurope' differs from the VPN gateway's location 'northeurope'"
    with pytest.raises(ProgramError, match=expected):
        run(dosis={**DOSIS, "location": "northeurope"})


def test_second_tunnel_set_reaches_the_failover_region(graph):
    """D36 §100: the e-loket reaches whichever DOSIS region is active."""
    neu = sorted(  # by name: a component's children register concurrently
        (
            r
            for r in graph.by_type("aws:ec2/customerGateway:CustomerGateway")
            if r.name.startswith("dosis-eloket-neu")
        ),
        key=lambda r: r.name,
    )
    assert [c.inputs["ipAddress"] for c in neu] == DOSIS["vpnGatewayPublicIpsFailover"]
    conns = [
        c
        for c in graph.by_type("azure-native:network:VirtualNetworkGatewayConnection")
        if c.name.startswith("dosis-eloket-neu")
    ]
    assert len(conns) == 4 and {c.inputs["location"] for c in conns} == {"northeurope"}
    assert {c.inputs["resourceGroupName"] for c in conns} == {"rg-neu"}
    cidrs = {
        v.inputs[f"tunnel{t}InsideCidr"]
        for v in graph.by_type("aws:ec2/vpnConnection:VpnConnection")
        for t in (1, 2)
    }
    assert len(cidrs) == 8  # distinct inside CIDRs on the one virtual private gateway
    routes = {r.inputs["destinationCidrBlock"] for r in graph.by_type("aws:ec2/route:Route")}
    assert routes == {"10.10.3.0/24", "10.11.1.0/24"}
    assert graph.outputs["azureApipaAddressesFailover"] == {
        "instance0": ["169.254.21.10", "169.254.22.10"],
        "instance1": ["169.254.21.14", "169.254.22.14"],
    }


def test_e_loket_resolves_dosis_uit_privately(graph):
    """Issue 16: no Route 53 private zone for privatelink.azurewebsites.net."""
    (zone,) = graph.by_type("aws:route53/zone:Zone")
    assert zone.inputs["name"] == "privatelink.azurewebsites.net"
    assert zone.inputs["vpcs"] == [{"vpcId": PORTAL["vpcId"], "vpcRegion": "eu-west-1"}]
    records = {r.inputs["name"]: r.inputs["records"] for r in graph.by_type("aws:route53/record:Record")}
    assert records == {
        "dosis-uit-weu.privatelink.azurewebsites.net": ["10.10.3.4"],
        "dosis-uit-neu.privatelink.azurewebsites.net": ["10.11.1.10"],
    }


def test_aws_asn_has_one_source_and_a_cross_check():
    """Issue 16: the AWS-side ASN was set in two places and never compared."""
    graph = run(portal={**PORTAL, "vpnAmazonSideAsn": 64600})
    asns = {g.inputs["bgpSettings"]["asn"] for g in graph.by_type("azure-native:network:LocalNetworkGateway")}
    assert asns == {64600}
    with pytest.raises(ProgramError, match="awsBgpAsn: 64512 differs from vpnAmazonSideAsn 64600"):
        run(portal={**PORTAL, "vpnAmazonSideAsn": 64600}, **{"dosis-eloket:awsBgpAsn": 64512})


SITECUSTOMIZE = """
from gate import mocks

_original = mocks.GateMocks.outputs_for


def _with_password(self, typ, name, inputs, provider_ref):
    rid, out = _original(self, typ, name, inputs, provider_ref)
    if typ == "random:index/randomPassword:RandomPassword":
        out = {**out, "result": "%s"}
    return rid, out


mocks.GateMocks.outputs_for = _with_password
"""


@pytest.mark.slow
def test_gate_preview_writes_no_psk_anywhere(tmp_path):
    """`gate preview` with known PSK values: not in stdout, stderr, state or report files."""
    sentinel = "Pskzz9SENTINELx7Qw3rT5yU8iO1pA2sD4fG6hJ8kL0zXcVbNm"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE % sentinel, encoding="utf-8")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")])}
    # Only this stack holds PSKs; `--all` would also fail on any other stack's problem.
    command = ["preview", "--stack", STACK, "--no-checkov", "--format", "json", "--out", str(out)]
    proc = subprocess.run(
        [sys.executable, "-m", "gate", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    state = json.loads((out / f"{STACK}.state.json").read_text(encoding="utf-8"))
    vpns = [r for r in state["deployment"]["resources"] if r["type"].endswith(":VpnConnection")]
    # The PSK was known in the run and written redacted (an unknown one would stay unknown).
    assert vpns and all(v["inputs"]["tunnel1PresharedKey"]["value"] == "[secret]" for v in vpns)
    files = [f.read_text(encoding="utf-8") for f in out.rglob("*") if f.is_file()]
    written = [proc.stdout, proc.stderr, *files]
    assert not [text for text in written if sentinel in text]
