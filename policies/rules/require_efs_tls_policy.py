"""An EFS file system's TLS is each client's mount option (DPA annex 3 a.ii, b.v): only a file system policy
that denies mounts without TLS makes it the file system's. Judged over the graph, because a resource policy
sees no other resource (round 16: a file system without any policy let instances mount in plain NFS)."""

from __future__ import annotations

from policies.core.helpers import linked
from policies.core.rule import Rule, RuleContext
from policies.core.view import StackGraph

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"


def check(graph: StackGraph, ctx: RuleContext) -> list[tuple[str, str]]:
    return [
        (
            fs.urn,
            "no file system policy of this stack covers the file system, so clients may mount it without "
            "TLS; declare one that denies mounts without aws:SecureTransport (require-tls-1-2 judges it)",
        )
        for fs in graph.by_type(FILE_SYSTEM)
        if not linked(graph, fs, (POLICY,), "fileSystemId")
    ]


RULE = Rule(
    id="require-efs-tls-policy",
    title="Every EFS file system has a file system policy, so that mounting it without TLS can be denied.",
    severity="high",
    remediation="Declare an aws.efs.FileSystemPolicy for the file system, fed its id, with a Deny of "
    'elasticfilesystem:* to Principal "*" under {"Bool": {"aws:SecureTransport": "false"}}.',
    controls=("ENC-05",),
    check=check,
    module=__name__,
    scope="stack",
)
