"""Where a Lambda function's or layer version's code comes from (round 98), for disallow-non-eea-replication.

Inline code (string assets) is read by the reference scanner (round 38); a file of the checkout is the
project's own reviewed code, judged as an image is. Two other shapes put code into the function that neither
the program nor the repository holds, so what it sends where cannot be judged, and they block:

- a `RemoteAsset` or `RemoteArchive` (`uri`), anywhere in the code: the engine fetches it when it deploys
  (Pulumi's asset docs: "a reference to a remote file or archive ... fetched over the network"), so what
  the URL serves then is not what this preview saw, as a script running a fetched program (FETCHED_WHY);
- a `FileAsset` or `FileArchive` whose path is the deploying machine's, not the checkout's: absolute
  (`/opt/partner/sync.zip`), in a home directory (`~/…`), on a Windows drive or share, or relative and
  climbing above the project's root (round 99). A relative path is resolved against the program's working
  directory, which the state does not record: it is read from the project's Pulumi.yaml `main`
  (`backend.program_depth`; `stacks/` here, so the stacks' rotation function may climb one level,
  `../components/…`). A climb whose project is not listed in `projectDirs` cannot be placed and blocks.

A function's `s3Bucket` is judged by require-resolved-references (a bucket of the stack), its image and
layers as code pulled in (docs/residency.md, round 98's limits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi.asset import AssetArchive, FileArchive, FileAsset, RemoteArchive, RemoteAsset

from policies.core.backend import program_depth
from policies.core.rule import RuleContext
from policies.core.view import ResourceView

CODE_TYPES = frozenset({"aws:lambda/function:Function", "aws:lambda/layerVersion:LayerVersion"})
_ABSOLUTE = re.compile(r"^(?:[/\\~]|[A-Za-z]:)")  # (`/opt`, `\\host\share`, `~/x`, `C:\x`)
FETCHED_CODE_WHY = ("`{}` is fetched from {} when the engine deploys: code neither the program nor the "
                    "repository holds, which may change after this preview and whose destinations cannot be "
                    "judged; vendor it into the repository (a FileArchive under the checkout) or build it "
                    "into an image of the stack's registry")
OUTSIDE_CODE_WHY = ("`{}` is the file {!r}, outside the checkout (an absolute path, a home directory, a "
                    "drive or a share): code of the deploying machine, not of the reviewed repository, whose "
                    "destinations cannot be judged; keep the code in the repository and give its path "
                    "relative to the program's directory")
CLIMB_WHY = ("`{}` is the file {!r}, which climbs {} level(s) from the program's working directory, itself "
             "{} level(s) below the project's root (Pulumi.yaml `main`): outside the checkout, code of the "
             "deploying machine, not of the reviewed repository, whose destinations cannot be judged; keep "
             "the code in the repository, under the project's root")
UNPLACED_CLIMB_WHY = ("`{}` is the file {!r}, which climbs from the program's working directory, and {}: "
                      "whether it stays in the checkout cannot be judged; list the project's directory in "
                      "the pack config `projectDirs` of disallow-non-eea-replication (as of "
                      "require-eea-state-backend), or give a path that does not climb")


def lambda_code(view: ResourceView, ctx: RuleContext) -> list[str]:
    """Why the code of a Lambda function or layer version blocks (see the module's docstring)."""
    if view.type not in CODE_TYPES:
        return []
    out = []
    for where, asset in _assets(view.input("code"), "code"):
        if isinstance(asset, (RemoteAsset, RemoteArchive)):
            out.append(FETCHED_CODE_WHY.format(where, asset.uri))
        elif isinstance(asset, (FileAsset, FileArchive)):
            path = str(asset.path)
            if outside(path):
                out.append(OUTSIDE_CODE_WHY.format(where, path))
            elif up := climb(path):  # (the project's files are read only for a path that climbs)
                depth = program_depth(ctx.config)
                if isinstance(depth, str):
                    out.append(UNPLACED_CLIMB_WHY.format(where, path, depth))
                elif up > depth:
                    out.append(CLIMB_WHY.format(where, path, up, depth))
    return out


def climb(path: str) -> int:
    """How many directories a relative path goes above where it starts, at its highest (`a/../../b`: 1),
    read lexically with both separators (a deploy from Windows splits at `\\` too)."""
    level = top = 0
    for part in re.split(r"[/\\]", path):
        if part == "..":
            level -= 1
            top = min(top, level)
        elif part not in ("", "."):
            level += 1
    return -top


def outside(path: str) -> bool:
    """Whether a file asset's path is the deploying machine's (absolute, home, a drive or a share)."""
    return bool(_ABSOLUTE.match(path))


def _assets(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Each asset or archive of the code, an `AssetArchive`'s members by name (nested archives too)."""
    if isinstance(value, AssetArchive):
        for name, member in value.assets.items():
            yield from _assets(member, f"{where}.{name}")
    elif value is not None:
        yield where, value
