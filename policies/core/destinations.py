"""Where a reference points, judged from the reference itself where it says (ARN region, regional hostname,
region name, declared endpoint, location-free class); DEFER when only the stack can tell (an Azure id, a
bucket, an Azure service hostname, an unknown value): policies/core/resolution.py resolves those.

Never by logical (Pulumi) name. Whatever resolves to nothing blocks, naming the field path.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from policies.core.account_hosts import AZURE_REGIONS, REGION_IN_HOST, account_host
from policies.core.azure_hosts import azure_modules
from policies.core.azure_ids import AZURE_CONNECTORS, id_kind, id_problem
from policies.core.command_names import STORE_NOTE
from policies.core.command_places import HELD_URL_NOTE, held_destination, region_variable_problem
from policies.core.eea import normalize_azure_location
from policies.core.endpoints import Endpoint, find, load_endpoints
from policies.core.geo import data_geography
from policies.core.host_classes import (
    AWS_HOST_SUFFIXES,
    AZURE_REGION_DOMAINS,
    BUCKET_NAME,
    CODE_AND_DOC_HOSTS,
    CONSOLE_SUFFIXES,
    EDGE_HOST_SUFFIXES,
    GLOBAL_EVENTS,
    LOCATION_FREE_HOSTS,
    LOCATION_FREE_SUFFIXES,
    PRIVATE_NAMES,
    PRIVATE_SUFFIXES,
    SOVEREIGN_HOST_SUFFIXES,
    aws_owned_bucket_region,
    aws_resource_host,
    cache_region,
    ec2_private_region,
)
from policies.core.location import Allowed, allowed, region_verdict
from policies.core.named_services import untyped_problem
from policies.core.outside_parties import party_arns, party_problem
from policies.core.private_zones import zone_name
from policies.core.references import Ref
from policies.core.relays import relay
from policies.core.rule import RuleContext
from policies.core.runtime_refs import workflow_problem
from policies.core.trust_parties import subject_problem

_AWS_REGION = re.compile(
    r"^(?:us|af|ap|ca|cn|eu|eusc|il|me|mx|sa)(?:-gov|-iso[a-z]?)?-[a-z]+(?:-[a-z]+)?-\d$"
)
# ARN services without a region that name no place (identity, DNS, org structure).
GLOBAL_ARN_SERVICES = frozenset({
    "iam", "sts", "organizations", "route53", "route53domains", "waf", "budgets", "ce", "health", "support",
    "trustedadvisor", "shield", "account", "cur",
    "sso",  # IAM Identity Center instance/permission-set ARNs: the directory, like IAM and Entra ID
    "identitystore",
})
# Region-less pseudo-ARNs of service integrations: they call the named API in the caller's own region
# (`arn:aws:states:::dynamodb:putItem`, `arn:aws:scheduler:::aws-sdk:sqs:sendMessage`); the target the call
# names is in the task's parameters or input, scanned as any other input.
INTEGRATION_ARN_SERVICES = frozenset({"states", "scheduler"})
_PRIVATE_IP = re.compile(
    r"^(0\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|127\.|169\.254\.|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)"
)
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


@dataclass(frozen=True, slots=True)
class Outcome:
    """ok (nothing to report), a problem message, or `deferred`: only the stack graph can place it."""

    problem: str | None = None
    deferred: bool = False


OK = Outcome()
DEFER = Outcome(deferred=True)


def region_of(value: str) -> tuple[str, str] | None:
    """(cloud, region) when `value` is an AWS region name or an Azure region (name or display name); any case
    (`US-EAST-1` is judged as us-east-1, never ignored)."""
    v = value.strip().lower()
    if _AWS_REGION.match(v):
        return ("aws", v)
    norm = normalize_azure_location(v)
    return ("azure", norm) if norm in AZURE_REGIONS else None


def _endpoint_outcome(e: Endpoint, ref: Ref, ok: Allowed) -> Outcome:
    if e.region:
        placed = region_of(e.region)
        if placed is None:
            return Outcome(
                f"`{ref.path}`: declared endpoint {e.id!r} has region {e.region!r}, which is no known region"
            )
        msg = region_verdict(*placed, f"`{ref.path}` (declared endpoint {e.id})", ok)
        return Outcome(msg) if msg else OK
    from policies.core.endpoints import EEA_COUNTRIES

    if e.jurisdiction in EEA_COUNTRIES:
        return OK
    return Outcome(
        f"`{ref.path}` goes to declared endpoint {e.id!r} in jurisdiction {e.jurisdiction}, outside the EEA"
    )


def judge_local(ref: Ref, ctx: RuleContext, what: str = "data is sent there") -> Outcome:
    """What the reference itself (and the declared endpoints) says; DEFER when only the graph can tell.

    Memoised per context and endpoints record: the same references recur on thousands of resources.
    """
    return LocalJudge(ctx, what)(ref)


class LocalJudge:
    """judge_local for the many references of one rule call: the policy config and the endpoints record
    (an environment read) are looked up once per call, not once per reference, and only when a reference
    needs them (as judge_local: an unknown value never reads the record)."""

    __slots__ = ("cache", "ctx", "endpoints", "ok", "what")

    def __init__(self, ctx: RuleContext, what: str = "data is sent there") -> None:
        self.ctx, self.what, self.ok = ctx, what, allowed(ctx)
        self.cache: _Outcomes | None = None

    def __call__(self, ref: Ref) -> Outcome:
        kind = ref.kind
        if kind == "unknown" or kind == "secret" or kind == "opaque":
            return DEFER  # it may be another resource's output: only the graph's dependencies can tell
        cache = self.cache
        if cache is None:
            ctx = self.ctx
            self.endpoints = endpoints = load_endpoints(ctx.stack)
            d = ctx.__dict__
            memo = d.get("_judged")
            if memo is None or memo[0] is not endpoints:
                memo = d["_judged"] = (endpoints, _Outcomes())
            cache = self.cache = memo[1]
        key = (ref, self.what)
        found = cache.new.get(key)
        if found is None:
            found = cache.old.get(key)  # judged a generation ago: recurring, kept on
            if found is None:
                found = _judge_local(ref, self.ok, self.endpoints, self.what)
            cache.keep(key, found)
        return found


_OUTCOMES_MAX = 1 << 13


class _Outcomes:
    """A context's outcomes per (reference, what) in two generations of up to _OUTCOMES_MAX (round 27). Kept
    for the run, one dict held every reference ever judged: most are judged once (each resource's own Azure
    id, in its stack view), 104,709 entries and their `Ref`s at 100k for require-resolved-references alone.
    A reference asked again within 8,192-16,384 new ones is not judged again (the stack-wide ones are asked
    on every resource); an older one is judged again, equally (`_judge_local` is a function of the key, the
    context's regions and the endpoints record the memo is kept with)."""

    __slots__ = ("new", "old")

    def __init__(self) -> None:
        self.new: dict[tuple[Ref, str], Outcome] = {}
        self.old: dict[tuple[Ref, str], Outcome] = {}

    def keep(self, key: tuple[Ref, str], found: Outcome) -> None:
        if len(self.new) >= _OUTCOMES_MAX:
            self.old, self.new = self.new, {}
        self.new[key] = found


def _judge_local(ref: Ref, ok: Allowed, endpoints: tuple[Endpoint, ...], what: str) -> Outcome:
    if ref.kind in ("grantee", "foreign", "phone", "site", "directory", "approval"):
        return _judge_party(ref, ok, endpoints)
    if ref.kind == "subject":  # round 33: a CI pipeline's token subject, whose owner must be declared
        e = find(endpoints, "subject", ref.value)
        return Outcome(subject_problem(ref.path, ref.value)) if e is None else _endpoint_outcome(e, ref, ok)
    if ref.kind == "untyped":  # an output of a kind the pack does not know (policies/core/named_services.py)
        return Outcome(untyped_problem(ref.path, ref.value))
    if ref.kind == "runtime" or ref.kind == "computed":  # chosen or computed when the workflow runs
        return Outcome(workflow_problem(ref.kind, ref.path, ref.value))
    e = find(endpoints, ref.kind, ref.value)
    if e is not None:
        return _endpoint_outcome(e, ref, ok)
    if ref.kind == "service-api":
        e = find(endpoints, "host", ref.value)
        if e is not None:
            return _endpoint_outcome(e, ref, ok)
        return Outcome(
            f"`{ref.path}` calls the API of {ref.value}, which holds data outside this stack (the Microsoft "
            "Graph API reaches the tenant's mail, files, sites and chats), so where the data goes cannot be "
            f"judged; declare {ref.value} with the tenant's data location in stacks/records/endpoints.yaml"
        )
    if ref.kind == "endpoint-service":  # round 29: the stack's endpoint service (resolved), or declared; its
        e = find(endpoints, "host", ref.value)  # region label is judged as a region token of the name
        return _endpoint_outcome(e, ref, ok) if e is not None else DEFER
    if ref.kind == "region":
        if ref.value != ref.value.strip() or not ref.value:
            return _not_a_region(ref)
        placed = region_of(ref.value)
        if placed is None:  # a data geography (`dataLocation: Europe`), or no place the pack knows
            geo = data_geography(ref.path, ref.value, ok)
            return _not_a_region(ref) if geo is None else (Outcome(geo) if geo else OK)
        msg = region_verdict(*placed, f"`{ref.path}` ({what})", ok)
        return Outcome(msg) if msg else OK
    if ref.kind == "arn":
        return _judge_arn(ref, ok, what)
    if ref.kind in ("named", "guid", "stored", "held", "keyed", "address"):
        return DEFER  # a resource named by its physical name (an address: its network's) over the stack
    if ref.kind == "inference-profile":
        return _judge_profile(ref, ok)
    if ref.kind == "publish":
        return Outcome(
            f"`{ref.path}` runs `{ref.value}`, an upload to a place the command does not name (a public "
            "registry by default, a remote configured elsewhere) or to a code source that also accepts "
            "uploads, so where the data goes cannot be judged; name a target of this stack (ECR, ACR, "
            "CodeArtifact, a bucket) or a declared endpoint in the command"
        )
    if ref.kind == "bucket":
        e = find(endpoints, "host", f"{ref.value}.s3.amazonaws.com")
        if e is None and (owned := aws_owned_bucket_region(ref.value)):
            return _owned(ref, owned, ok)
        return _endpoint_outcome(e, ref, ok) if e is not None else DEFER
    if ref.kind == "azure-id":
        kind, loc, api = id_kind(ref.value.lower())
        if kind in ("location", "restorable"):  # round 43: a restore source is also the stack's account
            out = _judge_location_id(ref, loc or "", api, ok, what)
            return DEFER if kind == "restorable" and out is OK else out
        if kind in ("deployment", "tenant", "application", "partner", "gateway"):
            return Outcome(id_problem(kind, ref.path, ref.value.lower()))
        return OK if kind == "free" else DEFER
    return _judge_host(ref, ok, what)


def _judge_party(ref: Ref, ok: Allowed, endpoints: tuple[Endpoint, ...]) -> Outcome:
    """A place no input names as a host, id or region (policies/core/outside_parties.py)."""
    e = next((e for a in party_arns(ref.kind, ref.value) if (e := find(endpoints, "arn", a))), None) if (
        ref.kind != "approval") else find(endpoints, "approval", ref.value)  # round 81: a declared connection
    if e is not None and ref.value != "all":
        return _endpoint_outcome(e, ref, ok)
    if ref.kind == "foreign":
        return DEFER  # another account's, unless the ARN is the stack's own resource (the mocks' account)
    problem = party_problem(ref.kind, ref.path, ref.value)
    return Outcome(problem) if problem else OK


def _judge_location_id(ref: Ref, loc: str, api: str | None, ok: Allowed, what: str) -> Outcome:
    placed = region_of(loc)
    if placed is not None and (msg := region_verdict(*placed, f"`{ref.path}` ({what})", ok)):
        return Outcome(msg)
    if api is not None and api not in AZURE_CONNECTORS:
        return Outcome(id_problem("connector", ref.path, api))
    return OK


# Where a Bedrock cross-region inference profile of a geography routes requests (AWS Bedrock documentation,
# supported Regions for inference profiles); any other geography is outside the EEA or worldwide.
PROFILE_REGIONS: dict[str, tuple[str, ...]] = {
    "eu": ("eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"),
}


def _judge_profile(ref: Ref, ok: Allowed) -> Outcome:
    regions = PROFILE_REGIONS.get(ref.value)
    if regions is None:
        return Outcome(
            f"`{ref.path}` uses a {ref.value!r} cross-region inference profile: requests are processed in "
            "regions outside the EEA; use the in-region model id"
        )
    msgs = [m for r in regions if (m := region_verdict("aws", r, f"`{ref.path}` (inference profile)", ok))]
    return Outcome(f"{msgs[0]} (an {ref.value!r} profile routes across {', '.join(regions)})") if msgs else OK




def _not_a_region(ref: Ref) -> Outcome:
    """A region/location field whose value is no known region. A URL, ARN or Azure id there is scanned as
    such; `global` is the location of the types Azure requires to be global (judged by the location rules);
    a bucket-shaped name (CodeBuild/CodePipeline `location`) is placed by the stack; anything else (a region
    the pack does not know, a peering site like `Washington DC`) cannot be placed and blocks."""
    v = ref.value.strip()
    if v != ref.value or not v:  # whether the API trims, rejects or reads it otherwise: not the pack's guess
        return Outcome(f"`{ref.path}` = {ref.value!r} is no region name as written, so where it puts the "
                       "data cannot be judged; write the allowed region's name alone (e.g. westeurope, "
                       "eu-west-1)")
    low = v.lower()
    if "://" in v or low.startswith("arn:") or "/subscriptions/" in low or low == "global":
        return OK
    if (problem := region_variable_problem(ref.path, v)) is not None:  # round 87: `-l $LOC`, set nowhere
        return Outcome(problem)
    if "/" in v or "$" in v or "[" in v:
        return OK  # a path, template or expression: its references are scanned where it holds any
    if BUCKET_NAME.match(v):
        return DEFER
    return Outcome(
        f"`{ref.path}` = {v!r} names no region the pack knows, so where it puts the data cannot be judged; "
        "use an allowed region name (e.g. westeurope, eu-west-1)"
    )


def _judge_arn(ref: Ref, ok: Allowed, what: str) -> Outcome:
    parts = ref.value.split(":", 5)
    partition, service, region = parts[1], parts[2], parts[3]
    if partition != "aws":
        return Outcome(f"`{ref.path}` = {ref.value!r} is in the {partition} partition, outside the EEA")
    if "*" in region or (not region and "*" in parts[-1].split("/", 1)[0]):
        return OK  # an IAM permission pattern over many places, not one destination
    if service in ("s3-outposts", "outposts") or parts[-1].startswith("outpost/"):
        return Outcome(f"`{ref.path}` = {ref.value!r} is on an AWS Outpost, a rack installed at a site of "
                       "the customer's choosing (anywhere), whatever region the ARN names; keep the data in "
                       "the region itself (an S3 bucket, not S3 on Outposts)")
    if not region and (parts[4] == "aws" or service in INTEGRATION_ARN_SERVICES):
        return OK  # an AWS-managed definition (`arn:aws:ram::aws:permission/…`) or a service integration
    if region:
        msg = region_verdict("aws", region, f"`{ref.path}` ({what})", ok)
        if msg is None and relay(service, parts[-1], ref.path):
            return DEFER  # data goes where the resource's own inputs say: only the stack's own can tell
        return Outcome(msg) if msg else OK
    if service == "cloudfront":
        return Outcome(f"`{ref.path}` refers to CloudFront, a global edge service")
    if service == "s3" and (owned := aws_owned_bucket_region(parts[-1].split("/", 1)[0])):
        return _owned(ref, owned, ok)
    return OK if service in GLOBAL_ARN_SERVICES else DEFER


def _owned(ref: Ref, region: str, ok: Allowed) -> Outcome:
    msg = region_verdict("aws", region, f"`{ref.path}` (an AWS-owned bucket of {region})", ok)
    return Outcome(msg) if msg else OK


def _judge_host(ref: Ref, ok: Allowed, what: str) -> Outcome:
    h = ref.value
    if (
        h in LOCATION_FREE_HOSTS
        or h in CODE_AND_DOC_HOSTS
        or h in PRIVATE_NAMES
        or h.endswith(CONSOLE_SUFFIXES)
        or (h.endswith(PRIVATE_SUFFIXES + LOCATION_FREE_SUFFIXES) and not ec2_private_region(h)
            and not zone_name(h))  # round 48: a private zone's name is the stack's record, or nothing
        or h.startswith("privatelink.")
        or _PRIVATE_IP.match(h)
    ):
        return OK
    if _IP.match(h):
        return DEFER  # a public IP: a public IP address resource of this stack, or nothing
    if ":" in h:  # an IPv6 address (bracketed in a URL)
        try:
            ip = ipaddress.IPv6Address(h.strip("[]"))
        except ValueError:
            return Outcome(f"`{ref.path}` sends to {h!r}, which is no host or address the pack can place"
                           + (STORE_NOTE if h[:1] in "${" else ""))  # a store a command names (round 86)
        return OK if not ip.is_global else DEFER
    if h.endswith(EDGE_HOST_SUFFIXES):
        return Outcome(
            f"`{ref.path}` sends to {h}, a global edge service (data served from points of presence "
            "worldwide)"
        )
    if h.endswith(SOVEREIGN_HOST_SUFFIXES):
        return Outcome(f"`{ref.path}` sends to {h}, in a cloud partition outside the EEA")
    m = REGION_IN_HOST.search(h + ".")
    region = m.group(1) if m else (cache_region(h) or ec2_private_region(h))  # ElastiCache: by a code
    if region and (h.endswith(AWS_HOST_SUFFIXES) or h.endswith(".internal")):
        msg = region_verdict("aws", region, f"`{ref.path}` ({h})", ok)
        return Outcome(msg) if msg else (DEFER if aws_resource_host(h) or account_host(h) else OK)  # whose
    if h.endswith(AWS_HOST_SUFFIXES):
        if ref.principal:
            return OK  # a service principal names a service
        if ".s3." in h or h.endswith(".s3.amazonaws.com"):
            return DEFER  # <bucket>.s3.amazonaws.com: the bucket of this stack, if it is one
        if h.endswith(GLOBAL_EVENTS):
            return DEFER  # a global endpoint of this stack, if it is one (resolution.py)
        return Outcome(
            f"`{ref.path}` sends to {h}, a global AWS endpoint (us-east-1); use the regional "
            "endpoint of an allowed region"
        )
    for label in (
        p for part in h.split(".") for p in part.split("-")
    ):  # westeurope-5.in.applicationinsights… (a Microsoft domain's; a service tag `Storage.WestEurope`)
        if label in AZURE_REGIONS and (h.endswith(AZURE_REGION_DOMAINS) or h.rsplit(".", 1)[-1] == label):
            msg = region_verdict("azure", label, f"`{ref.path}` ({h})", ok)
            # whose: in the stack; a name-carrying host (`<name>-westeurope.vault…`, a Cosmos DB account's
            # regional endpoint `<account>-westeurope.documents…`) names its resource, no service (round 26)
            return Outcome(msg) if msg else (DEFER if account_host(h) or azure_modules(h) else OK)
    if zone_name(h) or azure_modules(h) or account_host(h) == "resource":  # round 44: a workspace URL
        return DEFER
    if held_destination(h):  # round 87: a URL or connection string held by a variable or expression
        return Outcome(f"`{ref.path}` sends to the place {h} holds" + HELD_URL_NOTE)
    return Outcome(
        f"`{ref.path}` sends to {h}, which is neither a resource of this stack nor a declared "
        "external endpoint (stacks/records/endpoints.yaml: add it with its region and why)"
    )

