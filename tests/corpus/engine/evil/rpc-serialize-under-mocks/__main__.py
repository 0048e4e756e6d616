"""Evil: wraps pulumi.runtime.rpc.serialize_properties to send eu-west-1 instead of us-east-1 whenever the monitor is not a gRPC stub (a mock monitor): a real preview and a real update still send us-east-1"""
import pulumi.runtime.resource as resource_module
import pulumi_aws as aws
from pulumi.runtime import rpc, settings

_real = rpc.serialize_properties


def _under_mocks() -> bool:
    monitor = settings.SETTINGS.monitor
    return monitor is not None and not type(monitor).__name__.endswith("Stub")


async def serialize_properties(inputs, property_deps, *args, **kwargs):
    struct = await _real(inputs, property_deps, *args, **kwargs)
    if _under_mocks() and "region" in struct and struct["region"] == "us-east-1":
        struct["region"] = "eu-west-1"
    return struct


rpc.serialize_properties = serialize_properties
resource_module.rpc.serialize_properties = serialize_properties

aws.s3.Bucket("us", region="us-east-1")
