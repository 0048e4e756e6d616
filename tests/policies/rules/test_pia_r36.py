"""Round-36 blind probe classes (docs/pia-conditions.md, round 36): credentials in clear in AWS Batch job
definitions (all four container shapes) and Elastic Beanstalk option settings; the round's compliant
workload settings (public keys, key ids, digests, Key Vault references, an Application Insights connection
string, Data Factory passwords from Key Vault). One failing mutation per message, exact text."""

import json

from ruletest import case, patch, run
from ruletest import messages_of as _of
from ruletest import settings_message as _settings

MFA, CMK = "require-admin-mfa", "require-customer-managed-keys"
_BATCH = "batch:DescribeJobDefinitions"
_NAMED = "its name says it is a password, key or token"


def test_compliant_programs_pass():
    for n in range(51, 60):
        stem = f"r36p-{n}"
        assert run(MFA, case(stem)) == [], stem
        assert run(CMK, case(stem)) == [], stem


def test_batch_container_properties_and_node_ranges():
    assert _of(run(MFA, case("r36p-02")), "job") == _settings(
        f"`containerProperties.environment[1]` (MAGDA_API_KEY: {_NAMED})", _BATCH
    )
    ok = case("r36p-59")
    assert _of(run(MFA, ok), "job") == []
    container = json.loads(next(r for r in ok if r["name"] == "job")["inputs"]["containerProperties"])
    container["environment"].append({"name": "SMTP_PASSWORD", "value": "x"})
    nodes = json.dumps({"nodeRangeProperties": [{"targetNodes": "0:", "container": container}]})
    mutated = patch(ok, "job", containerProperties=None, type="multinode", nodeProperties=nodes)
    assert _of(run(MFA, mutated), "job") == _settings(
        f"`nodeProperties.nodeRangeProperties[0].container.environment[3]` (SMTP_PASSWORD: {_NAMED})", _BATCH
    )


def test_batch_ecs_and_eks_properties():
    assert _of(run(MFA, case("r36p-04")), "job") == _settings(
        f"`ecsProperties.taskProperties[0].containers[0].environment[1]` (SMTP_PASSWORD: {_NAMED})", _BATCH
    )
    assert _of(run(MFA, case("r36p-05")), "job") == _settings(
        "`eksProperties.podProperties.containers[0].envs[1]` (ARCHIVE_PASS: a secret value written in "
        "clear), a value computed from archive-pass, a random credential of the program",
        _BATCH,
    )
    plain = [r for r in case("r36p-05") if r["name"] != "archive-pass"]
    for r in plain:
        r.get("refs", {}).pop("eksProperties", None)
    job = next(r for r in plain if r["name"] == "job")
    job["inputs"]["eksProperties"]["podProperties"]["containers"][0]["envs"].pop()
    assert _of(run(MFA, plain), "job") == []


def test_beanstalk_option_settings():
    reads = "elasticbeanstalk:DescribeConfigurationSettings"
    assert _of(run(MFA, case("r36p-01")), "eb-env") == _settings(
        f"`settings[2]` (DB_PASSWORD: {_NAMED})", reads
    )
    assert _of(run(MFA, case("r36p-03")), "eb-template") == _settings(
        f"`settings[2]` (DBPassword: {_NAMED})", reads
    )
    template = next(r for r in case("r36p-03") if r["name"] == "eb-template")
    settings = [
        *template["inputs"]["settings"][:2],
        {
            "namespace": "aws:elasticbeanstalk:application:environmentsecrets",
            "name": "DB_PASSWORD",
            "value": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:portal-db-AbCdEf",
        },
    ]
    assert _of(run(MFA, patch(case("r36p-03"), "eb-template", settings=settings)), "eb-template") == []


def test_undeclared_kms_alias_in_an_environment_is_a_key_the_stack_cannot_judge():
    """r36p-51 as first written: the alias is read as the key the function encrypts with (round 11)."""
    undeclared = [r for r in case("r36p-51") if r["name"] != "tokens-alias"]
    assert _of(run(CMK, undeclared), "fn") == [
        "`environment.variables.KMS_KEY_ALIAS` names the KMS alias 'alias/eloket-tokens', which the stack "
        "does not declare: it can point at any key, so rotation and administrators cannot be judged; name "
        "the key, or declare the alias (kms.Alias) in the stack"
    ]
