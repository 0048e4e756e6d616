"""Endpoints an image may set for the AWS CLI, s5cmd and the AWS SDKs (rounds 94-95), for
disallow-non-eea-replication.

The AWS CLI and the AWS SDKs take an endpoint from the environment (`AWS_ENDPOINT_URL`,
`AWS_ENDPOINT_URL_<SERVICE>`) or from the `endpoint_url` of the default profile in `~/.aws/config`, unless
`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true` (the SDKs and tools reference guide, "Service-specific
endpoints", checked round 95); s5cmd from `S3_ENDPOINT_URL`. `aws s3 cp f s3://<own bucket>/` then writes to
whatever store the endpoint names, under the own bucket's name. The pack sees the resource's own
environment, not the image's:

- an AWS-curated CodeBuild image (`aws/codebuild/…`) sets none of these: the command goes to AWS;
- any other image (a registry's, an ECR repository's) may: a container on such an image (containers.py: a
  CodeBuild project's buildspec, an ECS task's or a Batch job's command) that runs `aws` without
  `--endpoint-url`, or inline code (`python3 -c`, `node -e`, a here-document) using boto3 or the JavaScript
  SDK without an endpoint in the code, blocks unless the resource (its environment variables, the
  buildspec's `env`, or the script's `export`) sets `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` or the
  endpoint variable itself (then judged as the host it names where it is set); `s5cmd` without
  `--endpoint-url` blocks unless `S3_ENDPOINT_URL` is set there.
"""

from __future__ import annotations

import re

from policies.core.containers import CODEBUILD, containers
from policies.core.local_programs import PREFIXES
from policies.core.shell_words import split
from policies.core.view import ResourceView

ENDPOINT_WHY = ("`{}` runs `{}` on the image `{}`, whose environment or `~/.aws/config` may set the endpoint "
                "(`{}`), which the pack does not see: where the data goes cannot be judged; write "
                "`--endpoint-url https://s3.<allowed region>.amazonaws.com` on the command, set {} in the "
                "resource's environment{}")
_CURATED_FIX = ", or build on an AWS-curated image (`aws/codebuild/…`)"
_CURATED = ("aws/codebuild/", "public.ecr.aws/codebuild/")
_SET = re.compile(r"(?:^|[\s;&|(])(?:export\s+)?([A-Z][A-Z0-9_]*)=[\"']?([^\s;&|\"']*)")
# the SDKs, and (round 96) libraries over them that take the endpoint from the environment too: s3fs,
# aioboto3, awswrangler, smart_open, s3transfer, and any code naming an `s3://` URL (pandas, pyarrow, polars
# reach S3 through s3fs or the AWS SDK for C++, which read AWS_ENDPOINT_URL alike)
_SDK = re.compile(r"\bboto3\b|\bbotocore\b|@aws-sdk/|\baws-sdk\b|\bs3fs\b|\baioboto(?:3|core)\b|"
                  r"\bawswrangler\b|\bsmart_open\b|\bs3transfer\b|\bs3a?://")
_CODE_FLAGS = {"python": ("-c",), "python3": ("-c",), "node": ("-e", "--eval", "-p", "--print")}


def image_endpoints(view: ResourceView) -> list[str]:
    """Why the AWS CLI, s5cmd or SDK commands of a container on an image that may set their endpoint block."""
    out = []
    curated = _CURATED_FIX if view.type == CODEBUILD else ""
    for c in containers(view):
        if c.image is None or c.image.startswith(_CURATED) or not c.script:
            continue
        own = dict(c.env)
        own.update((m.group(1), m.group(2)) for m in _SET.finditer(c.script))
        out += [ENDPOINT_WHY.format(c.where, cmd, c.image, var, fix, curated)
                for cmd, var, fix in _unplaced(c.script, own)]
    return list(dict.fromkeys(out))


def _unplaced(script: str, own: dict) -> list[tuple[str, str, str]]:
    """(command, the variables that may set its endpoint, the setting that fixes it) of each command whose
    endpoint the image may set; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` counts only when `true`."""
    out = []
    ignored = str(own.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "")).lower() == "true"
    for words, _, _, docs in split(script)[0]:
        while words and (words[0] in PREFIXES or "=" in words[0]):
            words = words[1:]  # (`sudo aws …`, `X=1 aws …`: options of a prefix are rare here)
        if not words or any(w == "--endpoint-url" or w.startswith("--endpoint-url=") for w in words):
            continue
        cmd = " ".join(words[:3])
        if words[0] == "aws" and len(words) > 1:
            service = next((w for w in words[1:] if w[:1] != "-"), "")
            var = f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_').removesuffix('API')}"
            if not ignored and "AWS_ENDPOINT_URL" not in own and var not in own:
                out.append((cmd, f"AWS_ENDPOINT_URL, {var}", "`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`"))
        elif words[0] == "s5cmd" and "S3_ENDPOINT_URL" not in own:
            out.append((cmd, "S3_ENDPOINT_URL", "`S3_ENDPOINT_URL`"))
        elif words[0] in _CODE_FLAGS and _sdk_without_endpoint(words, docs) and not ignored and not any(
                k.startswith("AWS_ENDPOINT_URL") for k in own):
            out.append((f"{words[0]} … (an AWS SDK)", "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>",
                        "`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`"))
    return out


def _sdk_without_endpoint(words: list[str], docs: list[str]) -> bool:
    """Whether inline code (`-c`/`-e` or a here-document) uses an AWS SDK and names no endpoint itself (an
    endpoint written in the code is judged by the code readers)."""
    flags = _CODE_FLAGS[words[0]]
    code = next((words[i + 1] for i, w in enumerate(words[:-1]) if w in flags), "\n".join(docs))
    return bool(_SDK.search(code)) and "endpoint" not in code.lower()
