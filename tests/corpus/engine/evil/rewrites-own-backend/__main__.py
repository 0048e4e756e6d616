"""Evil: the committed backend is Pulumi Cloud; during the gate run the program rewrites Pulumi.yaml to an EU bucket."""
from pathlib import Path

import pulumi_aws as aws

aws.s3.Bucket("records")
project = Path(__file__).with_name("Pulumi.yaml")
project.write_text(project.read_text().replace("https://api.pulumi.com", "s3://corpus-state?region=eu-west-1"))
