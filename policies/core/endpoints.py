"""Declared external endpoints: the outside services and hosts this project may send data to, with where
they are and why (`stacks/records/endpoints.yaml`, or `<DOSIS_RECORDS_DIR>/endpoints.yaml`).

A reference that is not a resource of the stack resolves only through this record (or to a documented
location-free class). The record is validated when the pack loads: a malformed record, an entry without a
region or jurisdiction, or an unknown class raises EndpointsError naming the file and key, and the gate
exits 2 (bad input); the CLI refuses to start the pack.

    endpoints:
      - id: magda                     # unique
        class: government-service     # one of CLASSES
        hosts: ["*.magda.be"]         # hostnames; "*.x" matches every subdomain of x
        arns: ["arn:aws:sqs:eu-west-1:123456789012:"]      # ARN prefixes
        azureIds: ["/subscriptions/<id>/resourceGroups/rg-siem"]  # Azure resource id prefixes
        subjects: ["repo:vlaio/"]     # prefixes of CI token subjects (the owner's pipelines: round 33)
        cidrs: ["192.0.2.10/32"]      # optional: the addresses it is reached at (egress rules use them)
        region: eu-west-1             # a cloud region ... or:
        jurisdiction: BE              # ISO 3166 country code (EEA) / EU
        reason: "why the project talks to it (>= 20 characters)"
        stacks: [dosis-prod]          # optional: only these stacks
"""

from __future__ import annotations

import functools
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policies.core.account_hosts import AZURE_REGIONS, REGION_IN_HOST
from policies.core.azure_hosts import AZURE_HOSTS
from policies.core.eea import normalize_azure_location
from policies.core.file_stamps import Stamp, stamp
from policies.core.host_classes import (
    AWS_HOST_SUFFIXES,
    AZURE_REGION_DOMAINS,
    EDGE_HOST_SUFFIXES,
    cache_region,
)
from policies.core.records import _read_yaml, _records_dir, _shown

CLASSES = frozenset(
    {
        "own-domain",
        "government-service",
        "supplier",
        "siem",
        "identity-provider",
        "cloud-service",
        "state-backend",
        "peer-network",
    }
)
EEA_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "EU",
    ]
)
_KEYS = frozenset(
    {"id", "class", "hosts", "arns", "azureIds", "subjects", "cidrs", "region", "jurisdiction", "reason",
     "stacks"}
)


class EndpointsError(ValueError):
    """A bad endpoints record (bad input: the gate exits 2 naming file and key)."""


@dataclass(frozen=True)
class Endpoint:
    """One declared outside endpoint."""

    id: str
    cls: str
    hosts: tuple[str, ...]
    arns: tuple[str, ...]
    azure_ids: tuple[str, ...]
    region: str | None
    jurisdiction: str | None
    reason: str
    stacks: tuple[str, ...]
    cidrs: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()

    def matches(self, kind: str, value: str) -> bool:
        v = value.lower()
        if kind == "host":
            return any(v == h or (h.startswith("*.") and v.endswith(h[1:])) for h in self.hosts)
        if kind == "arn":
            return any(value.startswith(a) for a in self.arns)
        if kind == "azure-id":
            return any(v == a or v.startswith(a + "/") for a in self.azure_ids)
        if kind == "subject":
            return any(value.startswith(s) for s in self.subjects)
        if kind == "approval":  # round 81: a private endpoint connection by its name (endpoint_approvals.py)
            return any(a.endswith(f"/privateendpointconnections/{v}") for a in self.azure_ids)
        if kind == "address":  # round 49: a declared address (a DNS resolver), by its host or its CIDRs
            return v in self.hosts or any(_within(v, c) for c in self.cidrs)
        return False

    @property
    def where(self) -> str:
        return self.region or f"jurisdiction {self.jurisdiction}"


def _within(address: str, cidr: str) -> bool:
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(cidr)
    except ValueError:
        return False


def _strings(e: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = e.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise EndpointsError(f"{where}.{key}: must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _cidrs(e: dict[str, Any], where: str) -> tuple[str, ...]:
    out = []
    for i, value in enumerate(_strings(e, "cidrs", where)):
        try:
            out.append(str(ipaddress.ip_network(value)))
        except ValueError:
            raise EndpointsError(f"{where}.cidrs[{i}]: {value!r} is not an IP network (a.b.c.d/n)") from None
    return tuple(out)


# Domains whose names a cloud gives its customers' resources in every region (round 23).
_SHARED_CLOUD_DOMAINS = AWS_HOST_SUFFIXES + AZURE_REGION_DOMAINS + tuple(AZURE_HOSTS) + EDGE_HOST_SUFFIXES


@functools.cache
def _public_suffixes() -> Any:
    """The public-suffix list shipped in the `publicsuffixlist` wheel (no download: the gate is offline),
    read once and only when a record holds a wildcard (~0.1 s)."""
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def _wildcard_problem(host: str) -> str | None:
    """Why a wildcard host cannot be one endpoint: `*.com` covers every domain under a top-level domain,
    `*.amazonaws.com` every customer's host in every region (an API in us-east-1 matched an endpoint
    declared in eu-west-1, round 23) unless a label of the domain names the region (ElastiCache: its code),
    and any public suffix (`*.co.uk`, `*.herokuapp.com`: publicsuffix.org, its private section the tenants
    of a hosting service) every registrant's or tenant's domain, wherever it is hosted (round 25)."""
    domain = host[2:]
    if "." not in domain:
        return "covers every domain under a top-level domain"
    if f".{domain}".endswith(_SHARED_CLOUD_DOMAINS):
        if REGION_IN_HOST.search(f".{domain}.") or cache_region(domain) or any(
            normalize_azure_location(label) in AZURE_REGIONS for label in domain.split(".")
        ):
            return None
        return ("covers every customer's hosts of a cloud domain in every region; declare the hosts, or a "
                "wildcard under a region's domain (*.execute-api.eu-west-1.amazonaws.com)")
    if _public_suffixes().is_public(domain):
        return ("covers every domain registered under a public suffix (publicsuffix.org), each hosted "
                "where its owner chose; declare the hosts, or a wildcard under your own domain")
    return None


def _entry(e: Any, where: str) -> Endpoint:
    if not isinstance(e, dict):
        raise EndpointsError(
            f"{where}: must be a mapping with id, class, hosts/arns/azureIds, region, reason"
        )
    extra = sorted(set(e) - _KEYS)
    if extra:
        raise EndpointsError(f"{where}.{extra[0]}: unknown key (known: {', '.join(sorted(_KEYS))})")
    if not isinstance(e.get("id"), str) or not e["id"].strip():
        raise EndpointsError(f"{where}.id: missing")
    if e.get("class") not in CLASSES:
        raise EndpointsError(f"{where}.class: {e.get('class')!r} is not one of {', '.join(sorted(CLASSES))}")
    hosts = tuple(h.lower() for h in _strings(e, "hosts", where))
    for i, h in enumerate(hosts):
        if h.startswith("*.") and (problem := _wildcard_problem(h)):
            raise EndpointsError(f"{where}.hosts[{i}]: {h!r} {problem}")
    arns, ids = (
        _strings(e, "arns", where),
        tuple(i.lower().rstrip("/") for i in _strings(e, "azureIds", where)),
    )
    subjects = _strings(e, "subjects", where)
    if not (hosts or arns or ids or subjects):
        raise EndpointsError(f"{where}.hosts: give at least one of hosts, arns, azureIds, subjects")
    for i, s in enumerate(subjects):  # a prefix that ends mid-name would also match `repo:vlaio-evil/…`
        if not s.endswith(("/", ":")):
            raise EndpointsError(f"{where}.subjects[{i}]: {s!r} must end with '/' or ':' (a whole owner)")
    region, jurisdiction = e.get("region"), e.get("jurisdiction")
    if region is None and jurisdiction is None:
        raise EndpointsError(f"{where}.region: missing (give the cloud region or the jurisdiction)")
    if region is not None and (not isinstance(region, str) or not region.strip()):
        raise EndpointsError(f"{where}.region: must be a region name")
    if jurisdiction is not None and (not isinstance(jurisdiction, str) or len(jurisdiction) != 2):
        raise EndpointsError(f"{where}.jurisdiction: must be an ISO 3166 country code (or EU)")
    reason = e.get("reason")
    if not isinstance(reason, str) or len(reason.strip()) < 20:
        raise EndpointsError(f"{where}.reason: must say why in at least 20 characters")
    return Endpoint(
        e["id"].strip(),
        e["class"],
        hosts,
        arns,
        ids,
        region,
        jurisdiction and jurisdiction.upper(),
        reason.strip(),
        _strings(e, "stacks", where),
        _cidrs(e, where),
        subjects,
    )


def parse_endpoints(data: Any, path: str) -> tuple[Endpoint, ...]:
    """Validate an endpoints document (None: no record, no endpoints)."""
    if data is None:
        return ()
    entries = data.get("endpoints") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise EndpointsError(f"{path}: endpoints: must be a list of endpoint records")
    out = [_entry(e, f"{path}: endpoints[{i}]") for i, e in enumerate(entries)]
    ids = [e.id for e in out]
    for i, e in enumerate(out):
        if ids.index(e.id) != i:
            raise EndpointsError(f"{path}: endpoints[{i}].id: {e.id!r} is declared twice")
    return tuple(out)


@functools.lru_cache(maxsize=8)
def _load(directory: str, _file: Stamp) -> tuple[Endpoint, ...]:
    path = Path(directory) / "endpoints.yaml"
    shown = _shown(path)
    data, error = _read_yaml(path)
    if error:
        raise EndpointsError(error.replace(str(path), shown))
    return parse_endpoints(data, shown)


@functools.lru_cache(maxsize=32)
def _for_stack(directory: str, stack: str, file: Stamp) -> tuple[Endpoint, ...]:
    return tuple(e for e in _load(directory, file) if not e.stacks or stack in e.stacks)


def _file(directory: str) -> Stamp:
    """The record's stamp: a parse is remembered for this content only (round 16). A string path: this runs
    for every resource a rule judges, and building a `Path` cost three times the `stat` (round 22)."""
    return stamp(os.path.join(directory, "endpoints.yaml"))


def load_endpoints(stack: str) -> tuple[Endpoint, ...]:
    """The endpoints declared for `stack` (raises EndpointsError on a bad record)."""
    directory = _records_dir()
    return _for_stack(directory, stack, _file(directory))


def validate_record() -> int:
    """Load (and so validate) the record; called when the pack loads. Returns the number of endpoints."""
    directory = _records_dir()
    return len(_load(directory, _file(directory)))


def find(endpoints: tuple[Endpoint, ...], kind: str, value: str) -> Endpoint | None:
    for e in endpoints:
        if e.matches(kind, value):
            return e
    return None
