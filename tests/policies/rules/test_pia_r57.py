"""Round-57 classes (docs/pia-conditions.md, round 57): round 56's leads. A MemoryDB snapshot and a Security
Lake data lake are judged as stores with their own customer-managed-key check; before the round both were
refused only by the closed world (require-judgeable-data-types), so a snapshot without a key or a lake under
S3-managed keys passed require-customer-managed-keys, and compliant ones were blocked. Each test of a fix
fails on the code before the round."""

from __future__ import annotations

import copy

from ruletest import case, only, run

CMK = "require-customer-managed-keys"
JUDGEABLE = "require-judgeable-data-types"
PUBLIC = "disallow-public-data-access"
TLS = "require-tls-1-2"


def _lake_keys(resources: list[dict], configs: list | None) -> list[dict]:
    """A copy with the lake's `configuration.encryptionConfigurations` set to `configs` (None removes it)."""
    out = copy.deepcopy(resources)
    for r in out:
        if r["name"] == "lake":
            r["inputs"]["configuration"].pop("encryptionConfigurations")
            if configs is not None:
                r["inputs"]["configuration"]["encryptionConfigurations"] = configs
    return out


def test_a_memorydb_snapshot_is_under_its_own_customer_managed_key():
    only(run(CMK, case("r56p-22")), "sessions-snap", "`kmsKeyArn` is not set")
    only(run(CMK, case("r57p-01")), "sessions-snap", "is the AWS-managed key")
    for rule in (CMK, JUDGEABLE, PUBLIC, TLS):
        assert run(rule, case("r57p-50")) == [], rule


def test_a_security_lake_is_under_a_customer_managed_key_of_the_stack():
    only(run(CMK, case("r56p-24")), "lake", "is 'S3_MANAGED_KEY'")
    only(run(CMK, case("r57p-02")), "lake", "belongs to account 444455556666")
    only(run(CMK, _lake_keys(case("r57p-51"), None)), "lake", "no `configuration.encryptionConfigurations`")
    managed = _lake_keys(case("r57p-51"), [{"kmsKeyId": "alias/aws/securitylake"}])
    assert any("AWS-managed key" in m for _, m in run(CMK, managed))
    for rule in (CMK, JUDGEABLE, PUBLIC, TLS):
        assert run(rule, case("r57p-51")) == [], rule
