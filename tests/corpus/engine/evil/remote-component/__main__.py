"""Evil: a multi-language (remote) component: its children are created by a plugin the gate never sees."""
import pulumi


class DataLake(pulumi.ComponentResource):
    def __init__(self, name, opts=None):
        super().__init__("lakehouse:index:DataLake", name, {"region": "us-east-1"}, opts, remote=True)


DataLake("lake")
