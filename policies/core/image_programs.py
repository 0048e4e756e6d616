"""Programs a container's image supplies (round 95), for disallow-non-eea-replication.

shell_programs judges a held script's text; what the text alone does not show is judged here with the
container in view (containers.py):

- a relative program (`./handover.sh`, `bin/push`) in the buildspec of a CodeBuild project without a source
  (`source.type: NO_SOURCE`) is a file of the image or of what the build fetched, not of a reviewed source:
  it blocks (shell_programs.NO_SOURCE_NOTE); with a source it passes as before;
- a PATH the resource's environment sets (CodeBuild's `environmentVariables`, the buildspec's
  `env.variables`, an ECS or Batch container's `environment`) that puts a directory outside the system's
  `bin` ones before the inherited one makes a listed program (`gzip`, `tar`) the image's: it blocks, as
  round 94's `export PATH=…` in the script does; so does a variable that makes the shell, the loader or a
  runtime run a file first (`BASH_ENV`, `LD_PRELOAD`, `NODE_OPTIONS=--require …`: `code_loader`);
- an ECS container whose `entryPoint` is a shell's `-c` and whose `command` is the script: judged as a
  script (the reference scanner sees the two lists apart);
- round 96: an exec form with no shell (any container containers.py reads) is judged by its program
  (shell_programs.exec_problems): `["croc", "send", …]` blocks, `["/app/server"]` is the image's own.
"""

from __future__ import annotations

from policies.core.containers import containers
from policies.core.program_runners import code_loader
from policies.core.shell_programs import (
    LOADER_WHY,
    NO_SOURCE_NOTE,
    PATH_WHY,
    exec_problems,
    path_first,
    shell_problems,
)
from policies.core.view import ResourceView


def image_programs(view: ResourceView) -> list[str]:
    """Why programs a container's image may supply block (see the module's docstring)."""
    out = []
    for c in containers(view):
        if not c.script:
            continue  # the image's own command: judged as the image is
        path = c.env.get("PATH")
        if path is not None and path_first(path):
            out.append(f"`{c.where}` " + PATH_WHY.format(path, "the resource's environment"))
        out += [f"`{c.where}` " + LOADER_WHY.format(f"{k}={v}") for k, v in c.env.items()
                if code_loader(k, v)]
        if c.argv:
            out += [f"`{c.where}` {p}" for argv in (c.argv, c.also) if argv for p in exec_problems(argv)]
        elif c.held:
            out += [f"`{c.where}` {p}" for p in shell_problems(c.held, source=c.source)]
        elif not c.source and c.where.endswith("buildspec"):
            out += [f"`{c.where}` {p}" for p in shell_problems(c.script) if p.endswith(NO_SOURCE_NOTE)]
    return list(dict.fromkeys(out))
