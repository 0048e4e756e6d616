"""The EU state bucket and the secrets key every dosis-eloket stack uses (Pulumi.yaml `backend.url`, the stack
files' `secretsprovider`): the state holds every input, output and config value, so it is data like any other
(DPA art. 12). Point Pulumi.yaml backend.url at the `stateBucket` output after the first `pulumi up`."""

import sys
from pathlib import Path

import pulumi

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: components, policies

from components.aws.bucket import SecureBucket, SecureBucketArgs
from components.aws.keys import CustomerKey, CustomerKeyArgs

TAGS = {
    "system": "e-loket",
    "controller": "VLAIO",
    "classification": "vertrouwelijk",
    "pia-reference": "PIA-ELOKET-AWS",
    "dosis-data": "none",
}

config = pulumi.Config()
key = CustomerKey(
    "state", CustomerKeyArgs(purpose="state", tags=TAGS, admin_arns=config.require_object("keyAdminArns"))
)
logs = SecureBucket("state-access-logs", SecureBucketArgs(tags=TAGS, log_delivery_target=True))
bucket = SecureBucket(
    "state",
    SecureBucketArgs(tags=TAGS, kms_key_arn=key.arn, access_log_bucket=logs.name, access_log_prefix="state/"),
)
pulumi.export("stateBucket", bucket.name)
pulumi.export("secretsKeyArn", key.arn)
