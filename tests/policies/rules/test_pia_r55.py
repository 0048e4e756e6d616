"""Round-55 classes (docs/pia-conditions.md, round 55): a WorkSpace is judged on both volumes under a key
of the stack and on a WorkSpaces directory the stack registers; the directory on IP groups of the stack and
no internet access; each IP group on its rules (a private range or one the endpoints record lists). The blind
probe's Azure Load Testing resource is judged as a store (its key). Each test fails on the code before the
round (the closed world refused all of them)."""

from __future__ import annotations

from ruletest import case, only, patch, res, run

CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
JUDGEABLE = "require-judgeable-data-types"
DELETION = "require-deletion-protection"


def test_a_workspace_encrypts_both_volumes_under_a_key():
    only(run(CMK, case("r55p-01")), "desk", "`rootVolumeEncryptionEnabled` is False")
    only(run(CMK, case("r53p-22")), "desk", "`userVolumeEncryptionEnabled` is False")
    only(run(CMK, case("r55p-02")), "desk", "`volumeEncryptionKey` is not set")
    unset = patch(case("r53p-60"), "desk", rootVolumeEncryptionEnabled=None)
    only(run(CMK, unset), "desk", "`rootVolumeEncryptionEnabled` is not set (unencrypted)")


def test_a_workspace_streams_from_a_directory_of_the_stack():
    only(run(PUBLIC, case("r55p-03")), "desk", "`directoryId` 'd-0123456789' is not a WorkSpaces directory")
    # the same literal id as a directory of the stack is that directory (r55p-50); so is one fed from the
    # same Directory Service directory
    ad = res("ad", "aws:directoryservice/directory:Directory", {"name": "corp.example"})
    fed = [
        {**r, "refs": {**r.get("refs", {}), "directoryId": "ad"}} if r["name"] in ("desk", "wsdir") else r
        for r in patch(case("r53p-60"), "desk", directoryId="d-9999999999")
    ]
    assert run(PUBLIC, [*fed, ad]) == []


def test_a_directory_admits_only_ip_groups_of_the_stack_and_no_internet():
    only(run(PUBLIC, case("r54p-02")), "wsdir", "`ipGroupIds` is not set")
    only(run(PUBLIC, case("r55p-04")), "wsdir", "names an IP access control group no IP group of this stack")
    only(run(PUBLIC, case("r54p-03")), "wsdir", "`workspaceCreationProperties.enableInternetAccess` is true")


def test_an_ip_group_admits_private_or_listed_ranges_only():
    only(run(PUBLIC, case("r54p-01")), "wsips", "`rules[0].source` '0.0.0.0/0' is neither a private range")
    only(run(PUBLIC, case("r55p-05")), "wsips", "`rules[1].source` '81.82.0.0/16' is neither a private range")
    wider = patch(case("r55p-50"), "wsips", rules=[{"source": "81.82.83.0/24"}])  # wider than the listed /28
    only(run(PUBLIC, wider), "wsips", "'81.82.83.0/24' is neither a private range")


def test_compliant_workspaces_pass_and_pools_stay_refused():
    for name in ("r53p-60", "r54p-60", "r55p-50"):
        for rule in (CMK, PUBLIC, JUDGEABLE, DELETION):
            assert run(rule, case(name)) == [], (name, rule)
    pool = res("pool", "aws:workspaces/pool:Pool", {"bundleId": "wsb-0123456789", "directoryId": "wsd-1"})
    only(run(JUDGEABLE, [*case("r53p-60"), pool]), "pool", "give each user a WorkSpace of the stack")


def test_a_load_test_is_a_judged_store_under_a_key_of_the_stack():
    only(run(CMK, case("r55p-20")), "loadtest", "`encryption.keyUrl` is not set")
    ok = case("r55p-60")
    for rule in (CMK, PUBLIC, JUDGEABLE, DELETION, "require-siem-logging"):
        assert run(rule, ok) == [], rule
    other = patch(ok, "loadtest", encryption={"keyUrl": "https://kv-elsewhere.vault.azure.net/keys/cmk"})
    only(run(CMK, other), "loadtest", "a vault the stack does not declare")
