"""Red-team round 23 of the residency pack: the classes its fixes close, tested at their boundary (the corpus
cases are tests/corpus/residency/{evil,good}/r23-*.yaml)."""

from __future__ import annotations

from policy_testlib import ALLOWED, REPLICATION, RESOLVED, graph, messages, pinned_res

from policies.core.host_classes import aws_resource_host

OUTSIDE = ("which is neither a resource of this stack (matched by its recorded id, ARN or endpoint, never by "
           "name) nor a declared external endpoint (stacks/records/endpoints.yaml), so where it is cannot be "
           "judged")
ALB = "internal-partner-archive-1234567890.eu-west-1.elb.amazonaws.com"
NLB = "partner-nlb-0123456789abcdef.elb.eu-west-1.amazonaws.com"
MQ_ID = "b-4f5e6d7c-1a2b-3c4d-5e6f-7a8b9c0d1e2f"
MQ = f"{MQ_ID}-1.mq.eu-west-1.amazonaws.com"
DAX = "partner-cache.x1y2z3.dax-clusters.eu-west-1.amazonaws.com"
EKS = "5e1f0a2b3c4d5e6f7a8b9c0d1e2f3a4b.gr7.eu-west-1.eks.amazonaws.com"
MSK = "boot-q8w7e6r5.c2.kafka-serverless.eu-west-1.amazonaws.com"


def _fn(value: str) -> object:
    return pinned_res("aws:lambda/function:Function", "fn", {
        "name": "fn", "role": "arn:aws:iam::123456789012:role/fn",
        "environment": {"variables": {"TARGET": value}}})


# ------------------------------------------------------------------ load balancer, MQ, DAX and EKS hosts


def test_the_round_23_families_name_their_resource():
    assert aws_resource_host(ALB) == ("elb", "partner-archive")
    assert aws_resource_host(f"dualstack.{ALB.removeprefix('internal-')}") == ("elb", "partner-archive")
    assert aws_resource_host(NLB) == ("elb", "partner-nlb")
    assert aws_resource_host(MQ) == ("mq", MQ_ID)
    assert aws_resource_host(MQ.replace("-1.mq.", ".mq.")) == ("mq", MQ_ID)  # the broker's console host
    assert aws_resource_host(DAX) == ("dax", "partner-cache")
    assert aws_resource_host("partner-cache-a.x1y2z3.nodes.dax-clusters.eu-west-1.amazonaws.com") == (
        "dax", "partner-cache")
    assert aws_resource_host("my-x.x1y2z3.dax-clusters.eu-west-1.amazonaws.com") == ("dax", "my-x")
    assert aws_resource_host(EKS) == ("eks", EKS.split(".", 1)[0])
    assert aws_resource_host("elasticloadbalancing.eu-west-1.amazonaws.com") is None  # the API: by region
    assert aws_resource_host("eks.eu-west-1.amazonaws.com") is None


def test_a_round_23_family_host_outside_the_stack_blocks():
    for host in (ALB, NLB, MQ, DAX, EKS):
        assert messages(REPLICATION, _fn(f"https://{host}/"), ALLOWED) == []  # placed: eu-west-1
        assert messages(RESOLVED, graph(_fn(f"https://{host}/")), ALLOWED) == [
            ("fn", f"`environment.variables.TARGET` refers to {host!r}, {OUTSIDE}")]


def test_a_round_23_family_host_of_the_stack_is_placed_by_its_resource():
    lb = pinned_res("aws:lb/loadBalancer:LoadBalancer", "lb", {"name": "partner-archive", "dnsName": ALB})
    nlb = pinned_res("aws:lb/loadBalancer:LoadBalancer", "nlb", {"name": "partner-nlb",  # round 27: its id
                                                                  "dnsName": NLB})
    mq = pinned_res("aws:mq/broker:Broker", "mq", {"brokerName": "events", "id": MQ_ID})
    dax = pinned_res("aws:dax/cluster:Cluster", "dax", {"clusterName": "partner-cache",
                                                         "clusterAddress": DAX})  # round 25: its label
    eks = pinned_res("aws:eks/cluster:Cluster", "eks", {"name": "k", "endpoint": f"https://{EKS.upper()}"})
    target = f"http://{ALB}/,{NLB}:443,amqps://{MQ}:5671,daxs://{DAX},https://{EKS}"
    assert messages(RESOLVED, graph(lb, nlb, mq, dax, eks, _fn(target)), ALLOWED) == []


def test_an_msk_broker_list_output_is_the_clusters_own():
    kafka = pinned_res("aws:msk/serverlessCluster:ServerlessCluster", "k", {
        "clusterName": "events", "bootstrapBrokersSaslIam": f"{MSK}:9098"})
    assert messages(RESOLVED, graph(kafka, _fn(f"{MSK}:9098")), ALLOWED) == []
    other = MSK.replace("q8w7e6r5", "z1x2c3v4")
    assert messages(RESOLVED, graph(kafka, _fn(f"{other}:9098")), ALLOWED) == [
        ("fn", f"`environment.variables.TARGET` refers to {other!r}, {OUTSIDE}")]
    b1 = "b-1.events.k2j3h4.c3.kafka.eu-west-1.amazonaws.com"
    b2 = b1.replace("b-1", "b-2")
    msk = pinned_res("aws:msk/cluster:Cluster", "m", {
        "clusterName": "other-name", "bootstrapBrokersTls": f"{b1}:9094,{b2}:9094"})
    assert messages(RESOLVED, graph(msk, _fn(f"{b2}:9094")), ALLOWED) == []


# ------------------------------------------------------------------ a kind or size is no destination


def test_a_field_naming_a_kind_is_no_destination_field():
    broker = {"brokerName": "events", "engineType": "RabbitMQ", "hostInstanceType": "mq.m5.large"}
    assert messages(REPLICATION, pinned_res("aws:mq/broker:Broker", "mq", broker), ALLOWED) == []
    broker["hostInstance"] = "mq.m5.large"  # under a destination word only: read as a host
    assert messages(REPLICATION, pinned_res("aws:mq/broker:Broker", "mq", broker), ALLOWED) == [
        "`hostInstance` sends to mq.m5.large, which is neither a resource of this stack nor a declared "
        "external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"]
    url = {"brokerName": "events", "hostInstanceType": "https://exfil.example.com/x"}
    assert messages(REPLICATION, pinned_res("aws:mq/broker:Broker", "mq", url), ALLOWED) != []  # a URL is


# ------------------------------------------------------------------ an API custom domain's regional target

TARGET = "d-k3j4h5g6f7.execute-api.eu-west-1.amazonaws.com"


def test_a_custom_domains_regional_target_is_the_stacks_or_blocks():
    assert aws_resource_host(TARGET) == ("execute-api", "d-k3j4h5g6f7")
    domain = pinned_res("aws:apigateway/domainName:DomainName", "d", {
        "domainName": "api.example.eu", "regionalDomainName": TARGET})
    target2 = TARGET.replace("k3", "v2")
    v2 = pinned_res("aws:apigatewayv2/domainName:DomainName", "d2", {
        "domainName": "api2.example.eu",
        "domainNameConfiguration": {"endpointType": "REGIONAL", "targetDomainName": target2}})
    assert messages(RESOLVED, graph(domain, v2, _fn(f"{TARGET},{target2}")), ALLOWED) == []
    other = TARGET.replace("k3j4", "p9o8")
    assert messages(RESOLVED, graph(domain, v2, _fn(other)), ALLOWED) == [
        ("fn", f"`environment.variables.TARGET` refers to {other!r}, {OUTSIDE}")]
