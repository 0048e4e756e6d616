"""The link's crypto suite (policies/data/ipsec.py), its renderers, and `check_ipsec_crypto`
(policies/core/ipsec.py, a pure function over recorded resources)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_ARRAY_VALUE, UNKNOWN_NUMBER_VALUE

from components.interconnect.crypto import (
    DEFAULT_CRYPTO,
    IpsecCrypto,
    aws_tunnel_args,
    azure_connection_protocol,
    azure_ipsec_policy,
)
from policies.core.ipsec import check_ipsec_crypto
from policies.data.ipsec import AWS_VPN_CONNECTION, AZURE_CONNECTION

UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
AWS_T = "aws:ec2/vpnConnection:VpnConnection 'vpn-0'"
AZ_T = "azure-native:network:VirtualNetworkGatewayConnection 'conn-0-1'"
CLOSED = "cannot verify, failing closed"


def aws_resource() -> dict[str, Any]:
    """A compliant VPN connection as the recorder writes it (camelCase inputs), written out by hand."""
    inputs: dict[str, Any] = {"type": "ipsec.1"}
    for t in (1, 2):
        inputs.update(
            {
                f"tunnel{t}IkeVersions": ["ikev2"],
                f"tunnel{t}Phase1EncryptionAlgorithms": ["AES256-GCM-16"],
                f"tunnel{t}Phase1IntegrityAlgorithms": ["SHA2-384"],
                f"tunnel{t}Phase1DhGroupNumbers": [20],
                f"tunnel{t}Phase1LifetimeSeconds": 28800,
                f"tunnel{t}Phase2EncryptionAlgorithms": ["AES256-GCM-16"],
                f"tunnel{t}Phase2IntegrityAlgorithms": ["SHA2-384"],
                f"tunnel{t}Phase2DhGroupNumbers": [20],
                f"tunnel{t}Phase2LifetimeSeconds": 3600,
            }
        )
    return {
        "type": AWS_VPN_CONNECTION,
        "urn": "urn:pulumi:s::p::x$aws:ec2/vpnConnection:VpnConnection::vpn-0",
        "name": "vpn-0",
        "inputs": inputs,
    }


def azure_resource() -> dict[str, Any]:
    return {
        "type": AZURE_CONNECTION,
        "name": "conn-0-1",
        "urn": "urn:pulumi:s::p::x$azure-native:network:VirtualNetworkGatewayConnection::conn-0-1",
        "inputs": {
            "connectionType": "IPsec",
            "connectionProtocol": "IKEv2",
            "ipsecPolicies": [
                {
                    "ikeEncryption": "GCMAES256",
                    "ikeIntegrity": "SHA384",
                    "dhGroup": "ECP384",
                    "ipsecEncryption": "GCMAES256",
                    "ipsecIntegrity": "GCMAES256",
                    "pfsGroup": "ECP384",
                    "saLifeTimeSeconds": 3600,
                    "saDataSizeKilobytes": 102400000,
                }
            ],
        },
    }


def mutated(resource: dict[str, Any], change) -> dict[str, Any]:
    out = copy.deepcopy(resource)
    change(out["inputs"])
    return out


def messages(resources) -> list[str]:
    return [f.message for f in check_ipsec_crypto(resources)]


def test_definition_renders_equal_strong_crypto_on_both_clouds():
    aws = aws_tunnel_args(DEFAULT_CRYPTO, 1)
    azure = azure_ipsec_policy(DEFAULT_CRYPTO)
    assert aws["tunnel1_ike_versions"] == ["ikev2"] and azure_connection_protocol(DEFAULT_CRYPTO) == "IKEv2"
    assert (
        aws["tunnel1_phase1_encryption_algorithms"] == ["AES256-GCM-16"]
        and azure["ike_encryption"] == "GCMAES256"
    )
    assert aws["tunnel1_phase1_integrity_algorithms"] == ["SHA2-384"] and azure["ike_integrity"] == "SHA384"
    assert aws["tunnel1_phase1_dh_group_numbers"] == [20] and azure["dh_group"] == "ECP384"
    assert aws["tunnel1_phase2_encryption_algorithms"] == ["AES256-GCM-16"]
    assert azure["ipsec_encryption"] == azure["ipsec_integrity"] == "GCMAES256"
    assert aws["tunnel1_phase2_dh_group_numbers"] == [20] and azure["pfs_group"] == "ECP384"
    assert aws["tunnel1_phase2_lifetime_seconds"] == azure["sa_life_time_seconds"] == 3600
    assert aws["tunnel1_dpd_timeout_action"] == "restart" and aws["tunnel1_startup_action"] == "start"
    assert set(aws_tunnel_args(DEFAULT_CRYPTO, 2)) == {k.replace("tunnel1_", "tunnel2_") for k in aws}


def test_hand_written_compliant_link_has_no_findings():
    assert check_ipsec_crypto([aws_resource(), azure_resource()]) == []
    assert check_ipsec_crypto([aws_resource(), azure_resource()], reference=DEFAULT_CRYPTO) == []


def test_other_resource_types_are_ignored():
    assert check_ipsec_crypto([{"type": "aws:s3/bucket:Bucket", "inputs": {}}]) == []


@pytest.mark.parametrize(
    "weak",
    [
        {"phase1_dh_group": 2},
        {"phase1_integrity": "SHA1"},
        {"ike_version": "ikev1"},
        {"phase2_encryption": "AES128"},
        {"pfs_group": 14},
        {"phase2_lifetime_seconds": 28800},
    ],
)
def test_definition_refuses_weak_parameters(weak):
    with pytest.raises(ValueError, match="below the minimum"):
        IpsecCrypto(**weak)


def test_definition_refuses_a_group_azure_cannot_do():
    with pytest.raises(ValueError, match="no Azure equivalent"):
        IpsecCrypto(phase1_dh_group=21)


def test_dh_group_2_on_aws_is_caught():
    bad = mutated(aws_resource(), lambda i: i.update(tunnel1Phase1DhGroupNumbers=[2]))
    assert messages([bad, azure_resource()]) == [
        f"{AWS_T}: tunnel1Phase1DhGroupNumbers: phase 1 DH group 2 is below the minimum "
        "(allowed: 20, 21, 24)",
        f"{AWS_T}: tunnel1Phase1DhGroupNumbers: phase 1 DH group 2 differs from 20 used by the other end(s), "
        "e.g. 'vpn-0' tunnel2Phase1DhGroupNumbers; both clouds must match",
    ]


def test_sha1_on_azure_is_caught():
    bad = mutated(azure_resource(), lambda i: i["ipsecPolicies"][0].update(ikeIntegrity="SHA1"))
    assert messages([aws_resource(), bad]) == [
        f"{AZ_T}: ipsecPolicies[0].ikeIntegrity: phase 1 integrity SHA1 is below the minimum "
        "(allowed: SHA2-256, SHA2-384, SHA2-512)",
        f"{AZ_T}: ipsecPolicies[0].ikeIntegrity: phase 1 integrity SHA1 differs from SHA2-384 used by the "
        "other end(s), e.g. 'vpn-0' tunnel1Phase1IntegrityAlgorithms; both clouds must match",
    ]


def test_ikev1_on_azure_is_caught():
    bad = mutated(azure_resource(), lambda i: i.update(connectionProtocol="IKEv1"))
    assert messages([aws_resource(), bad]) == [
        f"{AZ_T}: connectionProtocol: IKE version ikev1 is below the minimum (allowed: ikev2)",
        f"{AZ_T}: connectionProtocol: IKE version ikev1 differs from ikev2 used by the other end(s), "
        "e.g. 'vpn-0' tunnel1IkeVersions; both clouds must match",
    ]


def test_ikev1_allowed_next_to_ikev2_on_aws_is_caught():
    bad = mutated(aws_resource(), lambda i: i.update(tunnel2IkeVersions=["ikev1", "ikev2"]))
    assert messages([bad])[0] == (
        f"{AWS_T}: tunnel2IkeVersions: IKE version ikev1 is below the minimum (allowed: ikev2)"
    )


def test_aes128_on_aws_phase2_is_caught():
    bad = mutated(aws_resource(), lambda i: i.update(tunnel2Phase2EncryptionAlgorithms=["AES128"]))
    assert messages([bad, azure_resource()]) == [
        f"{AWS_T}: tunnel2Phase2EncryptionAlgorithms: phase 2 encryption AES128 is below the minimum "
        "(allowed: AES256, AES256-GCM-16)",
        f"{AWS_T}: tunnel2Phase2EncryptionAlgorithms: phase 2 encryption AES128 differs from AES256-GCM-16 "
        "used by the other end(s), e.g. 'vpn-0' tunnel1Phase2EncryptionAlgorithms; both clouds must match",
    ]


def test_strong_but_different_value_on_one_side_is_caught():
    bad = mutated(azure_resource(), lambda i: i["ipsecPolicies"][0].update(dhGroup="DHGroup24"))
    assert messages([aws_resource(), bad]) == [
        f"{AZ_T}: ipsecPolicies[0].dhGroup: phase 1 DH group 24 differs from 20 used by the other end(s), "
        "e.g. 'vpn-0' tunnel1Phase1DhGroupNumbers; both clouds must match",
    ]


def test_weakened_side_alone_is_caught_against_the_definition():
    bad = mutated(azure_resource(), lambda i: i["ipsecPolicies"][0].update(pfsGroup="PFS24"))
    assert messages([bad]) == []  # strong enough and nothing to compare with...
    assert [f.message for f in check_ipsec_crypto([bad], reference=DEFAULT_CRYPTO)] == [
        f"{AZ_T}: ipsecPolicies[0].pfsGroup: PFS group 24 differs from 20 used by the link's crypto "
        "definition; both clouds must match",
    ]


def test_gcm_integrity_must_match_the_cipher_on_azure():
    bad = mutated(azure_resource(), lambda i: i["ipsecPolicies"][0].update(ipsecIntegrity="GCMAES128"))
    assert messages([bad])[0] == (
        f"{AZ_T}: ipsecPolicies[0].ipsecIntegrity: GCMAES128 must equal ipsecEncryption (GCMAES256) with GCM"
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda i: i.update(tunnel1Phase2DhGroupNumbers=UNKNOWN),
            f"{AWS_T}: tunnel1Phase2DhGroupNumbers: value unknown during preview; {CLOSED}",
        ),
        (
            lambda i: i.update(tunnel1Phase1EncryptionAlgorithms=[UNKNOWN]),
            f"{AWS_T}: tunnel1Phase1EncryptionAlgorithms: value unknown during preview; {CLOSED}",
        ),
        (  # the array sentinel, as the CLI sends an unknown list (not only the string one)
            lambda i: i.update(tunnel1Phase1DhGroupNumbers=UNKNOWN_ARRAY_VALUE),
            f"{AWS_T}: tunnel1Phase1DhGroupNumbers: value unknown during preview; {CLOSED}",
        ),
        (  # the number sentinel
            lambda i: i.update(tunnel2Phase1LifetimeSeconds=UNKNOWN_NUMBER_VALUE),
            f"{AWS_T}: tunnel2Phase1LifetimeSeconds: value unknown during preview; {CLOSED}",
        ),
        (
            lambda i: i.pop("tunnel2IkeVersions"),
            f"{AWS_T}: tunnel2IkeVersions: not set, the provider default is not pinned; {CLOSED}",
        ),
        (
            lambda i: i.update(tunnel1Phase2LifetimeSeconds="soon"),
            f"{AWS_T}: tunnel1Phase2LifetimeSeconds: expected a whole number, got 'soon'; {CLOSED}",
        ),
    ],
)
def test_unknown_or_missing_aws_values_fail_closed(change, expected):
    assert messages([mutated(aws_resource(), change), azure_resource()]) == [expected]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda i: i.pop("ipsecPolicies"),
            f"{AZ_T}: ipsecPolicies: no custom IPsec/IKE policy "
            "(the Azure default policy offers weaker algorithms); "
            "cannot verify, failing closed",
        ),
        (
            lambda i: i.update(ipsecPolicies=UNKNOWN),
            f"{AZ_T}: ipsecPolicies: value unknown during preview; {CLOSED}",
        ),
        (
            lambda i: i.update(connectionProtocol=UNKNOWN),
            f"{AZ_T}: connectionProtocol: value unknown during preview; {CLOSED}",
        ),
        (
            lambda i: i["ipsecPolicies"][0].update(dhGroup="ECP521"),
            f"{AZ_T}: ipsecPolicies[0].dhGroup: unrecognised value 'ECP521'; {CLOSED}",
        ),
    ],
)
def test_unknown_or_missing_azure_values_fail_closed(change, expected):
    assert messages([aws_resource(), mutated(azure_resource(), change)]) == [expected]


def test_secret_wrapped_and_float_values_are_read():
    wrapped = mutated(
        aws_resource(),
        lambda i: i.update(
            tunnel1Phase2LifetimeSeconds=3600.0,
            tunnel1Phase1DhGroupNumbers={
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                "value": [20.0],
            },
        ),
    )
    assert check_ipsec_crypto([wrapped, azure_resource()]) == []


def test_objects_with_policy_resource_attributes_are_accepted():
    class PolicyResource:  # the shape pulumi_policy hands to a rule: resource_type + props
        def __init__(self, d):
            self.resource_type, self.props, self.urn, self.name = d["type"], d["inputs"], d["urn"], d["name"]

    bad = mutated(aws_resource(), lambda i: i.update(tunnel1Phase1DhGroupNumbers=[2]))
    findings = check_ipsec_crypto([PolicyResource(bad), PolicyResource(azure_resource())])
    assert {(f.name, f.field) for f in findings} == {("vpn-0", "tunnel1Phase1DhGroupNumbers")}
    assert findings[0].urn.endswith("::vpn-0") and findings[0].type == AWS_VPN_CONNECTION
