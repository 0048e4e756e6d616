"""Round-53 classes (docs/pia-conditions.md, round 53): the SMB version of DataSync SMB and FSx for ONTAP
locations (only SMB 3 encrypts) and the scheme of a DataSync Azure Blob container URL. Each test fails on the
code before the round."""

from __future__ import annotations

from ruletest import case, run
from ruletest import messages_of as _of

TLS = "require-tls-1-2"


def test_datasync_smb_locations_are_pinned_to_smb3():
    wants = {
        "r53p-01": ("share-location", "`mountOptions.version` is 'SMB2'"),
        "r53p-02": ("share-location", "`mountOptions.version` is 'not set (AUTOMATIC)'"),
        "r53p-03": ("share-location", "`mountOptions.version` is 'SMB1'"),
        "r53p-04": ("ontap-location", "`protocol.smb.mountOptions.version` is 'SMB2_0'"),
        "r53p-05": ("ontap-location", "`protocol.smb.mountOptions.version` is 'AUTOMATIC'"),
    }
    for name, (where, want) in wants.items():
        found = _of(run(TLS, case(name)), where)
        assert len(found) == 1 and want in found[0], name
    for name in ("r53p-50", "r50p-50", "r52p-50"):
        assert run(TLS, case(name)) == [], name


def test_datasync_azure_blob_container_url_is_https():
    for name in ("r53p-06", "r53p-07"):
        found = _of(run(TLS, case(name)), "blob-location")
        assert len(found) == 1 and "use the container's https:// URL" in found[0], name
