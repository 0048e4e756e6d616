"""The state backend and secrets provider of a stack, read from the project's files (the CLI never tells a
policy pack where the state lives): `Pulumi.yaml` `backend.url`, the stack file's `secretsprovider` /
`encryptionsalt`, and every `PULUMI_BACKEND_URL` / `pulumi login <url>` in the repository's CI workflows.

Which directory holds which project comes from the pack config (`projectDirs`: project name -> directory,
relative to the repository; the repository's root project is known without it); a project that is not
listed cannot be placed and blocks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from policies.core import yaml_text
from policies.core.records import REPO_ROOT

_WORKFLOW_URL = re.compile(
    r"PULUMI_BACKEND_URL\s*[:=]\s*['\"]?([^'\"\s#]+(?:\s*\}\})?)|pulumi\s+login\s+([^\s;&|]+)"
)
CONFIDENTIAL = ("vertrouwelijk", "strikt-vertrouwelijk")


@dataclass(frozen=True)
class StateSettings:
    """Where a stack's state and the key of its secrets are decided, with the file each came from."""

    backends: tuple[tuple[str, str], ...]
    """(source, backend URL) pairs; empty: nothing chosen, so the CLI's default (Pulumi Cloud)."""
    secrets_provider: str | None
    encryption_salt: bool
    source: str
    problems: tuple[str, ...] = ()


def _yaml(path: Path) -> tuple[dict, str | None]:
    try:
        data = yaml_text.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, f"{_shown(path)}: not found"
    except (OSError, yaml.YAMLError) as e:
        return {}, f"{_shown(path)}: cannot be read ({type(e).__name__})"
    return (data if isinstance(data, dict) else {}), None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def state_settings(project_dir: str, stack: str) -> StateSettings:
    """Read on every call — once per judged stack, by a stack rule: never remembered across stacks or runs,
    whose files and PULUMI_BACKEND_URL may differ (round 16)."""
    root = (REPO_ROOT / project_dir).resolve()
    project, problem = _yaml(root / "Pulumi.yaml")
    problems = [problem] if problem else []
    backends: list[tuple[str, str]] = []
    url = (project.get("backend") or {}).get("url") if isinstance(project.get("backend"), dict) else None
    if isinstance(url, str) and url.strip():
        backends.append((f"{_shown(root / 'Pulumi.yaml')} backend.url", url.strip()))
    env_url = os.environ.get("PULUMI_BACKEND_URL", "").strip()
    if env_url:  # the deploy job's own environment: the CLI running the packs uses it (a plugin inherits it)
        backends.append(("environment PULUMI_BACKEND_URL", env_url))
    for wf in sorted((REPO_ROOT / ".github" / "workflows").glob("*.y*ml")):
        for m in _WORKFLOW_URL.finditer(wf.read_text(encoding="utf-8")):
            backends.append((f"{_shown(wf)} PULUMI_BACKEND_URL", (m.group(1) or m.group(2)).strip()))
    config_dir = root / str(project.get("stackConfigDir") or ".")
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    data, problem = _yaml(stack_file)
    if problem:
        problems.append(problem)
    provider = data.get("secretsprovider")
    return StateSettings(
        tuple(backends),
        provider if isinstance(provider, str) else None,
        bool(data.get("encryptionsalt")),
        _shown(stack_file),
        tuple(problems),
    )


def root_project() -> dict[str, str]:
    """Projects known without pack config: the repository's own (its root Pulumi.yaml `name` -> ".") and
    the program the offline gate is judging (GATE_PROGRAM_DIR, set by the gate for each run). Read on every
    call, as state_settings: remembered once per process, a second program judged in it was taken for the
    first (round 16)."""
    found: dict[str, str] = {}
    for where in (REPO_ROOT, os.environ.get("GATE_PROGRAM_DIR")):
        if where:
            data, _ = _yaml(Path(where) / "Pulumi.yaml")
            name = data.get("name") if isinstance(data, dict) else None
            if isinstance(name, str):
                found.setdefault(name, "." if Path(where) == REPO_ROOT else str(where))
    return found


PROJECT_DIRS_SCHEMA = {
    "projectDirs": {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "Pulumi project name -> its directory (relative to the repository), whose Pulumi.yaml "
        "and stack files decide the state backend and secrets provider, and whose `main` the program's "
        "working directory.",
    },
}


def project_dir(config: dict) -> str | None:
    """The directory of the project being judged (PULUMI_PROJECT), from the pack config's `projectDirs` or
    `root_project`; None when it is not listed."""
    return {**root_project(), **(config.get("projectDirs") or {})}.get(os.environ.get("PULUMI_PROJECT", ""))


def unlisted() -> str:
    """Why the project being judged cannot be found (the start of a message)."""
    return f"project {os.environ.get('PULUMI_PROJECT', '')!r} is not in the policy config `projectDirs`"


def program_depth(config: dict) -> int | str:
    """How many directories the program's working directory lies below the project's root, or why that is
    unknown. Pulumi's CLI (`getPwdMain`, pkg/engine/project.go) runs the program in the project's root, or
    in `main` when it names a directory, or in the directory of the file it names; a `main` outside the
    root is refused."""
    where = project_dir(config)
    if where is None:
        return unlisted() + ", so where its program runs is unknown"
    root = (REPO_ROOT / where).resolve()
    project, problem = _yaml(root / "Pulumi.yaml")
    main = project.get("main") or "."
    if problem or not isinstance(main, str):
        return problem or f"{_shown(root / 'Pulumi.yaml')}: main is no path"
    program = (root / main).resolve()
    if not program.exists() or not program.is_relative_to(root):
        return f"{_shown(root / 'Pulumi.yaml')}: main {main!r} is not a path under the project"
    return len((program if program.is_dir() else program.parent).relative_to(root).parts)


def parse_backend(url: str) -> tuple[str, str, str | None]:
    """(scheme, host the state goes to, region when the URL states it)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    region = (query.get("region") or [None])[0]
    scheme = parts.scheme.lower()
    override = _endpoint_override(parts.netloc, query)
    if override is not None:   # the bytes go to that host; `region` then only signs the requests
        return scheme, override, None
    if scheme == "s3":
        return scheme, f"{parts.netloc}.s3.amazonaws.com", region
    if scheme == "azblob":
        account = (query.get("storage_account") or [""])[0]
        return scheme, f"{account}.blob.core.windows.net" if account else "", region
    if scheme == "awskms":
        arn_region = parts.netloc.split(":")[3] if parts.netloc.startswith("arn:") else None
        return scheme, "", region or arn_region
    if scheme == "azurekeyvault":
        return scheme, parts.netloc.lower(), region
    return scheme, parts.netloc.lower(), region


def _endpoint_override(bucket: str, query: dict[str, list[str]]) -> str | None:
    """The host a backend/key URL's query sends traffic to instead of the service's regional one
    (go-cloud `endpoint`/`hostname`/`domain`; `accelerate` goes through S3's worldwide edge)."""
    for key in ("endpoint", "hostname", "domain"):
        value = (query.get(key) or [""])[0].strip()
        if value:
            return (urlsplit(value).hostname or "" if "//" in value else value.split("/")[0]).lower()
    if (query.get("accelerate") or ["false"])[0].lower() in ("true", "1"):
        return f"{bucket}.s3-accelerate.amazonaws.com"
    return None
