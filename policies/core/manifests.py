"""Kubernetes manifests a script holds in a here-document (round 96), for shell_programs.

`kubectl apply -f - <<'EOF'`, `cat <<EOF | kubectl apply -f -` or a file written for later (`cat >
pod.yaml <<EOF`, a static pod under `/etc/kubernetes/manifests`) carry a pod spec whose containers run
`command` + `args` as an exec form (no shell; Kubernetes expands `$(VAR)` in them, which then names the
program by a variable). Each such container's exec form is returned for shell_programs.exec_problems.

Round 97 makes it a closed world. A text that may be a manifest (it names `apiVersion`, or kubectl reads it)
and does not parse, parses to a document that is no object (a mapping, or a list of
them), repeats a key (which of the two a parser keeps differs), or gives an image a command outside a
container list (an Argo Workflow's `container`, a Tekton step's `script`) blocks with the fix, instead of
being read as holding no containers. Only `yaml.YAMLError` (and the parser's recursion limit on a document
nested past it) is caught: anything else is a bug and surfaces. The loader is the safe one (no
`!!python/…` tags), and the walk visits each object once, so aliases (a billion laughs) cost their text's
size, not their expansion. Any other text is parsed only when it names `containers` or holds a YAML escape
(`"\\x63ontainers"` spells `containers`) and walked if it parses; one that does not is data of another kind
(notes, a script: shell_programs does not read a here-document a shell or an interpreter runs as one).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from policies.core.local_programs import image_tool

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")  # (Kubernetes'; Azure container groups' too)
_KINDS = ("containers", "initContainers", "ephemeralContainers")
_RUNS = ("command", "args", "script", "source", "entrypoint", "entryPoint")  # what an image is told to run
_MAY_BE = re.compile(r"(?i)apiversion")  # (every object Kubernetes reads, a static pod's file too, has one)
_READ = re.compile(r'(?i)containers|\\(?:[xuU]|\r?\n)')  # a double-quoted YAML escape may spell a key
UNJUDGEABLE_WHY = ("holds a Kubernetes manifest (a here-document, a here-string or an argument kubectl "
                   "reads) that {}: the programs its containers run cannot be judged; write each document "
                   "as one object in plain YAML or JSON that parses (spaces for indentation, no template "
                   "syntax such as `{{{{ }}}}`, no `!!` tags, each key once), its containers' `command` "
                   "and `args` under `containers`, `initContainers` or `ephemeralContainers`")


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing a key written twice in one mapping (a merge key `<<` may be overridden)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):  # (`{{ x }}`: a mapping as a key)
                raise yaml.constructor.ConstructorError(None, None, "a key that is no scalar",
                                                        key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} written twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def manifest_commands(text: str, read: bool = False, patch: bool = False
                      ) -> tuple[list[list[str]], list[str]]:
    """The exec forms of every container of every document in the text, and why the text cannot be judged
    (`read`: kubectl reads it; `patch`: a patch, whose containers need not name their image)."""
    if read and text.lstrip()[:1] in ("$", "`"):  # `kubectl apply -f - <<< "$MANIFEST"`
        return [], [UNJUDGEABLE_WHY.format("is a variable or an expansion, whose text the script does not "
                                           "hold")]
    may_be = read or bool(_MAY_BE.search(text))
    if not may_be and not _READ.search(text):
        return [], []
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as e:
        problem = getattr(e, "problem", None) or "is not YAML"
        return [], [UNJUDGEABLE_WHY.format(f"does not parse ({problem})")] if may_be else []
    except RecursionError:
        return [], [UNJUDGEABLE_WHY.format("nests deeper than a YAML parser follows")] if may_be else []
    out: list[list[str]] = []
    why = [UNJUDGEABLE_WHY.format(f"holds a document that is no object ({type(d).__name__})")
           for d in docs if may_be and not _is_object(d)][:1]
    seen: set[int] = set()
    for doc in docs:
        _walk(doc, out, why, seen, patch, "")
    return out, list(dict.fromkeys(why))


def _is_object(doc: Any) -> bool:
    return doc is None or isinstance(doc, dict) or (isinstance(doc, list) and all(isinstance(d, dict)
                                                                                   for d in doc))


def _walk(node: Any, out: list[list[str]], why: list[str], seen: set[int], patch: bool, path: str) -> None:
    """Each object once (an alias is the object it names): container lists give exec forms, an image told
    to run something anywhere else blocks."""
    if not isinstance(node, (list, dict)) or id(node) in seen:
        return
    seen.add(id(node))
    items = enumerate(node) if isinstance(node, list) else node.items()
    if isinstance(node, dict) and isinstance(node.get("image"), str) and any(k in node for k in _RUNS):
        why.append(UNJUDGEABLE_WHY.format(f"gives the image at `{path or '.'}` a command outside a container "
                                          "list (a custom resource's field the pack does not read)"))
    if patch and isinstance(node, dict) and any(k in str(node.get("path", "")) for k in _KINDS):
        why.append(UNJUDGEABLE_WHY.format(f"patches `{node['path']}` by a JSON patch (write a strategic "
                                          "merge patch: `-p '{\"spec\": …}'`)"))
    for key, value in items:
        if key in _KINDS and isinstance(value, list):
            containers = [c for c in value if isinstance(c, dict) and ("image" in c or patch)]
            out += [argv for c in containers for argv in _argvs(c)]
            seen.update(id(c) for c in containers)
            for c in containers:  # (what a container holds is walked past its own `image`)
                for k, v in c.items():
                    _walk(v, out, why, seen, patch, f"{path}.{key}[].{k}")
        _walk(value, out, why, seen, patch, f"{path}.{key}" if isinstance(node, dict) else f"{path}[{key}]")


def _argvs(container: dict) -> list[list[str]]:
    """A container's exec form; a `command` or `args` that is not a list of strings is named as it is, so
    the program blocks as one the pack cannot know. With no `command`, an image named for a transfer tool
    runs it with the `args` (round 98), or, if the image has no entry point, the `args` themselves."""
    argv: list[str] = []
    for key in ("command", "args"):
        value = container.get(key)
        if value is not None:
            argv += [str(v) for v in value] if isinstance(value, list) else [f"$({key}: {value!r})"]
    tool = image_tool(container.get("image")) if "command" not in container else None
    return ([[tool, *argv], *([argv] if argv else [])] if tool else [argv]) + _hooks(container)


def _hooks(container: dict) -> list[list[str]]:
    """The exec forms a container's probes and lifecycle hooks run in it (round 99: `livenessProbe`,
    `readinessProbe`, `startupProbe`, `lifecycle.postStart`/`preStop`, each `exec.command`)."""
    out = []
    for path in (*((k,) for k in PROBES),
                 ("lifecycle", "postStart"), ("lifecycle", "preStop")):
        node: Any = container
        for key in (*path, "exec"):
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and "command" in node:
            cmd = node["command"]
            out.append([str(v) for v in cmd] if isinstance(cmd, list) else [f"$({'.'.join(path)}: {cmd!r})"])
    return out
