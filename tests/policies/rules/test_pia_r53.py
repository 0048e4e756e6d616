"""Round-53 classes (docs/pia-conditions.md, round 53): the SMB version of DataSync SMB and FSx for ONTAP
locations (only SMB 3 encrypts) and the scheme of a DataSync Azure Blob container URL; the blind probe's
Transfer Family web apps and AppStream fleets kept off the internet, and the front ends still refused by the
closed world saying how to make them judgeable. Each test fails on the code before the round. (The WorkSpace
of r53p-22 is judged since round 55: tests/policies/rules/test_pia_r55.py.)"""

from __future__ import annotations

from ruletest import case, run
from ruletest import messages_of as _of

TLS = "require-tls-1-2"
PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"


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


def test_transfer_web_apps_and_appstream_fleets_keep_off_the_internet():
    assert "`endpointDetails.vpc` is not set" in _of(run(PUBLIC, case("r53p-20")), "files-app")[0]
    assert "`enableDefaultInternetAccess` is true" in _of(run(PUBLIC, case("r53p-21")), "fleet")[0]
    ok = case("r53p-61")
    assert run(PUBLIC, ok) == [] and run(JUDGEABLE, ok) == []


def test_unread_front_ends_say_how_to_make_them_judgeable():
    wants = {
        "r53p-24": ("bi-source", "QuickSight's data sources (SSL, credentials, VPC connection)"),
        "r53p-25": ("portal", "reach internal web apps through Verified Access"),
    }
    for name, (where, want) in wants.items():
        found = _of(run(JUDGEABLE, case(name)), where)
        assert len(found) == 1 and want in found[0], name
