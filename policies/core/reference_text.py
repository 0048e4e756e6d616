"""What one string of an input says: the references in its text, and the documents it holds.

Pure functions of the string (and of the key kind it sits under), so they are computed once per string: the
same ARNs, hosts and documents recur on thousands of resources. The scanner in policies/core/references.py
replays them at each place (path) and never modifies a parsed document.
"""

from __future__ import annotations

import functools
import ipaddress
import re

from policies.core.account_urls import host_arn, path_arn, url_arn, workflow_key
from policies.core.code_values import held_buckets, held_hosts
from policies.core.command_buckets import option_buckets
from policies.core.command_names import command_names, may_name
from policies.core.command_places import command_places, may_place
from policies.core.host_classes import (
    BUCKET_NAME,
    CODE_AND_DOC_HOSTS,
    SERVICE_API_HOSTS,
    expression_head,
    hostless_sites,
    numeric_ipv4,
)
from policies.core.references_ascii import contains, finditer
from policies.core.script_sites import CSI_DRIVERS, created_accounts, csi_volumes

_BUCKET_WORDS = ("-bucket", "Bucket", "_task", "-task", "upload_file", ".Object(", ".copy(", ".upload(")
_ARN = re.compile(r"arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9*-]*):([0-9*]*|aws)?:([^\s\"',;)]+)")
_AZURE_ID = re.compile(r"/subscriptions/[0-9a-zA-Z*-]+(?:/[^\s\"',;?)]+)?", re.I)
# A private link service alias (`<prefix>.<guid>.<region>.azure.privatelinkservice`, what a private endpoint
# may connect to instead of the service's id): a host whose region label places it.
_PLS_ALIAS = re.compile(r"[a-z0-9-]+\.[0-9a-f-]{36}\.[a-z0-9]+\.azure\.privatelinkservice\b", re.I)
# A tenant-level id under a management group: no `/subscriptions/` segment, found by its own prefix.
_MG_ID = re.compile(
    r"/providers/microsoft\.management/managementgroups/[^\s\"',;?)/]+(?:/[^\s\"',;?)]+)?", re.I
)
_URL = re.compile(r"\b([a-z][a-z0-9+.-]*)://(?:[^/\s@\"']*@)?(\[[0-9a-f:.]+\]|[^/\s:?#\"',;)]+)", re.I)
_MAIL = re.compile(r"[\w.+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})", re.I)
_CLOUD_HOST = re.compile(
    r"(?:[a-z0-9-]+\.)+(?:amazonaws\.com(?:\.cn)?|aws|windows\.net|azure\.(?:com|net|us|cn)|azurewebsites\.net|"
    r"cloudapp\.net|cloudfront\.net|azureedge\.net|azurefd\.net|trafficmanager\.net|azure-api\.net|"
    r"azurecr\.io|azurecontainer\.io|azurecontainerapps\.io|chinacloudapi\.cn|usgovcloudapi\.net|"
    r"azurestaticapps\.net|azure-devices\.net|servicebus\.windows\.net|on\.aws|api\.aws)\b(?!\.[a-z0-9])",
    re.I,
)
_BARE_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})\.?$", re.I)
_AWS_REGION = re.compile(
    r"\b(?:us|af|ap|ca|cn|eu|eusc|il|me|mx|sa)(?:-gov|-iso[a-z]?)?-"
    r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest|de-east)-\d\b",
    re.I,
)
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_ANY_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}\.?$", re.I)
# Tokens of a string that may each be a host: connection strings (`Server=tcp:h,1433;…`), host:port lists
# (`b-1.x:9092,b-2.x:9092`), command lines. A scheme-like prefix (`tcp:`) and a port are not part of the host.
# URI schemes that identify rather than locate: Entra application ID URIs (`api://<app>`), e.g. the token
# audience `api://AzureADTokenExchange` of workload identity federation. One with a domain is still a host.
_IDENTIFIER_SCHEMES = frozenset({"api"})
_S3_SCHEMES = frozenset({"s3", "s3a", "s3n", "s3ssl"})
_RELATIVE_URL = re.compile(r"(?<![:/\w])//((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(?=[/:?#\s\"',;)]|$)", re.I)
# The variable a templated host begins with (`https://${ACCT}.blob.…`, `$ACCT.blob.…`, `{acct}.blob.…`),
# ending where the cloud host's own labels begin (round 87: the labels alone were a host of their own).
_TEMPLATE_HEAD = re.compile(r"(?:\$?\{\w+\}\.|\$\w*)$")
_TOKEN_SPLIT = re.compile(r"[\s;,=()\"'<>|]+")
_TOKEN = re.compile(r"[^\s;,=()\"'<>|]+")  # (the tokens _TOKEN_SPLIT separates)
_TOKEN_PREFIX = re.compile(r"^[a-z]+:(?=[a-z0-9\[])")
_PORT = re.compile(r":\d{1,5}$")
# An IPv6 address standing on its own (bare, or bracketed with a port); never a piece of an ARN or a word.
_IPV6_FIND = re.compile(
    r"(?<![\w:.\[-])\[?[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:(?:\.\d{1,3}){3})?\]?(?::\d{1,5})?"
    r"(?![\w.:-])",
    re.I,
)
# A Bedrock cross-region inference profile id (`us.anthropic.claude-…-v1:0`, also inside an ARN): its prefix
# is the geography the requests are routed across, whatever region the ARN or the provider names.
_INFERENCE_PROFILE = re.compile(
    r"(?<![\w.-])(us-gov|us|eu|apac|jp|au|ca|global)\.[a-z0-9-]+\.[a-z0-9.-]*?-v\d+(?::\d+)?(?![\w.-])", re.I
)
# The same geography prefix on any cross-region profile: in an ARN (`…:inference-profile/us.…`,
# `…:guardrail-profile/us.guardrail.v1:0`) and as a guardrail profile id (`eu.guardrail.v1:0`).
_GEO_PROFILE = re.compile(
    r"(?:-profile/|(?<![\w.-])(?=[a-z-]+\.guardrail\.v\d))(us-gov|us|eu|apac|jp|au|ca|global)\.", re.I
)
# A URL that calls the API of a host in SERVICE_API_HOSTS (a versioned path after the host).
_API_PATH = re.compile(r"(?::\d+)?/(?:v\d+(?:\.\d+)?|beta)(?![\w.])", re.I)
# Commands that upload a package or an image to a registry.
_PUBLISH = re.compile(
    r"\b(?:(?:npm|yarn|pnpm|poetry|cargo|flit|hatch)\s+publish|twine\s+upload|dotnet\s+nuget\s+push|"
    r"(?:docker|podman|nerdctl)\s+(?:image\s+)?push|(?:buildah|helm|oras|gem|nuget)\s+push|"
    r"crane\s+(?:push|copy|append)|skopeo\s+copy|buildx\s+build\b[^\n;&|]*\s--push|"
    r"rclone\s+(?:copy|copyto|sync|move)|git\s+push|"
    r"gh\s+(?:release\s+(?:upload|create)|gist\s+create))\b",
    re.I,
)
# A storage connection string: the account, and its endpoint suffix (core.windows.net when left out).
_CONN_ACCOUNT = re.compile(r"AccountName=([a-z0-9]+)(?:;(?:[^;]*;)*?EndpointSuffix=([a-z0-9.]+))?", re.I)
_VAULT_NAME = re.compile(r"VaultName=([a-z0-9-]{3,24})", re.I)
# An API Management policy routes to a backend entity by its id (`<set-backend-service backend-id="x" />`):
# a Backend of the stack (whose URL is judged), or one defined by hand whose URL is anywhere.
APIM_BACKEND = "azure-native:apimanagement:Backend"
_BACKEND_ID = re.compile(r"backend-id\s*=\s*[\"']([^\"'@{}]+)[\"']", re.I)
# XML namespace names and schema locations identify a vocabulary (`xmlns="http://activemq.apache.org/…"`):
# nothing is sent there (a schema is fetched, like code), so they are not read as references.
_XML_NAMESPACES = re.compile(r"\b(?:xmlns(?::[\w-]+)?|xsi:schemaLocation)\s*=\s*(\"[^\"]*\"|'[^']*')")
# Top-level-domain labels a bare string must end in to count as a hostname (file names like main.py,
# settings.yaml or app.handler must not): generic TLDs, EEA and common country codes, reserved names.
TLDS = frozenset([
    "com", "net", "org", "io", "eu", "be", "nl", "de", "fr", "lu", "ie", "at", "dk", "se", "fi", "es", "it",
    "pt", "pl", "cz", "sk", "hu", "ro", "bg", "gr", "hr", "si", "ee", "lv", "lt", "mt", "cy", "is", "no",
    "li", "ch", "uk", "us", "ca", "au", "nz", "jp", "cn", "ru", "in", "br", "za", "sg", "hk", "kr", "tw",
    "cloud", "app", "dev", "ai", "co", "biz", "info", "gov", "edu", "mil", "int", "tech", "online", "site",
    "xyz", "example", "test", "invalid", "localhost", "internal", "local", "lan", "corp", "aws"])

# Newer generic TLDs seen on vendor and SaaS hosts; a bare name ending in one counts as a host only under at
# least two more labels (`logs.acme-analytics.shop`), so dotted code names (`app.handler`) stay names.
# Words that are also common code identifiers (`app.api.services`, `com.acme.network`) are left out, and a
# reverse-DNS package name (`com.…`, `org.…`) is no host.
DEEP_TLDS = frozenset([
    "shop", "club", "digital", "solutions", "company", "agency", "website", "today", "ltd", "vip",
    "wiki", "blog", "studio", "design"])


# A percent-encoded unreserved character (a letter, digit, `-`, `.`, `_` or `~`) is that character (RFC 3986
# 2.3: URIs that differ only so are equivalent, and clients decode them): `s3%2Eus-east-1.amazonaws.com`
# written without a scheme is the host `s3.us-east-1.amazonaws.com` to the SDK or socket it is handed to
# (round 59), so a text is read with them decoded; reserved ones (`%2F`, `%3A`) stay for encodings.py.
_UNRESERVED = re.compile(r"%(?:2[de]|3[0-9]|[46][1-9a-f]|[57][0-9a]|5f|7e)", re.I)
_IKEY = re.compile(r"(?i)instrumentationkey=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


# Two-letter name endings that are file extensions more often than country domains in a program's inputs.
FILE_EXTENSIONS = frozenset(
    [
        "py", "js", "ts", "gz", "md", "sh", "rs", "go", "cs", "rb", "pl", "pm", "db", "so", "cc", "hh",
        "mm", "ps", "xz", "bz", "tf", "kt", "hs", "ex", "el", "vb", "fs", "ml", "nc", "ai", "h5", "lz",
        "id", "ko", "mo", "po", "rc", "ui", "am", "ac",
    ]
)


# Necessary conditions of _CLOUD_HOST and _AWS_REGION, cheap to test first (tests/policies hold them to it):
# a cloud suffix after a dot, with _CLOUD_HOST's flags (every `azure…` suffix starts with `azure`; `on.aws`,
# `api.aws` end in `.aws`); a region's direction word (north, …, southwest, de-east) ends in h, l or t before
# `-<digit>` (no other character folds to those; the literal `-` first keeps the search fast).
_CLOUD_SUFFIX = re.compile(
    r"\.(?:amazonaws\.com|aws|windows\.net|azure|cloudapp\.net|cloudfront\.net|trafficmanager\.net|"
    r"chinacloudapi\.cn|usgovcloudapi\.net)",
    re.I,
)
_REGION_HINT = re.compile(r"-(?<=[hltHLT]-)\d")
# Round 88: the `--region` of an AWS CLI listing (`aws ec2 describe-regions --region us-east-1`, `list-…`)
# places nothing there: its region is no token (its ARNs and hosts still are). A `get-…` may find what a later
# command sends to (`get-queue-url`, good/r38-11's mutants): its region counts.
_AWS_READ_REGION = re.compile(
    r"(\baws\s+[a-z0-9-]+\s+(?:describe|list)-[\w-]+[^\n;|&]*?)\s--region(?:\s+|=)[\"']?[a-z0-9-]+[\"']?")


def _service_name(host: str) -> bool:
    return host.count(".") == 2 and host.endswith(".amazonaws.com")


Found = tuple[tuple[str, str, bool], ...]
QUIET: set[tuple[str, str, bool]] = set()  # (text, key, principal) of plain strings that hold no reference
QUIET_MAX = 65536


@functools.lru_cache(maxsize=16384)
def text_plan(
    s: str, region_key: bool, bucket_key: bool, dest_key: bool, principal: bool
) -> tuple[Found, Found, tuple[str, ...]] | None:
    """(added first, found in the text, AWS region tokens added only when the text added nothing new) of a
    plain string; None when it holds no reference."""
    pre: Found = ()
    if "%" in s:
        s = _UNRESERVED.sub(lambda m: chr(int(m.group(0)[1:], 16)), s)
    if "xmlns" in s or "schemaLocation" in s:
        s = _XML_NAMESPACES.sub(" ", s)
    if region_key:  # a list of regions (`North Europe,West Europe`: SDK preferred regions) is each (round
        # 29); one value is kept as written: a padded `eu-west-1 ` is no region name (round 73)
        parts = re.split(r"[,;]", s)
        pre = tuple(("region", p.strip(), False) for p in parts if p.strip()) if len(parts) > 1 else ()
        pre = pre or (("region", s, False),)
    elif bucket_key and BUCKET_NAME.match(s) and s not in ("true", "false"):  # a flag (`NewBucket`: r42)
        pre = (("bucket", s, False),)  # an S3 bucket by name: only the stack (or a record) can place it
    found: list[tuple[str, str, bool]] = []
    if "=" in s and "accountname=" in s.lower():  # a storage connection string (dots or not): its suffix is
        # read into the account's host, no host of its own (one written before AccountName stays a host)
        for m in _CONN_ACCOUNT.finditer(s):
            found.append(("host", f"{m.group(1)}.blob.{m.group(2) or 'core.windows.net'}".lower(), False))
        s = _CONN_ACCOUNT.sub(lambda m: m.group(0)[: (m.start(2) if m.group(2) else m.end()) - m.start()], s)
    if "=" in s and "instrumentationkey=" in s.lower():  # an Application Insights connection string
        found += [("guid", m.group(1).lower(), False) for m in _IKEY.finditer(s)]  # its component, by GUID
    if "backend-id" in s:
        found += [("named", f"{APIM_BACKEND}|{m.group(1)}", False) for m in _BACKEND_ID.finditer(s)]
    if "=" in s and "vaultname=" in s.lower():  # a Key Vault reference `@Microsoft.KeyVault(VaultName=x;…)`
        found += [("host", f"{m.group(1).lower()}.vault.azure.net", False) for m in _VAULT_NAME.finditer(s)]
    if any(w in s for w in _BUCKET_WORDS):  # a bucket a command option or SDK call names (rounds 35, 36)
        found += option_buckets(s)
    if may_name(s):  # a storage account or vault a CLI or PowerShell option names (r84; r86: or none)
        found += command_names(s)
    if may_place(s):  # round 87: regions, other groups' names, defaults, URLs in variables, SDK clients
        found += command_places(s)
    if s.startswith("#{"):
        found += [("site", why, False) for why in expression_head(s)]
    if ":" in s:
        _colon(s, principal, found)
        found = held_buckets(s, found) if "s3" in s else found  # `s3://{bucket}/`, `s3://$B/` (round 38)
    if "." in s:
        _dotted(s, principal, dest_key, found)
        found = held_hosts(s, found) if "{" in s else found  # `f"https://{name}.vault…"` (round 87)
    if ".csi." in s:  # round 93: a CSI driver's name is no host; the store its volume mounts is
        found = [f for f in found if f[0] != "host" or f[1] not in CSI_DRIVERS] + csi_volumes(s)
    if "torageAccount" in s or "storage account create" in s:  # round 91: accounts the script creates
        found = [f for f in found if f[0] != "host" or f[1] not in created_accounts(s)]
    if "-v" in s or "-profile/" in s or ".guardrail." in s:
        geos = {m.group(1).lower() for m in finditer(_INFERENCE_PROFILE, s, s.lower())}
        geos.update(m.group(1).lower() for m in finditer(_GEO_PROFILE, s, s.lower()))
        found += [("inference-profile", g, False) for g in sorted(geos)]
    # a publish command whose target is the default public registry or one of the code sources
    # (registry.npmjs.org, Docker Hub, ghcr.io): an upload outside the stack; an explicit other
    # target (an ECR/ACR/CodeArtifact host, a declared registry) is judged as that host instead
    if (
        " " in s
        and ("ush" in s or "ublish" in s or "pload" in s or "opy" in s or "reate" in s or "ppend" in s
             or "sync" in s or "move" in s)
        and (m := _PUBLISH.search(s))
        and all(h in CODE_AND_DOC_HOSTS for k, h, _ in found if k == "host")
    ):
        found.append(("publish", m.group(0).lower(), False))
    if "s3-accesspoint" in s:  # an access point host names its account (core/account_urls.py)
        found += [("arn", arn, False) for k, h, _ in list(found) if k == "host" and (arn := host_arn(h))]
    tokens: tuple[str, ...] = ()
    if "-" in s and _REGION_HINT.search(s):
        t = _AWS_READ_REGION.sub(r"\1", s) if "--region" in s and "aws " in s else s
        tokens = tuple(m.group(0).lower() for m in finditer(_AWS_REGION, t, t.lower()))
    if not pre and not found and not tokens:
        return None
    return pre, tuple(found), tokens


def _colon(s: str, principal: bool, out: list[tuple[str, str, bool]]) -> None:
    if "arn:" in s:
        for m in _ARN.finditer(s):
            out.append(("arn", m.group(0), principal))
    if "://" in s:
        for m in _URL.finditer(s):
            host = m.group(2).lower().rstrip(".")
            if m.group(1).lower() in _IDENTIFIER_SCHEMES and "." not in host:
                continue   # names an application (an Entra token audience, a GUID), not a place
            # s3://<bucket>/… (also s3a, s3n, s3ssl): a bucket by name, placed by the stack or a record
            kind = "bucket" if m.group(1).lower() in _S3_SCHEMES and "." not in host else "host"
            host = _url_host(host) if kind == "host" else host
            if host in SERVICE_API_HOSTS and _API_PATH.match(s, m.end()):
                kind = "service-api"  # a call to the API, not the identifier
            out.append((kind, host, principal))
            if ".amazonaws.com" in host and (arn := url_arn(host, s, m.end())):  # its account too
                out.append(("arn", arn, False))
            if host.endswith(".logic.azure.com") and (wf := workflow_key(s, m.start())):  # round 27
                out.append(("named", wf, False))
        out += [("site", why, False) for why in hostless_sites(s)]  # `tunnel:///…`: no host to place
    if ("::" in s or s.count(":") >= 7) and not s.startswith("arn:"):  # an ARN is one reference
        for m in _IPV6_FIND.finditer(s):
            if ip := _ipv6(m.group(0).lower()):
                out.append(("host", ip, False))


def _url_host(host: str) -> str:
    """A URL's host as an address when it is one: an IPv6 literal (`[::ffff:52.95.245.1]`, with its dotted
    tail) or a numeric IPv4 form (`878703873`, `0x345ff501`) is judged as the address clients connect to
    (round 56)."""
    if host.startswith("["):
        return _ipv6(host) or host
    return numeric_ipv4(host) or host


def _ipv6(tok: str) -> str | None:
    """The IPv6 address a token is (bracketed and with a port, or bare), None if it is none."""
    t = tok[1:].split("]", 1)[0] if tok.startswith("[") else tok
    try:
        ip = ipaddress.IPv6Address(t)
    except ValueError:
        return None
    # an IPv4-mapped address (`::ffff:198.51.100.7`) is that IPv4 address, judged as one
    return str(ip.ipv4_mapped) if ip.ipv4_mapped else str(ip)


def _host_token(tok: str, principal: bool, dest_key: bool) -> tuple[str, str, bool] | None:
    bare = _TOKEN_PREFIX.sub("", tok.strip())
    no_port = _PORT.sub("", bare)
    t = no_port.rstrip(".")
    if not t or "." not in t or "/" in t or ":" in t or "@" in t:
        return None
    if t.startswith("microsoft.") and t.rsplit(".", 1)[-1] not in TLDS:
        return None  # an ARM namespace or event type (`Microsoft.Resources.Subscriptions`), not a host
    # an IP anywhere; any host in a destination field, or anywhere with a port of two digits or more
    # (`logs.acme.shop:9200`; a model version `…-v1:0` is no port)
    if _IP.match(t) or ((dest_key or len(bare) - len(no_port) > 2) and _ANY_HOST.match(t)):
        return ("host", t, False)
    m = _BARE_HOST.match(t)
    # a listed TLD; or any other two-letter (country) TLD under at least two more labels
    # (`collector.exfil.me`) that is not also a file extension (`gunicorn.conf.py`, `dump.sql.gz`)
    tld = m.group(1) if m else ""
    deep = t.count(".") >= 2 and (
        (tld in DEEP_TLDS and t.split(".", 1)[0] not in TLDS)
        or (len(tld) == 2 and tld not in FILE_EXTENSIONS)
    )
    if m and (tld in TLDS or deep):
        return ("host", t, principal or _service_name(t))
    return None


def _dotted(s: str, principal: bool, dest_key: bool, out: list[tuple[str, str, bool]]) -> None:
    # a protocol-relative URL (`//host/path`): the scheme is the page's, the host a destination
    if "//" in s and s.count("//") > s.count("://"):
        for m in _RELATIVE_URL.finditer(s):
            out.append(("host", m.group(1).lower().rstrip("."), principal))
    low = s.lower()
    spans: list[tuple[int, int]] = []
    if "subscriptions/" in low:  # ARM ids are case-insensitive (`/SubScriptions/…` is an id too)
        for m in finditer(_AZURE_ID, s, low):  # ASCII: by its twin (policies/core/references_ascii.py)
            spans.append(m.span())
            out.append(("azure-id", s[m.start():m.end()].rstrip("/"), False))
    if "managementgroups/" in low:
        for m in _MG_ID.finditer(s):
            if not any(a <= m.start() < b for a, b in spans):  # not the tail of a subscription-scoped id
                out.append(("azure-id", m.group(0).rstrip("/"), False))
    if "privatelinkservice" in low:
        out.extend(("host", m.group(0).lower(), False) for m in _PLS_ALIAS.finditer(s))
    if "@" in s:
        for m in _MAIL.finditer(s):
            out.append(("host", m.group(1).lower(), False))
    if _CLOUD_SUFFIX.search(s) and (  # _CLOUD_HOST (costly) where a suffix is, under the hints as before
        ".com" in low or ".net" in low or ".io" in low or ".aws" in low or ".us" in low or ".cn" in low
        or "accountname=" in low
    ):
        for m in finditer(_CLOUD_HOST, s, low):
            host = s[(a := m.start()):(b := m.end())].lower()
            if a and s[a - 1] in "._$" and (
                    t := _TEMPLATE_HEAD.search(s[max(a - 64, 0):a])):  # round 87: `${ACCT}.blob.…`, `$ACCT.…`
                host = (t.group(0) + s[a:b]).lower()  # the whole templated name, not its last labels
            # `iam.amazonaws.com` outside a URL names a service (principal, event source), not an endpoint
            named = principal or (_service_name(host) and f"://{host}" not in low)
            out.append(("host", host, named))
            if s.startswith("/", b) and s[max(a - 3, 0):a] != "://" and (
                    arn := path_arn(host, s, b)):  # scheme-less: `s3.<region>.…/<bucket>/…`
                out.append(("arn", arn, False))
    bare = low.strip().rstrip(".")
    if not contains(_TOKEN_SPLIT, bare):  # one token: an ARN, id or path (with `/`) holds no bare host
        if "/" not in bare and (found := _host_token(bare, principal, dest_key)):
            out.append(found)
        return
    seen = {v for k, v, _ in out if k == "host"}
    for m in _TOKEN.finditer(bare):  # each token of a connection string, list or command line
        tok = m.group(0)
        # round 89: a dotted name called in code (`datetime.date.today()`: `.today` is a TLD) is no host
        found = _host_token(tok, principal, dest_key) if "." in tok and "/" not in tok and (
            bare[m.end():m.end() + 1] != "(") else None
        if found and found[1] not in seen:
            seen.add(found[1])
            out.append(found)
