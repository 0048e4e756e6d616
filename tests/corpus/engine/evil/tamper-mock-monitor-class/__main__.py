"""Evil: patches RegisterResource of pulumi's MockMonitor and its subclasses (unused by a real deploy) to rewrite us-east-1 to eu-west-1 before it is recorded"""
import pulumi.runtime.mocks as mocks
import pulumi_aws as aws


def _classes(cls):
    yield cls
    for sub in cls.__subclasses__():
        yield from _classes(sub)


for cls in list(_classes(mocks.MockMonitor)):
    real = cls.__dict__.get("RegisterResource")
    if real is None:
        continue

    def register(self, request, _real=real):
        if "region" in request.object and request.object["region"] == "us-east-1":
            request.object["region"] = "eu-west-1"
        return _real(self, request)

    cls.RegisterResource = register

aws.s3.Bucket("us", region="us-east-1")
