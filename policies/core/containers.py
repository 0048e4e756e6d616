"""The containers a resource runs commands in (round 95), for image_endpoints and image_programs.

A container is judged with its image, its environment and its commands together: the image may set the AWS
endpoint (AWS_ENDPOINT_URL…) or hold the programs a relative name or a PATH the resource sets finds. Round
94 read CodeBuild projects only; round 95 reads ECS task definitions' `containerDefinitions` and Batch job
definitions' `containerProperties` (JSON documents) the same way:

- CodeBuild: `environment.image`, its `environmentVariables`, and per source the buildspec's `env`
  (`variables`, `parameter-store`, `secrets-manager`) and script (every phase's lines); the project has a
  source unless `source.type` is `NO_SOURCE` (then a relative program is the image's or what it fetched);
- ECS and Batch: per container `image`, `environment` (and the names of `secrets`, set to values the pack
  does not see), and its command: `entryPoint` + `command` (Batch: `command`), a shell's `-c` script, or the
  exec form as one command line; a container has no source of the project.

Round 96 reads the other containers the same way: every Batch shape (`nodeProperties` node ranges,
`ecsProperties` tasks, `eksProperties` pods: `commands` + `args`, `envs`), an Azure container group's
`containers`/`initContainers` (`command`, `environmentVariables`), a Container Apps job's or app's
`template.containers`/`initContainers` (`command` + `args` as entry point + command, `env`) and an App Runner
service's image `startCommand` (a string; from a repository, its `buildCommand` and `startCommand` are a
script of that source). An exec form with no shell is kept as `argv`, judged by its program
(shell_programs.exec_problems); a shell's `-c` split across the entry point and the command is a held script.
Round 99: what a container's checks run in it is a container of its own (`_with_checks`: ECS's
`healthCheck.command`, an exec probe's `exec.command`).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from policies.core.documents import json_doc, unproxied, yaml_doc
from policies.core.local_programs import SHELLS, image_tool
from policies.core.manifests import PROBES
from policies.core.shell_programs import buildspec_script
from policies.core.view import ResourceView

CODEBUILD = "aws:codebuild/project:Project"
_TASK, _BATCH = "aws:ecs/taskDefinition:TaskDefinition", "aws:batch/jobDefinition:JobDefinition"
_ACI, _APPRUNNER = "azure-native:containerinstance:ContainerGroup", "aws:apprunner/service:Service"
_CONTAINER_APPS = ("azure-native:app:Job", "azure-native:app:ContainerApp")
_SHELL_TEXT = frozenset(";&|<>`$()\n")  # a start command with these is a shell's script, not an exec form


@dataclass
class Container:
    where: str  # the field holding the commands (`source.buildspec`, `containerDefinitions[app].command`)
    image: str | None
    env: dict[str, str]
    script: str  # the commands as one shell script ("" when the container runs the image's own)
    source: bool  # whether a source of the project holds the relative programs it runs
    held: str = field(default="")  # a script only the entry point and command together make (`sh -c` + it)
    argv: list[str] = field(default_factory=list)  # an exec form with no shell (round 96: judged by program)
    also: list[str] = field(default_factory=list)  # its other reading (round 98: a tool image's `command`)


def containers(view: ResourceView) -> list[Container]:
    if view.type == CODEBUILD:
        return _codebuild(view.inputs)
    if view.type == _TASK:
        defs = _doc(view.inputs.get("containerDefinitions"))
        return [k for i, c in enumerate(defs if isinstance(defs, list) else []) if isinstance(c, dict)
                for k in _with_checks(f"containerDefinitions[{c.get('name', i)}]", c)]
    if view.type == _BATCH:
        return _batch(view.inputs)
    return _azure(view) if view.type in (_ACI, *_CONTAINER_APPS) else _apprunner(view.inputs) if (
        view.type == _APPRUNNER) else []


def _batch(inputs: dict) -> list[Container]:
    """A Batch job definition's containers in its four shapes (round 96's probes; config_credentials reads
    their environments since round 36): `containerProperties`, `nodeProperties` node ranges' `container`,
    `ecsProperties` task containers (JSON documents, ECS's shape) and `eksProperties` pod containers
    (`commands` + `args`, `envs`: Kubernetes' entry point and arguments)."""
    props = _doc(inputs.get("containerProperties"))
    out = [_container("containerProperties", props)] if isinstance(props, dict) else []
    nodes = _doc(inputs.get("nodeProperties"))
    ranges = nodes.get("nodeRangeProperties") if isinstance(nodes, dict) else None
    out += [_container(f"nodeProperties.nodeRangeProperties[{i}].container", r["container"])
            for i, r in enumerate(ranges if isinstance(ranges, list) else [])
            if isinstance(r, dict) and isinstance(r.get("container"), dict)]
    ecs = _doc(inputs.get("ecsProperties"))
    tasks = ecs.get("taskProperties") if isinstance(ecs, dict) else None
    for i, t in enumerate(tasks if isinstance(tasks, list) else []):
        items = t.get("containers") if isinstance(t, dict) else None
        out += [k for j, c in enumerate(items if isinstance(items, list) else []) if isinstance(c, dict)
                for k in _with_checks(f"ecsProperties.taskProperties[{i}].containers[{c.get('name', j)}]", c)]
    pod = (inputs.get("eksProperties") or {}).get("podProperties") if isinstance(
        inputs.get("eksProperties"), dict) else None
    for kind in ("containers", "initContainers"):
        items = pod.get(kind) if isinstance(pod, dict) else None
        out += [_container(f"eksProperties.podProperties.{kind}[{c.get('name', j)}]", {
            "image": c.get("image"), "entryPoint": c.get("commands"), "command": c.get("args"),
            "environment": c.get("envs")}) for j, c in enumerate(items if isinstance(items, list) else [])
            if isinstance(c, dict)]
    return out


def _azure(view: ResourceView) -> list[Container]:
    """Round 96: a container group's `containers`/`initContainers` (`command`, `environmentVariables`) and a
    Container Apps job's or app's `template.containers`/`initContainers` (`command` + `args`, `env`)."""
    aci = view.type == _ACI
    holder = view.inputs if aci else view.inputs.get("template")
    out = []
    for kind in ("containers", "initContainers"):
        items = holder.get(kind) if isinstance(holder, dict) else None
        for i, c in enumerate(items if isinstance(items, list) else []):
            if not isinstance(c, dict):
                continue
            env = c.get("environmentVariables" if aci else "env") or []
            ecs = {"image": c.get("image"), "entryPoint": None if aci else c.get("command"),
                   "command": c.get("command") if aci else c.get("args"),  # (as ECS's entry point + command)
                   "environment": [{"name": e.get("name"), "value": e.get("value") or ""} for e in env
                                   if isinstance(e, dict)],
                   **{k: c[k] for k in PROBES if k in c}}  # (round 99: an exec probe runs in the container)
            where = f"{kind}[{c.get('name', i)}]" if aci else f"template.{kind}[{c.get('name', i)}]"
            out += _with_checks(where, ecs)
    return out


def _apprunner(inputs: dict) -> list[Container]:
    """Round 96: an App Runner service's image `startCommand` (a string: an exec form when it holds no shell
    syntax, else a shell's script) with its `runtimeEnvironmentVariables` and the names of its secrets; a
    service built from a repository: its `buildCommand` and `startCommand` as a script of that source."""
    source = inputs.get("sourceConfiguration")
    code = _get(source, "codeRepository", "codeConfiguration", "codeConfigurationValues")
    if isinstance(code, dict):  # built from a repository: its commands are the source's (round 96's probe)
        lines = [code[k] for k in ("buildCommand", "startCommand") if isinstance(code.get(k), str)]
        where = "sourceConfiguration.codeRepository.codeConfiguration.codeConfigurationValues"
        return [Container(where, None, {}, "\n".join(lines), True, "\n".join(lines))] if lines else []
    repo = source.get("imageRepository") if isinstance(source, dict) else None
    conf = repo.get("imageConfiguration") if isinstance(repo, dict) else None
    if not isinstance(conf, dict) or not isinstance(conf.get("startCommand"), str):
        return []
    env = {str(k): str(v) for k, v in (conf.get("runtimeEnvironmentVariables") or {}).items()}
    env.update(dict.fromkeys(map(str, conf.get("runtimeEnvironmentSecrets") or {}), ""))
    start, image = conf["startCommand"], repo.get("imageIdentifier")
    image = image if isinstance(image, str) else None
    where = "sourceConfiguration.imageRepository.imageConfiguration.startCommand"
    try:
        argv = [] if _SHELL_TEXT & set(start) else shlex.split(start)
    except ValueError:
        argv = []
    return [Container(where, image, env, start, False, "" if argv else start, argv)]


def _doc(value: Any) -> Any:
    value = unproxied(value)
    return json_doc(value) if isinstance(value, str) else value


def _codebuild(inputs: dict) -> list[Container]:
    env = inputs.get("environment") if isinstance(inputs.get("environment"), dict) else {}
    image = env.get("image") if isinstance(env.get("image"), str) else None
    names = {str(v.get("name")): str(v.get("value")) for v in env.get("environmentVariables") or []
             if isinstance(v, dict)}
    primary = inputs.get("source") if isinstance(inputs.get("source"), dict) else {}
    source = str(primary.get("type", "")).upper() != "NO_SOURCE"
    out = []
    for i, src in enumerate([primary, *(inputs.get("secondarySources") or [])]):
        spec = src.get("buildspec") if isinstance(src, dict) else None
        doc = yaml_doc(spec) if isinstance(spec, str) else None
        if not isinstance(doc, dict):
            continue
        own = dict(names)
        block = doc.get("env") if isinstance(doc.get("env"), dict) else {}
        for part in ("variables", "parameter-store", "secrets-manager"):
            values = block.get(part)
            own.update({str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {})
        where = "source.buildspec" if i == 0 else f"secondarySources.{i - 1}.buildspec"
        out.append(Container(where, image, own, buildspec_script(doc), source))
    return out


def _with_checks(where: str, c: dict) -> list[Container]:
    """A container and the commands its checks run in it (round 99), with its image and environment: ECS's
    `healthCheck.command` (`["CMD", prog, …]` an exec form, `["CMD-SHELL", S]` the container's shell's
    script, `["NONE"]` none; the ECS developer guide, "container health checks") and an exec probe's
    `exec.command` (an Azure container group's `livenessProbe`/`readinessProbe`)."""
    out = [_container(where, c)]
    image = c.get("image") if isinstance(c.get("image"), str) else None
    env = _env(c)
    checks = [("healthCheck.command", _get(c, "healthCheck", "command"))]
    checks += [(f"{k}.exec.command", _get(c, k, "exec", "command")) for k in PROBES]
    for field_, cmd in checks:
        if cmd is None:
            continue
        if not isinstance(cmd, list) or not all(type(w) is str for w in cmd):
            cmd = [f"$({field_}: {cmd!r})"]  # (named as it is: blocks as a program the pack cannot know)
        elif field_ == "healthCheck.command" and cmd[:1] in (["NONE"], ["CMD"], ["CMD-SHELL"]):
            if cmd[0] == "CMD-SHELL":  # (the container's shell runs the rest as a script)
                script = " ".join(cmd[1:])
                out.append(Container(f"{where}.{field_}", image, env, script, False, script))
            cmd = cmd[1:] if cmd[0] == "CMD" else []
        if cmd:
            out.append(Container(f"{where}.{field_}", image, env, shlex.join(cmd), False, argv=cmd))
    return out


def _env(c: dict) -> dict[str, str]:
    env = {str(e.get("name")): str(e.get("value")) for e in c.get("environment") or [] if isinstance(e, dict)}
    env.update({str(s.get("name")): "" for s in c.get("secrets") or [] if isinstance(s, dict)})
    return env


def _container(where: str, c: dict) -> Container:
    env = _env(c)
    entry = c.get("entryPoint") if isinstance(c.get("entryPoint"), list) else []
    command = c.get("command") if isinstance(c.get("command"), list) else []
    image = c.get("image") if isinstance(c.get("image"), str) else None
    tool = None if entry else image_tool(image)  # (round 98: the image's entry point, by its name)
    argv = [tool, *command] if tool else [*entry, *command]
    if not argv or not all(type(w) is str for w in argv):
        return Container(f"{where}.command", image, env, "", False)
    if tool:  # its `command` is the tool's arguments, or a program if the image has no entry point
        return Container(f"{where}.command", image, env, shlex.join(argv), False, argv=argv, also=command)
    if _shell_c(argv):  # (a script one list holds whole, `["sh", "-c", S]`, is judged wherever it is found;
        # one the entry point and command make together, `["sh"]` + `["-c", S]`, only here: round 96's probe)
        held = "" if _shell_c(entry) or _shell_c(command) else argv[2]
        return Container(f"{where}.command", image, env, argv[2], False, held)
    return Container(f"{where}.command", image, env, shlex.join(argv), False, argv=argv)


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _shell_c(argv: list[str]) -> bool:
    """Whether an exec form is a shell's `-c SCRIPT` (`sh -c`, `/bin/bash -ec`)."""
    if len(argv) < 3:
        return False
    flag = argv[1]
    return argv[0].rsplit("/", 1)[-1] in SHELLS and flag[:1] == "-" and "c" in flag and "-" not in flag[1:]
