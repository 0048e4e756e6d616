"""Evil: the program opens the repository's endpoints record relative to a descriptor of stacks/records (os.open dir_fd) for writing while it is recorded (it appends nothing here)"""
import os
from pathlib import Path

import pulumi_aws as aws

aws.sns.Topic("alerts")
for parent in Path(__file__).resolve().parents:
    records = parent / "stacks" / "records"
    if (records / "endpoints.yaml").is_file():
        folder = os.open(records, os.O_RDONLY)
        try:
            os.close(os.open("endpoints.yaml", os.O_WRONLY | os.O_APPEND, dir_fd=folder))
        except OSError:
            pass
        break
