"""Round-39 blind probe classes (docs/pia-conditions.md, round 39): copies whose key is a setting of their own
(DLM cross-region copies, EFS replication, zero-ETL integrations), shares and grants to other accounts (DLM
share rules, Lake Formation), VPC Lattice listeners, target groups and services. One failing mutation per
message, exact text."""

import copy

from ruletest import KEY, case, patch, run
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
TLS = "require-tls-1-2"
JUDGEABLE = "require-judgeable-data-types"
RULES = (CMK, PUBLIC, TLS, JUDGEABLE, "require-separation-of-duties", "require-admin-mfa")
NOT_SET = "`{}` is not set: the data would be encrypted with a provider-managed key"
OTHER = (
    "lets the account 999988887777, which the stack's PIA record does not name (`aws_accounts`): another "
    "party's people reach the data unjudged (no MFA, duties or exposure checks); grant only the stack's "
    "accounts, or name the account in the record (who holds it, why)"
)


def test_compliant_programs_pass():
    for n in range(51, 58):
        for rule in RULES:
            assert run(rule, case(f"r39p-{n}")) == [], (n, rule)


def _dlm(resources, **schedule):
    out = copy.deepcopy(resources)
    policy = next(r for r in out if r["name"] == "snapshots")
    policy["inputs"]["policyDetails"]["schedules"][0].update(schedule)
    return out


def test_dlm_copies_need_a_customer_managed_key():
    assert _of(run(CMK, case("r39p-05")), "snapshots") == [
        NOT_SET.format("policyDetails.schedules[0].crossRegionCopyRules[0].cmkArn")
    ]
    plain = _dlm(case("r39p-52"), crossRegionCopyRules=[{"target": "eu-central-1", "encrypted": False}])
    assert _of(run(CMK, plain), "snapshots") == [
        "`policyDetails.schedules[0].crossRegionCopyRules[0].encrypted` is False: the copies are encrypted "
        "only as their source is, never with a key the stack names; set it true with `cmkArn`"
    ]
    managed = _dlm(
        case("r39p-52"),
        crossRegionCopyRules=[{"target": "eu-central-1", "encrypted": True, "cmkArn": "alias/aws/ebs"}],
    )
    assert "`policyDetails.schedules[0].crossRegionCopyRules[0].cmkArn` is the AWS-managed key " in "".join(
        _of(run(CMK, managed), "snapshots")
    )
    event = patch(
        case("r39p-52"),
        "snapshots",
        policyDetails={
            "policyType": "EVENT_BASED_POLICY",
            "action": {"name": "copy-shared", "crossRegionCopies": [{"target": "eu-central-1"}]},
        },
    )
    assert _of(run(CMK, event), "snapshots") == [
        "`policyDetails.action.crossRegionCopies[0].encryptionConfiguration.encrypted` is None: the copies "
        "are encrypted only as their source is, never with a key the stack names; set it true with `cmkArn`"
    ]


def test_efs_replica_and_zero_etl_keys():
    assert _of(run(CMK, case("r39p-09")), "efs-replica") == [NOT_SET.format("destination.kmsKeyId")]
    assert _of(run(CMK, case("r39p-10")), "zero-etl") == [NOT_SET.format("kmsKeyId")]
    elsewhere = patch(case("r39p-09"), "efs-replica", destination={"fileSystemId": "fs-0feedbeef0000001"})
    assert _of(run(CMK, elsewhere), "efs-replica") == [
        "`destination.fileSystemId` names a file system this stack does not declare: its key cannot be "
        "judged; replicate into a file system of the stack, or let EFS create one under "
        "`destination.kmsKeyId`"
    ]
    fed = patch(case("r39p-55"), "zero-etl", kmsKeyId=KEY)
    assert _of(run(CMK, fed), "zero-etl") == []


def test_dlm_shares_and_lake_formation_grants_to_other_accounts():
    assert _of(run(PUBLIC, case("r39p-06")), "snapshots") == [
        f"`policyDetails.schedules[0].shareRule.targetAccounts` {OTHER} restore the snapshots"
    ]
    assert _of(run(PUBLIC, case("r39p-08")), "share-vendor") == [
        f"`principal` {OTHER} read what the grant gives"
    ]
    foreign_role = patch(case("r39p-57"), "grant-app", principal="arn:aws:iam::999988887777:role/bi")
    assert _of(run(PUBLIC, foreign_role), "grant-app") == [f"`principal` {OTHER} read what the grant gives"]
    org = "arn:aws:organizations::111122223333:organization/o-abcde12345"
    assert _of(run(PUBLIC, patch(case("r39p-57"), "grant-app", principal=org)), "grant-app") == [
        f"`principal` {org!r} is an organization or organizational unit: every account in it reads what the "
        "grant gives, unjudged; grant roles of the stack's accounts"
    ]


def test_vpc_lattice_tls_and_auth():
    assert _of(run(TLS, case("r39p-11")), "lattice-http") == ["`protocol` is 'HTTP'; expected 'HTTPS'"]
    assert _of(run(TLS, case("r39p-11")), "lattice-tg") == ["`config.protocol` is 'HTTP'; expected 'HTTPS'"]
    passthrough = patch(case("r39p-56"), "lattice-https", protocol="TLS_PASSTHROUGH")
    assert _of(run(TLS, passthrough), "lattice-https") == [
        "`protocol` is 'TLS_PASSTHROUGH': the target terminates TLS with versions the gate cannot read; use "
        "an HTTPS listener (Lattice terminates TLS 1.2 or newer)"
    ]
    lam = patch(case("r39p-11"), "lattice-tg", type="LAMBDA", config=None)
    assert _of(run(TLS, lam), "lattice-tg") == []
    open_svc = patch(case("r39p-56"), "lattice-svc", authType=None)
    assert _of(run(PUBLIC, open_svc), "lattice-svc") == [
        "`authType` is 'NONE (absent)': every client in a VPC of the service network calls the service "
        "without credentials; set AWS_IAM and an auth policy naming the callers"
    ]
