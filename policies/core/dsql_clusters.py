"""Aurora DSQL (round 59). The facts are the installed SDK's (`pulumi_aws.dsql`) and the Aurora DSQL user
guide's: a cluster's `kmsEncryptionKey` is "the ARN of the AWS KMS key that encrypts data in the DSQL Cluster,
or AWS_OWNED_KMS_KEY"; its endpoint (`<id>.dsql.<region>.on.aws`) takes the PostgreSQL protocol with TLS only
("connections without SSL are rejected") and short-lived IAM authentication tokens only (dsql:DbConnect,
dsql:DbConnectAdmin; no password exists); `multiRegionProperties.clusters` peers it with clusters of other
regions, each a full copy under its own key. So the cluster is judged on its key and on peering only clusters
of the stack (their keys judged there); who connects is IAM's, and its cluster policy is judged as a resource
policy (no Allow to anyone or another account)."""

from __future__ import annotations

from policies.core.pia_more_stores import KeyJudge, KeyOf
from policies.core.view import ResourceView, StackGraph, is_unknown, unknown_message

CLUSTER = "aws:dsql/cluster:Cluster"
POLICY = "aws:dsql/clusterPolicy:ClusterPolicy"
_KEY = "kmsEncryptionKey"
_PEERS = "multiRegionProperties.clusters"


def _peers(r: ResourceView, graph: StackGraph) -> list[str]:
    """Each peered cluster is fed from a cluster of the stack (a literal ARN may be another party's copy)."""
    peers = r.get(_PEERS)
    if peers is None:
        return []
    fed = any(d.type == CLUSTER for d in graph.dependency_of(r, "multiRegionProperties"))
    if is_unknown(peers):
        return [] if fed else [unknown_message(_PEERS, "which clusters hold copies of the data")]
    items = peers if isinstance(peers, list) else [peers]
    unjudged = [p for p in items if not (fed and is_unknown(p))]
    if not unjudged:
        return []
    return [
        f"`{_PEERS}` peers the cluster with {len(unjudged)} cluster(s) not fed from a cluster of this stack: "
        "each peer holds a copy of the data under its own key, which cannot be judged; declare the peers in "
        "this stack and pass their ARNs"
    ]


def cluster_keys(key_of: KeyOf) -> KeyJudge:
    """require-customer-managed-keys: the cluster's own key, and its peers' being the stack's."""

    def judge(r: ResourceView, graph: StackGraph, known: set[str]) -> list[str]:
        key = r.get(_KEY)
        if key is None or key == "AWS_OWNED_KMS_KEY":
            shown = "not set" if key is None else "'AWS_OWNED_KMS_KEY'"
            out = [f"`{_KEY}` is {shown}: the cluster's data is under an AWS-owned key; name the stack's key"]
        else:
            out = key_of(_KEY, key, known)
        return out + _peers(r, graph)

    return judge


NOT_APPLICABLE = {
    CLUSTER: "reached only with IAM authentication tokens (dsql:DbConnect, dsql:DbConnectAdmin; no password "
    "exists), so who connects is decided by IAM; its cluster policy is judged as a resource policy"
}
TLS_ELSEWHERE = {CLUSTER: "its endpoint accepts TLS connections only (connections without SSL are rejected)"}
RESOURCE_POLICIES = {POLICY: "policy"}
