"""Endpoints a build image may set for the AWS CLI and s5cmd (round 94), for disallow-non-eea-replication.

The AWS CLI (and the AWS SDKs) take an endpoint from the environment (`AWS_ENDPOINT_URL`,
`AWS_ENDPOINT_URL_<SERVICE>`) or from the `endpoint_url` of the default profile in `~/.aws/config`; s5cmd
from `S3_ENDPOINT_URL`. `aws s3 cp f s3://<own bucket>/` then writes to whatever store the endpoint names,
under the own bucket's name. The pack sees the resource's own environment, not the image's:

- an AWS-curated CodeBuild image (`aws/codebuild/…`) sets none of these: the command goes to AWS;
- any other image (a registry's, an ECR repository's) may: a CodeBuild project on such an image whose inline
  buildspec runs `aws` without `--endpoint-url` blocks unless the project (its environment variables, the
  buildspec's `env`, or the script's `export`) sets `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` or the
  endpoint variable itself (then judged as the host it names where it is set); `s5cmd` without
  `--endpoint-url` blocks unless `S3_ENDPOINT_URL` is set there.

Other resources running the AWS CLI on an image (ECS tasks, Batch jobs) are not judged this way yet
(docs/residency.md, round 94's leads).
"""

from __future__ import annotations

import re

import yaml

from policies.core.local_programs import PREFIXES
from policies.core.shell_words import split
from policies.core.view import ResourceView

CODEBUILD = "aws:codebuild/project:Project"
ENDPOINT_WHY = ("`{}` runs `{}` on the image `{}`, whose environment or `~/.aws/config` may set the endpoint "
                "(`{}`), which the pack does not see: where the data goes cannot be judged; write "
                "`--endpoint-url https://s3.<allowed region>.amazonaws.com` on the command, set {} in the "
                "project's environment, or build on an AWS-curated image (`aws/codebuild/…`)")
_CURATED = ("aws/codebuild/", "public.ecr.aws/codebuild/")
_SET = re.compile(r"(?:^|[\s;&|(])(?:export\s+)?([A-Z][A-Z0-9_]*)=[\"']?([^\s;&|\"']*)")


def image_endpoints(view: ResourceView) -> list[str]:
    """Why a CodeBuild project's AWS CLI or s5cmd commands on an image that may set their endpoint block."""
    if view.type != CODEBUILD:
        return []
    inputs = view.inputs
    env = inputs.get("environment") if isinstance(inputs.get("environment"), dict) else {}
    image = env.get("image")
    if not isinstance(image, str) or image.startswith(_CURATED):
        return []
    names = {v.get("name"): str(v.get("value")) for v in env.get("environmentVariables") or []
             if isinstance(v, dict)}
    sources = [inputs.get("source"), *(inputs.get("secondarySources") or [])]
    out = []
    for src in sources:
        spec = src.get("buildspec") if isinstance(src, dict) else None
        doc = _load(spec) if isinstance(spec, str) else None
        if not isinstance(doc, dict):
            continue
        own = dict(names)
        for part in ("variables", "parameter-store", "secrets-manager"):
            block = doc.get("env", {}).get(part) if isinstance(doc.get("env"), dict) else None
            own.update(block if isinstance(block, dict) else {})
        phases = doc.get("phases") if isinstance(doc.get("phases"), dict) else {}
        lines = [c for p in phases.values() if isinstance(p, dict) for k in ("commands", "finally")
                 if isinstance(p.get(k), list) for c in p[k] if type(c) is str]
        script = "\n".join(lines)
        own.update((m.group(1), m.group(2)) for m in _SET.finditer(script))
        out += [ENDPOINT_WHY.format("source.buildspec", cmd, image, var, fix)
                for cmd, var, fix in _unplaced(script, own)]
    return list(dict.fromkeys(out))


def _load(spec: str) -> object:
    try:
        return yaml.load(spec, Loader=yaml.BaseLoader)  # (BaseLoader builds only str, list and dict)
    except yaml.YAMLError:
        return None


def _unplaced(script: str, own: dict) -> list[tuple[str, str, str]]:
    """(command, the variables that may set its endpoint, the setting that fixes it) of each command whose
    endpoint the image may set; `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` counts only when `true`."""
    out = []
    ignored = str(own.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "")).lower() == "true"
    for words, _, _, _ in split(script)[0]:
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
    return out
