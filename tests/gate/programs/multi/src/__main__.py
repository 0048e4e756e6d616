"""Fixture program: `fixture:kind` selects what the stack creates."""

import json

import pulumi
import pulumi_aws as aws
import pulumi_random as random

# A secret the tests look for: it must never appear in a written file or on stdout.
PLAINTEXT_SECRET = "fixture-plaintext-secret-3141"


class Network(pulumi.ComponentResource):
    """A tiny component, to record parent/child URNs."""

    def __init__(self, name: str, cidr: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fixture:net:Network", name, None, opts)
        self.vpc = aws.ec2.Vpc(f"{name}-vpc", cidr_block=cidr, opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({"vpcId": self.vpc.id})


def base(cfg: pulumi.Config) -> None:
    tags = cfg.require_object("tags")
    key = aws.kms.Key("key", description="fixture", enable_key_rotation=True, tags=tags,
                      opts=pulumi.ResourceOptions(protect=True))
    bucket = aws.s3.Bucket("bucket", tags=tags)
    document = pulumi.Output.all(bucket.arn, key.arn).apply(
        lambda a: json.dumps({"Statement": [{"Effect": "Deny", "Resource": a[0], "Condition": {"k": a[1]}}]}))
    aws.s3.BucketPolicy("bucket-policy", bucket=bucket.id, policy=document)
    use1 = aws.Provider("use1", region="us-east-1")
    aws.sns.Topic("topic-us", opts=pulumi.ResourceOptions(provider=use1))
    fra = aws.Provider("fra", region="eu-central-1")
    aws.s3.Bucket("bucket-fra", opts=pulumi.ResourceOptions(provider=fra))
    aws.ssm.Parameter("db-password", type="SecureString", value=cfg.require_secret("dbPassword"))
    psk = random.RandomPassword("psk", length=32, special=False)
    aws.ssm.Parameter("psk", type="SecureString", value=psk.result)
    net = Network("net", "10.10.0.0/16")
    pulumi.export("vpcId", net.vpc.id)
    pulumi.export("bucketArn", bucket.arn)
    pulumi.export("dbPassword", cfg.require_secret("dbPassword"))
    pulumi.export("pskValue", psk.result)
    token = pulumi.Output.secret(PLAINTEXT_SECRET)
    aws.ssm.Parameter("token", type="SecureString", value=token)
    pulumi.export("token", token)


def consumer(cfg: pulumi.Config) -> None:
    ref = pulumi.StackReference(cfg.require("baseStack"))
    missing = pulumi.StackReference("organization/fixture/does-not-exist")
    aws.ec2.Subnet("subnet", vpc_id=ref.get_output("vpcId"), cidr_block="10.10.1.0/24")
    aws.ec2.Subnet("subnet-missing", vpc_id=missing.get_output("vpcId"), cidr_block="10.10.2.0/24")
    # known only once base is deployed: its update reads base's update graph (sharded runs pass it on)
    aws.ssm.Parameter("psk-copy", type="SecureString", value=ref.require_output("pskValue"))
    pulumi.export("fromBase", ref.get_output("vpcId"))
    pulumi.export("fromMissing", missing.get_output("vpcId"))


def hidden(cfg: pulumi.Config) -> None:
    ref = pulumi.StackReference("base")
    aws.ec2.Subnet("subnet", vpc_id=ref.get_output("vpcId"), cidr_block="10.10.3.0/24")


def azure(cfg: pulumi.Config) -> None:
    import pulumi_azure_native as azure_native

    rg = azure_native.resources.ResourceGroup("rg", resource_group_name="rg-fixture")
    azure_native.network.VirtualNetwork(
        "vnet", resource_group_name=rg.name, location="westeurope",
        address_space={"address_prefixes": ["10.20.0.0/16"]})
    sweden = azure_native.Provider("sweden", location="swedencentral")
    azure_native.storage.StorageAccount(
        "sa", resource_group_name=rg.name, kind="StorageV2", sku={"name": "Standard_LRS"},
        opts=pulumi.ResourceOptions(provider=sweden))
    pulumi.export("rgId", rg.id)


config = pulumi.Config()
{"base": base, "consumer": consumer, "hidden": hidden, "azure": azure}[config.require("kind")](config)
