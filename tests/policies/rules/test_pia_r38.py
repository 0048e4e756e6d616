"""Round-38 blind probe class (docs/pia-conditions.md, round 38): bare KMS key ids in the workload settings
the key rule did not read (ECS task definitions, Batch jobs, Kubernetes workloads). One failing mutation per
message, exact text."""

import json

from ruletest import case, patch, run, undeclared_key
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"
RULES = (CMK, "require-audit-log-retention", "require-siem-logging", "require-admin-mfa")


def test_compliant_programs_pass():
    for n in range(51, 61):
        for rule in RULES:
            assert run(rule, case(f"r38p-{n}")) == [], (n, rule)


def test_key_ids_in_task_job_and_pod_settings():
    assert _of(run(CMK, case("r38p-01")), "export-task") == undeclared_key(
        "containerDefinitions[0].environment[1].EXPORT_KMS_KEY_ID", "5d2f8e1a-6b3c-4a9d-8e7f-1c2b3a4d5e6f"
    )
    assert _of(run(CMK, case("r38p-03")), "archive-job") == undeclared_key(
        "containerProperties.environment[1].ARCHIVE_KEY_ID", "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"
    )
    assert _of(run(CMK, case("r38p-02")), "uploads") == undeclared_key(
        "spec.template.spec.containers[0].env[1].SSE_KMS_KEY_ID", "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
    )


def test_what_names_no_key_of_another_party():
    # outside AWS only a name with `kms` names a KMS key (a known limit: DATA_KEY_ID on EKS passes)
    pod = case("r38p-02")
    env = pod[-1]["inputs"]["spec"]["template"]["spec"]["containers"][0]["env"]
    env[1]["name"] = "DATA_KEY_ID"
    assert _of(run(CMK, pod), "uploads") == []
    # a settings field computed from a key of the stack holds that key's id
    fed = case("r38p-01")
    fed[-1]["refs"] = {"containerDefinitions": "key"}
    assert _of(run(CMK, fed), "export-task") == []
    # the stack key's id as its recorded state shows it
    mine = patch(case("r38p-01"), "key", keyId="5d2f8e1a-6b3c-4a9d-8e7f-1c2b3a4d5e6f")
    assert _of(run(CMK, mine), "export-task") == []
    # a plain id-shaped value under a name that names no key
    defs = json.loads(case("r38p-01")[-1]["inputs"]["containerDefinitions"])
    defs[0]["environment"][1]["name"] = "EXPORT_RUN_ID"
    plain = patch(case("r38p-01"), "export-task", containerDefinitions=json.dumps(defs))
    assert _of(run(CMK, plain), "export-task") == []
