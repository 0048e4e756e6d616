"""Round-40 blind probe classes (docs/pia-conditions.md, round 40): log groups CodeBuild, App Runner,
SageMaker endpoints and Step Functions create or write to, VPC Lattice auth policies, KMS grants to other
accounts, customer-managed policies referenced by name and path, the DLM service-role policy and Search
Index Data Contributor known. One failing mutation per message, exact text."""

from ruletest import case, patch, run
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
PUBLIC = "disallow-public-data-access"
SOD = "require-separation-of-duties"
JUDGEABLE = "require-judgeable-data-types"
RULES = (CMK, PUBLIC, SOD, JUDGEABLE, "require-tls-1-2", "require-admin-mfa", "require-siem-logging")
CREATED = "the service creates it with no customer-managed key and no retention the stack sets"
HOW = "declare it (aws.cloudwatch.LogGroup with kmsKeyId)"
OTHER = (
    "account 999988887777, which the stack's PIA record does not name (`aws_accounts`): another party's "
    "people reach the data unjudged (no MFA, duties or exposure checks); grant only the stack's accounts, or "
    "name the account in the record (who holds it, why)"
)


def test_compliant_programs_pass():
    for n in (51, 52, 53, 54, 56, 57):
        for rule in RULES:
            assert run(rule, case(f"r40p-{n}")) == [], (n, rule)


def test_codebuild_build_logs_and_key():
    assert _of(run(CMK, case("r40p-01")), "migrate") == [
        "every build writes to '/aws/codebuild/dossier-migrate', which the stack does not declare: "
        f"{CREATED}; {HOW} and name it in `logsConfig.cloudwatchLogs.groupName`, or set its status DISABLED"
    ]
    named = patch(
        case("r40p-51"), "migrate", logsConfig={"cloudwatchLogs": {"status": "ENABLED", "groupName": "/ci/x"}}
    )
    named = [{**r, "refs": {"encryptionKey": "key"}} if r["name"] == "migrate" else r for r in named]
    assert _of(run(CMK, named), "migrate") == [
        f"every build writes to '/ci/x', which the stack does not declare: {CREATED}; {HOW} and name it in "
        "`logsConfig.cloudwatchLogs.groupName`, or set its status DISABLED"
    ]
    off = patch(case("r40p-01"), "migrate", logsConfig={"cloudwatchLogs": {"status": "DISABLED"}})
    assert _of(run(CMK, off), "migrate") == []
    keyless = patch(case("r40p-51"), "migrate", encryptionKey=None)
    assert _of(run(CMK, keyless), "migrate") == [
        "`encryptionKey` is not set: the data would be encrypted with a provider-managed key"
    ]
    assert _of(run(JUDGEABLE, case("r40p-51")), "migrate") == []


# App Runner's groups: round 41 (tests/policies/rules/test_pia_r41.py), adopted rather than declared


def test_sagemaker_endpoint_log_group():
    assert _of(run(CMK, case("r40p-04")), "endpoint") == [
        "the endpoint writes to '/aws/sagemaker/Endpoints/dossier-classifier', which the stack does not "
        f"declare: {CREATED}; {HOW} before the endpoint"
    ]


def test_state_machine_log_destination():
    assert _of(run(CMK, case("r40p-03")), "flow") == [
        "the state machine's execution logging writes to '/aws/vendedlogs/states/dossier-review-Logs', "
        "which the stack does not declare: a group outside it, whose key and retention are not judged here "
        f"(if none exists, the task fails); {HOW} and name its ARN in `loggingConfiguration.logDestination`"
    ]
    off = patch(case("r40p-03"), "flow", loggingConfiguration={"level": "OFF"})
    assert _of(run(CMK, off), "flow") == []


def test_lattice_auth_policies():
    assert _of(run(PUBLIC, case("r40p-05")), "lattice-auth") == [
        "`policy` statement 0 allows anyone (Principal '*') without a condition pinning the caller's "
        "account, organisation or source"
    ]
    other = patch(
        case("r40p-56"),
        "lattice-svc-auth",
        policy='{"Version":"2012-10-17","Statement":[{"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":'
        '"arn:aws:iam::999988887777:root"},"Action":"vpc-lattice-svcs:Invoke","Resource":"*"}]}',
    )
    assert _of(run(PUBLIC, other), "lattice-svc-auth") == [
        f"`policy` statement Vendor allows principals of {OTHER}"
    ]


def test_kms_grant_to_another_account():
    assert _of(run(PUBLIC, case("r40p-07")), "vendor-grant") == [
        f"`granteePrincipal` lets the {OTHER} use the key (and decrypt every store under it)"
    ]
    own = patch(case("r40p-07"), "vendor-grant", granteePrincipal="arn:aws:iam::111122223333:role/app")
    assert _of(run(PUBLIC, own), "vendor-grant") == []


def test_customer_managed_policy_reference_matches_name_and_path():
    found = _of(run(SOD, case("r40p-11")), "keys-set")
    assert (
        "customer-managed policy 'dba' is not in this stack at path '/ops/' (a policy of the stack must "
        "match both name and path), so its functions cannot be judged"
    ) in found
    same_path = [
        {**r, "inputs": {**r["inputs"], "customerManagedPolicyReference": {"name": "dba"}}}
        if r["name"] == "keys-set-dba"
        else r
        for r in case("r40p-11")
    ]
    assert _of(run(SOD, same_path), "keys-set") == []


def test_known_service_role_policy_and_search_contributor():
    dlm = case("r40p-53")
    assert run(SOD, dlm) == []
    unknown = patch(dlm, "dlm-role-policy", policyArn="arn:aws:iam::aws:policy/service-role/AWSBackupFoo")
    assert _of(run(SOD, unknown), "dlm-role") == [
        "AWS-managed policy AWSBackupFoo is not known to the gate, so the functions it grants cannot be "
        "judged (use a policy of this stack)"
    ]
    assert run(SOD, case("r40p-54")) == []
