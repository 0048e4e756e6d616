"""Round-52 classes (docs/pia-conditions.md, round 52): Secrets Manager versions whose binary or write-only
value is written in the program; every DataSync location's credential from a secret store of the stack and the
transport of object storage and HDFS locations; NetApp Files snapshots and snapshot policies judged through
their volume, the other NetApp Files stores refused with how to make them judgeable; EC2 Instance Connect
tunnels (CloudTrail OpenTunnel events) forwarded to the SIEM. Each test fails on the code before the round."""

from __future__ import annotations

from ruletest import case, run
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
MFA = "require-admin-mfa"
TLS = "require-tls-1-2"
SIEM = "require-siem-logging"
JUDGEABLE = "require-judgeable-data-types"


def test_secret_version_binary_and_write_only_values_written_in_the_program():
    wants = {"r52p-01": "`secretBinary` holds a credential inline", "r52p-02": "`secretStringWo` holds"}
    for name, want in wants.items():
        found = _of(run(CMK, case(name)), "ds-version")
        assert len(found) == 1 and want in found[0], name
    assert "write-only keeps it out of the state, not out of the program" in _of(
        run(CMK, case("r52p-02")), "ds-version"
    )[0]


def test_datasync_location_credentials_come_from_a_secret_store_of_the_stack():
    wants = {
        "r52p-03": ("obj-location", "`secretKey` (the object store's secret key) is not fed"),
        "r52p-04": ("blob-location", "`sasConfiguration.token` (the container's SAS) is not fed"),
        "r52p-05": ("hdfs-location", "`kerberosKeytabBase64` (the Kerberos principal's keytab)"),
        "r52p-06": ("fsxw-location", "`password` (the file system user's password) is not fed"),
        "r52p-07": ("ontap-location", "`protocol.smb.password` (the SVM user's SMB password)"),
        "r52p-08": ("ontap-location", "`protocol.smb.password` (the SVM user's SMB password)"),
        "r52p-09": ("hdfs-location", "`kerberosKeytab` (the Kerberos principal's keytab)"),
    }
    for name, (where, want) in wants.items():
        found = _of(run(MFA, case(name)), where)
        assert len(found) == 1 and want in found[0], name
    ok = case("r52p-50")
    assert run(MFA, ok) == [] and run(JUDGEABLE, ok) == [] and run(TLS, ok) == []


def test_datasync_object_storage_and_hdfs_transport():
    wants = {
        "r52p-10": ("obj-location", "`serverProtocol` is 'HTTP'"),
        "r52p-11": ("hdfs-location", "`qopConfiguration.dataTransferProtection` is 'AUTHENTICATION'"),
        "r52p-12": ("hdfs-location", "`authenticationType` is 'SIMPLE'"),
    }
    for name, (where, want) in wants.items():
        assert want in _of(run(TLS, case(name)), where)[0], name


def test_netapp_snapshots_are_judged_through_their_volume():
    for name in ("r52p-51", "r52p-52"):
        ok = case(name)
        assert run(JUDGEABLE, ok) == [] and run(CMK, ok) == [], name
    assert "the snapshot's volume is not a CapacityPoolVolume of this stack" in (
        _of(run(CMK, case("r52p-13")), "anf-manual-snapshot")[0]
    )


def test_other_netapp_stores_say_how_to_be_judged():
    vault = _of(run(JUDGEABLE, case("r52p-14")), "anf-vault")
    assert len(vault) == 1 and "keep recovery points as snapshots (a SnapshotPolicy" in vault[0]
    cache = _of(run(JUDGEABLE, case("r52p-15")), "anf-cache")
    assert len(cache) == 1 and "serve the data from a CapacityPoolVolume of the stack" in cache[0]


def test_instance_connect_tunnels_reach_the_siem():
    for name in ("r52p-16", "r52p-17"):
        found = _of(run(SIEM, case(name)), "eice")
        assert len(found) == 1 and "recorded only as CloudTrail `OpenTunnel` events" in found[0], name
    assert _of(run(SIEM, case("r52p-53")), "eice") == []
