"""Round 38: bare KMS key ids in the workload settings `config_credentials` reads (ECS task definitions, Batch
jobs, App Runner, SageMaker models, MSK Connect, Kubernetes workloads, Helm values), for
require-customer-managed-keys. Round 37 read them only in resources the key rule already judges (a Lambda's
variables); a task that encrypts with a key named by its id uses that key as much as a Lambda does. Outside
AWS (Kubernetes, Helm, Azure settings) a GUID under a key name is as likely an Entra or Application Insights
id, so there only a name with `kms` in it names a KMS key."""

from __future__ import annotations

from collections.abc import Callable

from policies.core.config_credentials import PLACES, SETTINGS_FIELDS
from policies.core.pia_key_material import STACK_KEYS, STACK_REFERENCE, bare_key_id, fed_key_ids, undeclared
from policies.core.view import ResourceView, StackGraph


def _stack_key_ids(graph: StackGraph) -> set[str]:
    """Ids of the stack's keys as their inputs or recorded state show them (an id, an ARN's last part)."""
    ids = set()
    for k in (k for t in STACK_KEYS for k in graph.by_type(t)):
        for fld in ("keyId", "id", "arn"):
            value = k.input(fld)
            if isinstance(value, str):
                ids.add(value.rsplit("/", 1)[-1])
    return ids


def _fed(r: ResourceView, graph: StackGraph) -> bool:
    """A settings field computed from a key of the stack (or another stack's output): the ids in it are
    that key's, judged where it is made (property dependencies are per top-level field)."""
    fields = SETTINGS_FIELDS.get(r.type, ("properties",))
    deps = (graph.get(u) for f in fields for u in r.property_dependencies.get(f, ()))
    return any(d is not None and (d.type in STACK_KEYS or d.type == STACK_REFERENCE) for d in deps)


def workload_key_ids(
    graph: StackGraph, known: set[str], judge: Callable[[ResourceView], bool]
) -> list[tuple[str, str]]:
    """(urn, message) for each bare key id no key of the stack feeds, in resources `judge` selects."""
    out: list[tuple[str, str]] = []
    ours: set[str] | None = None
    for t, (_, pairs) in PLACES.items():
        for r in graph.by_type(t):
            if not judge(r) or _fed(r, graph):
                continue
            ours = ours if ours is not None else _stack_key_ids(graph) | known
            passing = ours | fed_key_ids(r, graph)
            kms_only = not t.startswith("aws:")
            out += [
                (r.urn, undeclared(f"{where}.{name}" if not where.endswith(name) else where, v))
                for where, name, v in pairs(r)
                if bare_key_id(name, v, kms_only) and v not in passing
            ]
    return out
