"""What a script's AWS and Helm commands do beyond rounds 87-88's (round 91), for command_places.

- **Regions held by a variable**: an AWS command that creates or changes something (`aws rds
  create-db-instance-read-replica … --region "$DR_REGION"`, not a `describe-`/`list-` read) in a region the
  script takes from a variable or computes: the region is judged as a `-l $LOC` of `az` is (the resource's own
  environment, else it blocks). A literal region is a region token wherever it is written.
- **Global edges and global constructs made by a script**: S3 Transfer Acceleration turned on (`aws s3api
  put-bucket-accelerate-configuration … Status=Enabled`), an edge-optimized REST API (`aws apigateway
  create-rest-api` without `types=REGIONAL|PRIVATE`: EDGE is the default), a Lightsail distribution, a Static
  Web App's enterprise edge; a global database, table, datastore or multi-region cluster (`aws rds
  create-global-cluster`, `aws dynamodb create-global-table`, `aws elasticache
  create-global-replication-group`, `aws memorydb create-multi-region-cluster`): as round 88's Front Door and
  CloudFront made by a script, they block; the program must declare them, where
  `disallow-global-edge-services` judges them.
- **Options in a file**: a writing AWS command given `--cli-input-json|--cli-input-yaml` from a file or a
  variable (`file:///tmp/replication.json`, fetched when the script runs) takes its destination from text the
  pack does not read: it blocks (inline JSON is scanned where written).
- **Storage accounts the script creates** (round 89's limit): `az storage account create -n x -l westeurope`
  and `New-AzStorageAccount -Name x -Location westeurope` place the account `x` by their region (judged as a
  region reference), so the name's host `x.blob.core.windows.net` needs no resource of the stack, in that
  command and in the commands after it — provided they run only when the creation succeeded (an account
  name is global: when another party holds it, the creation fails and a later upload would reach theirs).
  So the creation must be the text's last command, be followed by `&&`, or stop the script on failure (`set
  -e`, `-ErrorAction Stop`, `$ErrorActionPreference = 'Stop'`); a region that is no literal is not accepted
  (the name then blocks as before) unless it is a variable the text assigns a literal (round 92:
  `LOC=westeurope; … -l "$LOC"`); a geo-redundant SKU (a copy in the paired region) keeps the name blocked
  and, since round 92, blocks with its own message saying why.
- **Helm and kubectl**: `helm install|upgrade` deploys a chart (templates, values, images) the pack does not
  read: an opaque deployer, as `az deployment … create` (round 87). Round 92 judges `kubectl apply|create|
  replace -f|-k` of manifests the text does not hold (a file, a directory, a URL, a pipe) and `kustomize
  build` alike (round 87's limit); `kubectl apply -f - <<EOF` with the manifests written in the text is
  scanned where written, and commands that apply nothing (`rollout restart`, `get`) are not read.
- **Volumes of manifests written in the text** (round 93): a CSI driver's name (`blob.csi.azure.com`,
  `s3.csi.aws.com`) is no host; the store it mounts is: a Blob or Azure Files CSI volume's `storageAccount`
  is that account's host, the S3 CSI driver's `bucketName` a bucket; such a volume naming no account (the
  account and key in a Kubernetes secret the pack does not read) blocks (`CSI_WHY`).
"""

from __future__ import annotations

import re

from policies.core.command_names import assigned

WORD = r"(?:\"([^\"\n]*)\"|'([^'\n]*)'|([^\s\"';|&)(]+))"
_AWS_WRITE = re.compile(r"\baws\s+[a-z0-9-]+\s+(?!describe-|list-)[a-z0-9-]+\b[^\n;|&]*")
_REGION = re.compile(rf"\s--region(?:\s+|=){WORD}|(?i:\"?RegionName\"?)\s*[=:]\s*\"?([^\s\"';|&)(,}}]+)")
# the CLI's region for every later command (`export AWS_DEFAULT_REGION="$DR_REGION"`)
_OWN_REGION = re.compile(r"\$\{?AWS_(?:DEFAULT_)?REGION\}?")  # set by Lambda, CodeBuild, ECS: the resource's
_DEFAULT_REGION = re.compile(rf"(?<![\w$])AWS_(?:DEFAULT_)?REGION=(?=\S){WORD}")
_COMPUTED = re.compile(r"[$`(]")
EDGES = re.compile(
    r"\baws\s+(?:s3api\s+put-bucket-accelerate-configuration\b[^\n;|&]*?Status=Enabled|"
    r"lightsail\s+create-distribution|"
    r"apigateway\s+create-rest-api\b(?![^\n;|&]*types=(?:REGIONAL|PRIVATE)))|"
    r"\baz\s+staticwebapp\s+enterprise-edge\s+enable\b")
_GLOBAL = re.compile(r"\baws\s+(?:rds\s+(?:create|modify)-global-cluster|"
                     r"dynamodb\s+(?:create|update)-global-table|"
                     r"elasticache\s+(?:create|modify)-global-replication-group|"
                     r"memorydb\s+create-multi-region-cluster)\b")
_GLOBAL_WHY = ("runs `{}`, which joins a database, table or cache to a global construct (a global database, "
               "table, datastore or multi-region cluster) outside the program: members of it can be added in "
               "any region, outside the EEA; declare it in this stack's program instead, where "
               "disallow-global-edge-services judges it")
_FILE = re.compile(r"\baws\s+[a-z0-9-]+\s+(?!describe-|list-|get-)[a-z0-9-]+\b[^\n;|&]*?"
                   r"--cli-input-(?:json|yaml)(?:\s+|=)(?![\"']?[{\[]|[\"']?[\w-]+\s*:\s)[^\s;|&]+")
_FILE_WHY = ("runs `{}`, which takes its options from a file or variable the pack does not read (they are "
             "read when the script runs): where the command sends or copies data cannot be judged; write the "
             "options in the command (inline JSON is scanned) or declare the resource in this stack's "
             "program")
# (round 92: `kubectl apply|create|replace -f|-k` of manifests not written in the text, as a chart; `-f -` fed
# by a heredoc is scanned where written; `kustomize build`, `kubectl kustomize` render manifests unread)
RELEASES = re.compile(r"\bhelm\s+(?:install|upgrade)\b[^\n;|&]*|\b(?:kubectl\s+kustomize|kustomize\s+build)\b"
                      r"[^\n;|&]*|\bkubectl\s+(?:[^\n;|&]*?\s)?(?:apply|create|replace)\b(?=[^\n;|&]*?\s(?:-f|"
                      r"--filename|-k|--kustomize)(?:\s+|=)(?![\"']?-[\"']?\s*<<))[^\n;|&]*")
_CREATE = re.compile(r"(?i)(?:\baz\s+storage\s+account\s+create\b|(?<![\w-])New-AzStorageAccount\b)[^\n;|&]*")
_CREATE_NAME = re.compile(r"(?i)\s(?:--name|-n|-Name|-AccountName|-StorageAccountName)(?:\s+|=|:)[\"']?"
                          r"([a-z0-9]{3,24})[\"']?(?=\s|$)")
_CREATE_LOCATION = re.compile(r"(?i)\s(?:--location|-l|-Location)(?:\s+|=|:)[\"']?"
                              r"([a-z][a-z0-9]*|\$\{?\w+\}?)[\"']?(?=\s|$)")
_GEO_SKU = re.compile(r"(?i)\b(?:standard_)?(?:RA)?GZ?RS\b")
_GEO_WHY = ("runs `{}`, which creates a storage account with the geo-redundant SKU `{}`: Azure keeps a copy "
            "in the paired region, which a script's account does not let the pack judge; use an LRS or ZRS "
            "SKU, or declare the account in this stack's program, where its replication is judged")
_STOPS = re.compile(r"(?im)(?:^|[;&]\s*)set\s+-[a-z]*e|\bset\s+-o\s+errexit\b|"
                    r"\$ErrorActionPreference\s*=\s*[\"']?Stop\b|(?<![\w-])(?:ba)?sh\s+-[a-z]*e[a-z]*\s")
_STOP_HERE = re.compile(r"(?i)-ErrorAction(?:\s+|:)[\"']?Stop\b")
_GOES_ON = re.compile(r"(?i)(?<![\w-])-(?:ErrorAction|ea)(?:\s+|:)[\"']?(?!Stop\b)\w")
_TESTED = re.compile(r"(?:\bif|\bwhile|\buntil|!|\|\||&&\s*!)\s*$")


def created_accounts(s: str) -> frozenset[str]:
    """The hosts of the storage accounts the text creates in a region written as a literal (judged as a
    region reference) and whose later commands run only when the creation succeeded."""
    out = set()
    for m in _CREATE.finditer(s):
        cmd, rest = m.group(0), s[m.end():].lstrip()
        name, where = _CREATE_NAME.search(cmd), _CREATE_LOCATION.search(cmd)
        if name is None or where is None or _GEO_SKU.search(cmd) or "$" in assigned(where.group(1), s)[0]:
            continue  # (round 92: a variable the text assigns a literal region is that region)
        if rest[:2] == "||" or _GOES_ON.search(cmd) or _TESTED.search(s[:m.start()]) or "catch" in s:
            continue  # round 91's probes: a failed creation that the script lets go on
        if not rest or rest[:2] == "&&" or _STOP_HERE.search(cmd) or _STOPS.search(s):
            out.add(f"{name.group(1).lower()}.blob.core.windows.net")
    return frozenset(out)


CSI_DRIVERS = frozenset({"blob.csi.azure.com", "file.csi.azure.com", "disk.csi.azure.com", "ebs.csi.aws.com",
                         "efs.csi.aws.com", "s3.csi.aws.com", "fsx.csi.aws.com"})
_CSI_ACCOUNT = re.compile(r"\bstorageAccount\s*:\s*[\"']?([a-z0-9]{3,24}|\$\{?\w+\}?)[\"']?\s*$", re.M)
_CSI_BUCKET = re.compile(r"\bbucketName\s*:\s*[\"']?([a-z0-9][a-z0-9.-]{1,62})[\"']?\s*$", re.M)
CSI_WHY = ("applies a volume of the `{}` CSI driver that names no storage account: the account is taken "
           "from a Kubernetes secret the pack does not read, so where the data goes cannot be judged; write "
           "`storageAccount: <account>` (an account of this stack) in the volume's `volumeAttributes`")


def csi_volumes(s: str) -> list[tuple[str, str, bool]]:
    """The stores the CSI volumes of manifests written in the text mount (round 93)."""
    out = [("host", f"{m.group(1).lower()}.blob.core.windows.net" if m.group(1)[:1] != "$" else m.group(1),
            False) for m in _CSI_ACCOUNT.finditer(s)]
    out += [("bucket", m.group(1), False) for m in _CSI_BUCKET.finditer(s)] if "s3.csi.aws.com" in s else []
    if not out:
        out += [("site", CSI_WHY.format(d), False) for d in ("blob.csi.azure.com", "file.csi.azure.com")
                if d in s]
    return out


HINTS = ("aws ", "helm", "kubectl", "kustomize", "staticwebapp")


def geo_redundant(s: str) -> list[str]:
    """Why each storage account the text creates with a geo-redundant SKU blocks (round 92: it blocked by
    its name only, the message not saying why)."""
    return [_GEO_WHY.format(m.group(0).strip(), g.group(0)) for m in _CREATE.finditer(s)
            if (g := _GEO_SKU.search(m.group(0)))]


def region_words(s: str) -> list[str]:
    """The `--region` of each writing AWS command that the script takes from a variable or computes."""
    if "egion" not in s and "_REGION=" not in s:
        return []
    words = [next(g for g in m.groups() if g is not None) for c in _AWS_WRITE.finditer(s)
             for m in _REGION.finditer(c.group(0))]
    if "_REGION=" in s:  # round 91's probe: the default region of every later command (not the runtime's own)
        words += [w for m in _DEFAULT_REGION.finditer(s) if not _OWN_REGION.fullmatch(
            w := next(g for g in m.groups() if g is not None))]
    return [w.strip() for w in words if _COMPUTED.search(w)]


def sites(s: str) -> list[str]:
    """Why each global construct or options file a script's AWS commands name, and each geo-redundant account
    it creates, blocks."""
    out = geo_redundant(s) if "torageAccount" in s or "storage account create" in s else []
    if "aws " not in s:
        return out
    return (out + [_GLOBAL_WHY.format(m.group(0)) for m in _GLOBAL.finditer(s)]
            + [_FILE_WHY.format(m.group(0).strip()) for m in _FILE.finditer(s)])
