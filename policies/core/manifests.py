"""Kubernetes manifests a script holds in a here-document (round 96), for shell_programs.

`kubectl apply -f - <<'EOF'`, `cat <<EOF | kubectl apply -f -` or a file written for later (`cat >
pod.yaml <<EOF`, a static pod under `/etc/kubernetes/manifests`) carry a pod spec whose containers run
`command` + `args` as an exec form (no shell; Kubernetes expands `$(VAR)` in them, which then names the
program by a variable). Each such container's exec form is returned for shell_programs.exec_problems; a
document that does not parse as YAML is data of another kind, read by the reference scanner as before.
"""

from __future__ import annotations

from typing import Any

import yaml

_KINDS = ("containers", "initContainers", "ephemeralContainers")


def manifest_commands(text: str) -> list[list[str]]:
    """The exec forms (`command` + `args`) of every container of every YAML document in the text."""
    try:
        docs = list(yaml.safe_load_all(text))
    except Exception:
        return []
    out: list[list[str]] = []
    for doc in docs:
        _walk(doc, out)
    return out


def _walk(node: Any, out: list[list[str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, out)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _KINDS and isinstance(value, list):
                out += [_argv(c) for c in value if isinstance(c, dict) and "image" in c]
            _walk(value, out)


def _argv(container: dict) -> list[str]:
    """A container's exec form; a `command` or `args` that is not a list of strings is named as it is, so
    the program blocks as one the pack cannot know."""
    argv: list[str] = []
    for key in ("command", "args"):
        value = container.get(key)
        if value is not None:
            argv += [str(v) for v in value] if isinstance(value, list) else [f"$({key}: {value!r})"]
    return argv
