"""Classes of hosts the residency judgement knows by name (documented in docs/residency.md, tested): edge
and sovereign-cloud suffixes (blocked), location-free identifiers, code sources and documentation, private
names, and the AWS endpoint suffixes whose region the hostname carries."""

from __future__ import annotations

import ipaddress
import re

EDGE_HOST_SUFFIXES = (
    ".cloudfront.net",
    ".azureedge.net",
    ".azurefd.net",
    ".trafficmanager.net",
    ".awsglobalaccelerator.com",
    ".fastly.net",
    ".akamaiedge.net",
    ".edgekey.net",
)
SOVEREIGN_HOST_SUFFIXES = (
    ".amazonaws.com.cn",
    ".chinacloudapi.cn",
    ".usgovcloudapi.net",
    ".azure.us",
    ".azure.cn",
)
# Identifiers that look like hosts but receive no data from the resource (schemas, the ARM control plane).
LOCATION_FREE_HOSTS = frozenset(
    {
        "schema.management.azure.com",
        "management.azure.com",
        "management.core.windows.net",
        "json-schema.org",
        "www.w3.org",
        "schemas.microsoft.com",
        "login.microsoftonline.com",
        "graph.microsoft.com",  # the Entra ID directory and token audience (an API call: SERVICE_API_HOSTS)
        # token audiences (resource identifiers, no account behind them)
        "vault.azure.net",
        "database.windows.net",
        "storage.azure.com",
        "servicebus.azure.net",
        "monitor.azure.com",
        # round 35: S3 ACL grantee group URIs (`http://acs.amazonaws.com/groups/s3/LogDelivery`) name a group,
        # judged as a grantee (policies/core/acl_grants.py); the public cloud's storage endpoint suffix
        # (an ML datastore's `endpoint`), whose account another input names (policies/core/named_services.py)
        "acs.amazonaws.com",
        "core.windows.net",
    }
)
# Location-free hosts that also serve data APIs: location-free as an identifier (the host, a token audience
# or scope like `https://graph.microsoft.com/.default`), a destination when a URL calls the API (a versioned
# path: `https://graph.microsoft.com/v1.0/drives/…` reaches Microsoft 365 mail, files, sites and chats, kept
# where the tenant's data location is). Blocked unless the host is declared in the endpoints record.
SERVICE_API_HOSTS = frozenset({"graph.microsoft.com"})
# Where code is pulled from (package registries, container registries, OS repositories) and where humans read
# (documentation, the cloud consoles): no data of the stack goes there, like the container `image` references
# the scanner skips. A documented, tested class; hosts that accept uploads of their own (upload.pypi.org) are
# not in it. Some also accept uploads (registry.npmjs.org, Docker Hub, ghcr.io): a publish command whose
# target is one of them, or the default registry, is judged by the scanner as an upload (kind `publish`).
CODE_AND_DOC_HOSTS = frozenset(
    {
        "pypi.org", "files.pythonhosted.org", "registry.npmjs.org", "registry.yarnpkg.com",
        "repo.maven.apache.org", "repo1.maven.org", "plugins.gradle.org", "proxy.golang.org",
        "sum.golang.org", "index.crates.io", "static.crates.io", "rubygems.org", "api.nuget.org",
        "download.docker.com", "get.docker.com", "registry-1.docker.io", "docker.io", "index.docker.io",
        "public.ecr.aws", "ghcr.io", "quay.io", "mcr.microsoft.com", "registry.k8s.io",
        "packages.microsoft.com", "deb.debian.org", "security.debian.org", "archive.ubuntu.com",
        "security.ubuntu.com", "dl-cdn.alpinelinux.org", "cdn.amazonlinux.com",
        "docs.aws.amazon.com", "console.aws.amazon.com", "learn.microsoft.com", "docs.microsoft.com",
        "portal.azure.com", "aka.ms",
        # source repositories a build or a deployment clones (a push to them is an upload: kind `publish`);
        # not their raw-file hosts (raw.githubusercontent.com): a script fetched from an arbitrary repository
        # into a runbook stays a destination to declare (evil/125)
        "github.com", "gitlab.com", "bitbucket.org",
    }
)
# Buckets AWS owns in each region, from which its agents and package repositories are read (SSM agent and
# documents, Amazon Linux repositories, ECR image layers, Patch Manager baselines): typically allowed in a
# VPC endpoint policy. A documented class, placed by the region in the name (only AWS can own these names).
_REGION = r"((?:us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d)"
_AWS_OWNED_BUCKET = re.compile(
    r"^(?:(?:aws-ssm|amazon-ssm|amazon-ssm-packages|aws-ssm-document-attachments|aws-windows-downloads|"
    rf"patch-baseline-snapshot|aws-patchmanager-macos|amazonlinux-2-repos)-{_REGION}|"
    rf"al2023-repos-{_REGION}-[0-9a-f]{{8}}|prod-{_REGION}-starport-layer-bucket)$"
)


def aws_owned_bucket_region(name: str) -> str | None:
    """The region of an AWS-owned regional bucket (`aws-ssm-eu-west-1`,
    `prod-eu-west-1-starport-layer-bucket`), None for any other name."""
    m = _AWS_OWNED_BUCKET.match(name)
    return next((g for g in m.groups() if g), None) if m else None


CONSOLE_SUFFIXES = (".console.aws.amazon.com",)  # `eu-west-1.console.aws.amazon.com`: a UI link
# Names that only prove control of a domain (ACM DNS validation targets).
LOCATION_FREE_SUFFIXES = (".acm-validations.aws",)
PRIVATE_NAMES = frozenset({"localhost"})  # the loopback name (a developer's redirect URI), like 127.0.0.1
PRIVATE_SUFFIXES = (".internal", ".local", ".lan", ".corp", ".localhost", ".invalid")


# An EC2 private DNS name carries its region (`ip-10-0-1-5.eu-west-1.compute.internal`; us-east-1's names end
# in `.ec2.internal`): an inter-region VPC peering or a Resolver rule resolves it from any region (round 47).
_EC2_PRIVATE_DNS = re.compile(r"\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.compute\.internal$")


def ec2_private_region(host: str) -> str | None:
    """The region an EC2 private DNS name is of (None: not one)."""
    if host.endswith(".ec2.internal"):
        return "us-east-1"
    return m.group(1) if (m := _EC2_PRIVATE_DNS.search(host)) else None


def private_host(host: object) -> bool:
    """A private IP address or a name that no public DNS resolves (no dot, or a private suffix; not an EC2
    private DNS name, placed by its region): reached through an agent or a VPC connection, it is on whatever
    network that routes to."""
    h = str(host).strip().lower().rstrip(".")
    h = numeric_ipv4(h) or h  # a host of digits is an address, not a name with no dot (round 57)
    try:
        return ipaddress.ip_address(h.strip("[]")).is_private
    except ValueError:
        private = "." not in h or h in PRIVATE_NAMES or h.endswith(PRIVATE_SUFFIXES)
        return private and ec2_private_region(h) is None



_IPV4_PART = re.compile(r"^(?:0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$")


def numeric_ipv4(host: str) -> str | None:
    """The dotted IPv4 address a numeric host is as clients read it (inet_aton: `878703873`, `0x345ff501`,
    `0177.1`, `10.1`; round 56), None if it is none: a public address written so must not pass as a name
    with no dot, nor a private one be blocked as an unknown host."""
    parts = host.lower().split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.match(p) for p in parts):
        return None
    nums = [int(p, 16) if p.startswith("0x") else int(p, 8) if p.startswith("0") else int(p) for p in parts]
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = (sum(n << (8 * (3 - i)) for i, n in enumerate(head))) + last
    return str(ipaddress.IPv4Address(value))


def numeric_public_host(host: object) -> str | None:
    """The dotted address of a public IPv4 address written as a number (`878703873`, `0x345ff501`), None
    otherwise: a text scan reads no host in a bare number, so a check that places private names judges it as
    that address (round 57) rather than letting it pass as a name or calling it private."""
    h = str(host).strip().lower().rstrip(".")
    ip = numeric_ipv4(h)
    return ip if ip is not None and ip != h and not ipaddress.ip_address(ip).is_private else None


AWS_HOST_SUFFIXES = (".amazonaws.com", ".aws", ".on.aws", ".api.aws")

# Microsoft's own service domains: only under these does an Azure region label in a host (`westeurope-5.in.
# applicationinsights.azure.com`, `prod-12.westeurope.logic.azure.com`) say where the service runs. Anyone
# can put `westeurope` in a name of their own domain (`hooks.westeurope.relayhub.io`, round 18).
AZURE_REGION_DOMAINS = (
    ".azure.com", ".azure.net", ".windows.net", ".microsoft.com", ".azure-api.net", ".azure-devices.net",
    ".azurecr.io", ".azuresynapse.net", ".azurewebsites.net", ".signalr.net", ".azconfig.io", ".azmk8s.io",
    ".azurecontainerapps.io", ".azurecontainer.io", ".azuredatabricks.net", ".azureml.ms",
    ".azurehdinsight.net", ".azurestaticapps.net", ".azure-automation.net", ".cloudapp.net", ".powerbi.com",
    ".dynamics.com", ".azurehealthcareapis.com", ".azureiotcentral.com", ".azure-mobile.net", ".azurefd.net",
    ".azureedge.net", ".azure.privatelinkservice",
)
# URL schemes with an empty authority that stay on the machine (`file:///etc/x`, a local socket, Spark's
# `local:///` file in the container image, round 43); any other scheme without a host (`tunnel:///eventhandler`,
# Web PubSub's awps-tunnel) goes wherever its client runs.
_LOCAL_SCHEMES = frozenset({"file", "unix", "npipe", "local"})
_HOSTLESS = re.compile(r"\b([a-z][a-z0-9+.-]*):///", re.I)
# Round 54: a host (or bucket) written as an expression filled in at run time, `s3://#{myBucket}/` (a Data
# Pipeline parameter with no value in its definition, a node's field; Ruby interpolation), reads as no URL.
_EXPRESSION_HOST = re.compile(r"\b([a-z][a-z0-9+.-]*)://#\{", re.I)
# Round 59: a path whose head is an expression left unfilled (`#{node.undefinedField}/dossiers/`, a function
# of fields): the scheme and bucket, or the host, are chosen at run time, with no URL to read.
_EXPRESSION_HEAD = re.compile(r"^(?:#\{[^{}]*\})+/")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")  # S3's rule for a bucket name


def hostless_sites(s: str) -> list[str]:
    """Why each URL without a host in `s` cannot be placed (round 18), or with its host an expression."""
    return [f"{m.group(1)}:///… is a URL with no host: it goes to wherever the client serving that scheme "
            "runs (a tunnel on a developer's machine, a local agent); name a host of the stack or a "
            "declared one"
            for m in _HOSTLESS.finditer(s) if m.group(1).lower() not in _LOCAL_SCHEMES] + [
        f"{m.group(1)}://#{{…}} names its host or bucket by an expression filled in at run time, so where it "
        "goes cannot be judged; write the name, or give the parameter its value in the pipeline "
        "definition's parameterValues" for m in _EXPRESSION_HOST.finditer(s)]


def headed_by_expression(s: str) -> bool:
    """`s` is a path whose first segment is only expressions (`#{node.myTarget}/dossiers/`)."""
    return bool(_EXPRESSION_HEAD.match(s))


# `<EndpointId>.endpoints.event.amazonaws.com`: the URL of an EventBridge global endpoint (EndpointUrl).
GLOBAL_EVENTS = ".endpoints.event.amazonaws.com"


def global_events_problem(path: str, host: str) -> str:
    """A global endpoint's URL names neither region it sends to (round 60: it was called us-east-1); only the
    stack's own endpoint, whose regions its own inputs give, is placed (round 61)."""
    return (f"`{path}` sends to {host}, an EventBridge global endpoint the stack does not create: events go "
            "to its primary region and, on failover or with replication, to a secondary one, and the URL "
            "names neither; use the endpointUrl of a global endpoint of the stack, or the regional endpoint "
            "of an event bus of the stack in an allowed region")


def expression_head(s: str) -> list[str]:
    """Why a path that begins with an expression no field or parameter of the definition fills with a scheme
    and place cannot be placed ([]: it does not). Filled with a bare bucket name it is read as that bucket
    (pipeline_parameters.py, round 61); filled with anything else it is kept as written and lands here."""
    if not headed_by_expression(s):
        return []
    return [f"{s.split('/', 1)[0]}/… begins with an expression filled in at run time, which no field or "
            "parameter of the definition fills with a scheme and a place (`s3://<bucket>`; what it fills "
            "with is no bucket name), so where it points cannot be judged; write them, or name a field or "
            "parameter that holds them"]


# Hosts of one account's resource under an AWS domain (round 21): the region label places the resource but
# not whose it is (another account's cluster in eu-west-1 passes on what it receives wherever that account
# likes, as its ARN would say). family -> (the host pattern, group 1 the resource's name where the host has
# one; the types and the input that name them): resolved over the stack by a recorded endpoint or that name
# (policies/core/resolution.py), else declared like any host.
_REGION = r"[a-z]{2}(?:-gov)?-[a-z]+-\d"
_CACHE_CODE = r"(?:us|eu|ap|ca|sa|me|af|il|mx)(?:ne|nw|se|sw|n|s|e|w|c)\d"
_CACHE_DIRECTIONS = {"n": "north", "s": "south", "e": "east", "w": "west", "c": "central",
                     "ne": "northeast", "nw": "northwest", "se": "southeast", "sw": "southwest"}
_CACHE_REGION = re.compile(r"\.(us|eu|ap|ca|sa|me|af|il|mx)(ne|nw|se|sw|n|s|e|w|c)(\d)\."
                           r"cache\.amazonaws\.com$")
AWS_RESOURCE_HOSTS: dict[str, tuple[re.Pattern[str], tuple[tuple[str, str], ...]]] = {
    "kafka": (re.compile(rf"^(?:b-\d+|boot-[a-z0-9]+)\.(?:([a-z0-9-]+)\.[a-z0-9]+\.)?c\d+\."
                         rf"kafka(?:-serverless)?\.{_REGION}\.amazonaws\.com$"),
              (("aws:msk/cluster:Cluster", "clusterName"),
               ("aws:msk/serverlessCluster:ServerlessCluster", "clusterName"))),
    "rds": (re.compile(rf"^([a-z0-9-]+)\.(?:(?:cluster|proxy)-(?:ro-|custom-)?)?[a-z0-9]+\.{_REGION}\."
                       r"(?:rds|docdb|neptune)\.amazonaws\.com$"),
            (("aws:rds/instance:Instance", "identifier"), ("aws:rds/cluster:Cluster", "clusterIdentifier"),
             ("aws:rds/proxy:Proxy", "name"), ("aws:docdb/cluster:Cluster", "clusterIdentifier"),
             ("aws:neptune/cluster:Cluster", "clusterIdentifier"))),
    "es": (re.compile(rf"^(?:vpc|search)-([a-z0-9-]+)-[a-z0-9]{{26}}\.{_REGION}\.es\.amazonaws\.com$"),
           (("aws:opensearch/domain:Domain", "domainName"),
            ("aws:elasticsearch/domain:Domain", "domainName"))),
    "redshift": (re.compile(rf"^([a-z0-9-]+)\.[a-z0-9]+\.{_REGION}\."
                            r"redshift(?:-serverless)?\.amazonaws\.com$"),
                 (("aws:redshift/cluster:Cluster", "clusterIdentifier"),
                  ("aws:redshiftserverless/workgroup:Workgroup", "workgroupName"))),
    # hosts that carry the resource's generated id: an API, a function URL, a serverless collection
    # (a custom domain's regional target `d-<id>.execute-api.…`: matched by its recorded host only, round 23)
    "execute-api": (re.compile(rf"^((?:d-)?[a-z0-9]+)\.execute-api\.{_REGION}\.amazonaws\.com$"),
                    (("aws:apigateway/restApi:RestApi", "id"), ("aws:apigatewayv2/api:Api", "id"))),
    "lambda-url": (re.compile(rf"^([a-z0-9]+)\.lambda-url\.{_REGION}\.on\.aws$"),
                   (("aws:lambda/functionUrl:FunctionUrl", "urlId"),)),
    "aoss": (re.compile(rf"^([a-z0-9]+)\.{_REGION}\.aoss\.amazonaws\.com$"),
             (("aws:opensearch/serverlessCollection:ServerlessCollection", "id"),)),
    "appsync": (re.compile(rf"^([a-z0-9]+)\.appsync-(?:realtime-)?api\.{_REGION}\.amazonaws\.com$"),
                (("aws:appsync/graphQLApi:GraphQLApi", "id"),)),
    # `clustercfg.<cluster>.<id>.memorydb.…`, a node `<cluster>-0001-001.<cluster>.<id>.memorydb.…`
    "memorydb": (re.compile(rf"^(?:[a-z0-9-]+\.)?([a-z0-9-]+)\.[a-z0-9]+\.memorydb\.{_REGION}\."
                            r"amazonaws\.com$"),
                 (("aws:memorydb/cluster:Cluster", "name"),)),
    # ElastiCache, its region by a code (`euw1`: cache_region): `master.|replica.|clustercfg.<group>.<id>.…`,
    # a node `<group>-001.<group>.<id>.0001.…` or `<group>.<id>.ng.0001.…`, `<cluster>.<id>.cfg.…`,
    # serverless `<cache>-<id>.serverless.…`
    "elasticache": (re.compile(rf"^(?:(?:master|replica|clustercfg|[a-z0-9-]+-\d{{3,4}}(?:-\d{{3}})?)\.)?"
                               rf"([a-z0-9-]+)(?:\.(?!serverless\.)[a-z0-9]+\.(?:ng\.)?(?:\d{{4}}\.|cfg\.)?|"
                               r"-[a-z0-9]+\.serverless\.)"
                               rf"{_CACHE_CODE}\.cache\.amazonaws\.com$"),
                    (("aws:elasticache/replicationGroup:ReplicationGroup", "replicationGroupId"),
                     ("aws:elasticache/cluster:Cluster", "clusterId"),
                     ("aws:elasticache/serverlessCache:ServerlessCache", "name"))),
    # round 23: a load balancer `[internal-|dualstack.]<name>-<id>.<region>.elb.…` (ALB, CLB) or
    # `<name>-<id>.elb.<region>.…` (NLB); an MQ broker by its id `b-<uuid>[-1].mq.…`; a DAX cluster
    # `<cluster>.<label>.dax-clusters.…` or node `<cluster>-a.<label>.nodes.dax-clusters.…`; an EKS API
    # server `<hash>.gr7.<region>.eks.…` (matched by its recorded endpoint only)
    "elb": (re.compile(rf"^(?:dualstack\.)?(?:internal-)?([a-z0-9-]+)-[a-z0-9]+\."
                       rf"(?:{_REGION}\.elb|elb\.{_REGION})\.amazonaws\.com$"),
            (("aws:lb/loadBalancer:LoadBalancer", "name"), ("aws:alb/loadBalancer:LoadBalancer", "name"),
             ("aws:elb/loadBalancer:LoadBalancer", "name"))),
    "mq": (re.compile(rf"^(b-[0-9a-f]{{8}}(?:-[0-9a-f]{{4}}){{3}}-[0-9a-f]{{12}})(?:-\d)?\.mq\.{_REGION}\."
                      r"amazonaws\.com$"),
           (("aws:mq/broker:Broker", "id"),)),
    "dax": (re.compile(rf"^([a-z0-9-]+?)(?:-[a-z](?=\.[a-z0-9]+\.nodes\.))?\.[a-z0-9]+\.(?:nodes\.)?"
                       rf"dax-clusters\.{_REGION}\.amazonaws\.com$"),
            (("aws:dax/cluster:Cluster", "clusterName"),)),
    "eks": (re.compile(rf"^([0-9a-f]{{32}})\.[a-z]{{2}}\d+\.{_REGION}\.eks\.amazonaws\.com$"), ()),
    # an instance's public DNS name `ec2-<a-b-c-d>.<region>.compute.amazonaws.com` names its public IP, which
    # must be an address of the stack (an instance or Elastic IP): matched as that IP (aws_resource_host)
    "ec2": (re.compile(rf"^ec2-(\d{{1,3}}(?:-\d{{1,3}}){{3}})\.{_REGION}\.compute\.amazonaws\.com$"), ()),
}
# type -> (family, the input holding the name its hosts carry)
AWS_RESOURCE_NAMES = {t: (f, key) for f, (_, types) in AWS_RESOURCE_HOSTS.items() for t, key in types}


def aws_resource_host(host: str) -> tuple[str, str | None] | None:
    """(family, the resource's name or None) of a host that names one account's AWS resource."""
    for family, (pattern, _) in AWS_RESOURCE_HOSTS.items():
        if m := pattern.match(host):
            return family, m.group(1).replace("-", ".") if family == "ec2" else m.group(1)
    return None


def cache_region(host: str) -> str | None:
    """The region an ElastiCache host names by its code (`….euw1.cache.amazonaws.com`: eu-west-1)."""
    m = _CACHE_REGION.search(host)
    return f"{m.group(1)}-{_CACHE_DIRECTIONS[m.group(2)]}-{m.group(3)}" if m else None


# The label of a host that is the same for every such resource of one account in one region (an RDS
# `<db>.<label>.<region>.rds.amazonaws.com`, Redshift, ElastiCache, MemoryDB): family -> its pattern (group 1)
_ACCOUNT_LABEL = {
    "rds": re.compile(r"^[a-z0-9-]+\.(?:(?:cluster|proxy)-(?:ro-|custom-)?)?([a-z0-9]+)\.([a-z0-9-]+)\."),
    "redshift": re.compile(r"^[a-z0-9-]+\.([a-z0-9]+)\.([a-z0-9-]+)\.redshift"),
    "memorydb": re.compile(r"\.([a-z0-9]+)\.memorydb\.([a-z0-9-]+)\."),
    "elasticache": re.compile(  # not a serverless cache's id (per cache: matched by name, a known limit)
        r"\.(?!serverless\.)([a-z0-9]+)\.(?:(?:ng\.)?\d{4}\.|cfg\.)?([a-z]+\d)\.cache\."),
    "dax": re.compile(r"\.([a-z0-9]+)\.(?:nodes\.)?dax-clusters\.([a-z0-9-]+)\."),  # round 25
}


def account_label(host: str) -> tuple[str, str] | None:
    """(`<family>:<region>`, the account's label) of a resource host whose label says whose it is."""
    found = aws_resource_host(host)
    pattern = _ACCOUNT_LABEL.get(found[0]) if found else None
    m = pattern.search(host) if pattern else None
    return (f"{found[0]}:{m.group(2)}", m.group(1)) if found and m else None


# The per-resource id of a host whose family names a resource by its name and an id generated for that one
# resource (round 27): a load balancer `<name>-<id>.…elb…`, an MSK cluster `b-1.<name>.<id>.c2.kafka…`, an
# OpenSearch domain `search-<name>-<id>.…es…`, a serverless cache `<name>-<id>.serverless.…`. Another
# account's resource of the same name has another id, so a match by name alone proves nothing.
_RESOURCE_ID = {
    "elb": re.compile(rf"-([a-z0-9]+)\.(?:{_REGION}\.elb|elb\.{_REGION})\.amazonaws\.com$"),
    "kafka": re.compile(r"^(?:b-\d+|boot-[a-z0-9]+)\.[a-z0-9-]+\.([a-z0-9]+)\.c\d+\.kafka"),
    "es": re.compile(rf"-([a-z0-9]{{26}})\.{_REGION}\.es\.amazonaws\.com$"),
    "elasticache": re.compile(r"-([a-z0-9]+)\.serverless\.[a-z]+\d\.cache\.amazonaws\.com$"),
}


def resource_id(host: str) -> tuple[str, str] | None:
    """(`<family>:<name>`, the id generated for that one resource) of a host that carries both."""
    found = aws_resource_host(host)
    pattern = _RESOURCE_ID.get(found[0]) if found and found[1] else None
    m = pattern.search(host) if pattern else None
    return (f"{found[0]}:{found[1]}", m.group(1)) if found and m else None

