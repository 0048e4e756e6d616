"""Red-team round 49 of the residency pack: a FHIR service's own endpoint, the private address a record of the
stack's private zone holds, a QuickSight VPC connection's DNS resolvers (corpus cases:
tests/corpus/residency/{evil,good}/r49-*.yaml).
"""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, res

from policies.core.azure_ids import id_problem
from policies.core.view import ProviderView

FHIR = "azure-native:healthcareapis:FhirService"
ZONE, RECORD = "aws:route53/zone:Zone", "aws:route53/record:Record"
CONNECTION = "aws:quicksight/vpcConnection:VpcConnection"
VPC = res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})


OWN_TENANT, OTHER_TENANT = "11111111-2222-3333-4444-555555555555", "99999999-8888-7777-6666-555555555555"


def _fhir(audience: str, authority: str | None = None, tenant: str | None = None):
    auth = {"audience": audience, **({"authority": authority} if authority else {})}
    provider = ProviderView("pulumi:providers:azure-native", {"location": "westeurope", **(
        {"tenantId": tenant} if tenant else {})}, "urn:prov:az", "default")
    return res(FHIR, "fhir", {"resourceGroupName": "rg", "workspaceName": "dosishealth", "fhirServiceName":
                              "dossiers", "location": "westeurope", "authenticationConfiguration": auth},
               provider=provider)


def test_a_fhir_service_s_own_endpoint_as_its_audience_passes():
    view = _fhir("https://dosishealth-dossiers.fhir.azurehealthcareapis.com")
    assert messages(REPLICATION, view, ALLOWED) == []
    assert messages(RESOLVED, graph(view), ALLOWED) == []


def test_another_fhir_service_s_endpoint_still_blocks():
    view = _fhir("https://other-service.fhir.azurehealthcareapis.com")
    found = messages(RESOLVED, graph(view), ALLOWED)
    assert len(found) == 1 and "other-service.fhir.azurehealthcareapis.com" in found[0][1]


def test_a_fhir_service_s_authority_names_the_tenant_whose_identities_get_tokens():
    audience = "https://dosishealth-dossiers.fhir.azurehealthcareapis.com"
    other = _fhir(audience, f"https://login.microsoftonline.com/{OTHER_TENANT}", OWN_TENANT)
    assert messages(REPLICATION, other, ALLOWED) == [
        id_problem("tenant", "authenticationConfiguration.authority", f"/tenants/{OTHER_TENANT}")]
    own = _fhir(audience, f"https://login.microsoftonline.com/{OWN_TENANT}", OWN_TENANT)
    assert messages(REPLICATION, own, ALLOWED) == []
    # the own tenant is known only when the provider pins it
    unpinned = _fhir(audience, f"https://login.microsoftonline.com/{OWN_TENANT}")
    assert messages(REPLICATION, unpinned, ALLOWED) == [
        id_problem("tenant", "authenticationConfiguration.authority", f"/tenants/{OWN_TENANT}")]


def _zone_record(address: str):
    zone = res(ZONE, "zone", {"name": "dosis.internal", "zoneId": "Z0123",
                              "vpcs": [{"vpcId": "vpc-0a1b", "vpcRegion": "eu-west-1"}]})
    return zone, res(RECORD, "db", {"zoneId": "Z0123", "name": "db", "type": "A", "records": [address]})


def test_a_zone_record_s_address_outside_the_stack_s_networks_blocks():
    found = messages(RESOLVED, graph(VPC, *_zone_record("10.77.0.12")), ALLOWED)
    assert len(found) == 1 and found[0][0] == "db" and "records[0]` is 10.77.0.12" in found[0][1]


def test_a_zone_record_s_address_in_the_stack_s_vpc_passes():
    assert messages(RESOLVED, graph(VPC, *_zone_record("10.0.2.20")), ALLOWED) == []


def test_an_azure_record_set_s_address_outside_the_stack_s_vnets_blocks():
    space = {"addressPrefixes": ["10.1.0.0/16"]}
    vnet = res("azure-native:network:VirtualNetwork", "vnet", {"addressSpace": space})
    record = res("azure-native:privatedns:PrivateRecordSet", "sql", {
        "privateZoneName": "dossiers.corp", "relativeRecordSetName": "sql", "recordType": "A",
        "resourceGroupName": "rg", "aRecords": [{"ipv4Address": "172.20.5.4"}]})
    found = messages(RESOLVED, graph(vnet, record), ALLOWED)
    assert len(found) == 1 and "aRecords[0].ipv4Address` is 172.20.5.4" in found[0][1]


def _connection(*resolvers: str):
    return res(CONNECTION, "qsvpc", {"vpcConnectionId": "c", "roleArn": "r", "securityGroupIds": ["sg-0a1b"],
                                     "dnsResolvers": list(resolvers)})


def test_a_vpc_connection_s_dns_resolver_outside_the_stack_s_networks_blocks():
    for resolver in ("10.200.0.2", "8.8.8.8"):
        found = messages(RESOLVED, graph(VPC, _connection(resolver)), ALLOWED)
        assert any(f"dnsResolvers[0]` is {resolver}" in m for _, m in found)


def test_a_vpc_connection_s_dns_resolver_in_the_stack_s_vpc_passes():
    assert messages(RESOLVED, graph(VPC, _connection("10.0.1.10")), ALLOWED) == []
