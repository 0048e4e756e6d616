"""What the CMK mutants of the compliant PIA cases found: a key field of any AWS type set to an AWS-managed
key blocks, not only those of the data stores with a per-type check (policies/core/managed_keys.py)."""

from ruletest import KEY, case, patch, run
from ruletest import messages_of as _of

CMK = "require-customer-managed-keys"


def _managed(path: str, key: str) -> list[str]:
    return [f"`{path}` is the AWS-managed key {key!r}; use a customer-managed key"]


def test_a_trail_on_an_aws_managed_key_blocks():
    trail = case("r8p-32")
    assert _of(run(CMK, trail), "trail") == []
    for key in ("alias/aws/s3", "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"):
        assert _of(run(CMK, patch(trail, "trail", kmsKeyId=key)), "trail") == _managed("kmsKeyId", key)


def test_a_nested_key_field_and_one_message_per_field():
    exec_cfg = case("r29p-53")
    cluster = next(r for r in exec_cfg if r["type"] == "aws:ecs/cluster:Cluster")
    config = cluster["inputs"]["configuration"]
    managed = {**config, "executeCommandConfiguration": {
        **config["executeCommandConfiguration"], "kmsKeyId": "alias/aws/ecs"}}
    found = _of(run(CMK, patch(exec_cfg, cluster["name"], configuration=managed)), cluster["name"])
    assert found == _managed("configuration.executeCommandConfiguration.kmsKeyId", "alias/aws/ecs")
    own = {**config, "executeCommandConfiguration": {
        **config["executeCommandConfiguration"], "kmsKeyId": KEY}}
    assert _of(run(CMK, patch(exec_cfg, cluster["name"], configuration=own)), cluster["name"]) == []
