"""Where a Lambda function's or layer version's code comes from (round 98), for disallow-non-eea-replication.

Inline code (string assets) is read by the reference scanner (round 38); a file of the checkout is the
project's own reviewed code, judged as an image is. Two other shapes put code into the function that neither
the program nor the repository holds, so what it sends where cannot be judged, and they block:

- a `RemoteAsset` or `RemoteArchive` (`uri`), anywhere in the code: the engine fetches it when it deploys
  (Pulumi's asset docs: "a reference to a remote file or archive ... fetched over the network"), so what
  the URL serves then is not what this preview saw, as a script running a fetched program (FETCHED_WHY);
- a `FileAsset` or `FileArchive` whose path is the deploying machine's, not the checkout's: absolute
  (`/opt/partner/sync.zip`), in a home directory (`~/…`), on a Windows drive or share. A relative path is
  resolved against the program's directory (Pulumi.yaml's `main`: `stacks/` here, so the stacks' rotation
  function climbs `../components/…`), which the state does not record: a climb stays unjudged
  (`limits/r98-23`).

A function's `s3Bucket` is judged by require-resolved-references (a bucket of the stack), its image and
layers as code pulled in (docs/residency.md, round 98's limits).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi.asset import AssetArchive, FileArchive, FileAsset, RemoteArchive, RemoteAsset

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


def lambda_code(view: ResourceView) -> list[str]:
    """Why the code of a Lambda function or layer version blocks (see the module's docstring)."""
    if view.type not in CODE_TYPES:
        return []
    out = []
    for where, asset in _assets(view.input("code"), "code"):
        if isinstance(asset, (RemoteAsset, RemoteArchive)):
            out.append(FETCHED_CODE_WHY.format(where, asset.uri))
        elif isinstance(asset, (FileAsset, FileArchive)) and outside(str(asset.path)):
            out.append(OUTSIDE_CODE_WHY.format(where, str(asset.path)))
    return out


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
