"""Per-rule tests on the compact corpus format: a compliant fixture (a corpus base stack) and mutations.

`run(rule_id, resources)` judges one rule through the fail-closed wrapper, with the corpus records and a
pinned
evaluation date, and returns [(resource name, message)]."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "pia"
_spec = importlib.util.spec_from_file_location("pia_corpus_judge_rules", CORPUS / "judge.py")
judge = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(judge)

KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ACC = "arn:aws:iam::111122223333"
# The tags of a record-bound store of the corpus PIA record (the rounds' unit tests share them).
TAGS = {
    "classification": "vertrouwelijk",
    "controller": "VLAIO",
    "system": "corpus",
    "pia-reference": "PIA-C",
}


def base(name: str) -> list[dict[str, Any]]:
    return judge.load_case_text(f"base: {name}\n")["resources"]


def case(stem: str) -> list[dict[str, Any]]:
    """The resources of the corpus case (evil or ok) whose file name starts with `stem`."""
    path = next(CORPUS.glob(f"*/{stem}*.yaml"))
    return judge.load_case_text(path.read_text())["resources"]


def messages_of(found: list[tuple[str, str]], name: str) -> list[str]:
    """The messages `run` found for the resource `name`."""
    return [m for n, m in found if n == name]


def says(found: list[tuple[str, str]], fragment: str) -> bool:
    """Whether some message `run` found contains `fragment` (on any resource)."""
    return any(fragment in m for _, m in found)


def doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def with_(resources: list[dict[str, Any]], *extra: dict[str, Any], drop: tuple[str, ...] = ()) -> list[dict]:
    names = {r["name"] for r in extra} | set(drop)
    return [copy.deepcopy(r) for r in resources if r["name"] not in names] + list(extra)


def patch(resources: list[dict[str, Any]], name: str, **inputs: Any) -> list[dict[str, Any]]:
    """A copy with inputs of resource `name` replaced (None removes the input)."""
    out = copy.deepcopy(resources)
    for r in out:
        if r["name"] == name:
            for k, v in inputs.items():
                if v is None:
                    r["inputs"].pop(k, None)
                else:
                    r["inputs"][k] = v
    return out


def event_config(resources: list[dict[str, Any]], **changes: Any) -> list[dict[str, Any]]:
    """A copy with entries of the `eventConfig` of the Event API `events` replaced (rounds 100 and 101)."""
    cfg = next(r for r in resources if r["name"] == "events")["inputs"]["eventConfig"]
    return patch(resources, "events", eventConfig={**cfg, **changes})


def res(name: str, type_: str, inputs: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "inputs": inputs, **kw}


def run(
    rule_id: str, resources: list[dict[str, Any]], config: dict[str, Any] | None = None
) -> list[tuple[str, str]]:
    return judge.judge_rule(rule_id, fed_key(resources), config or {})


def fed_key(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """KEY is the base stack's key: where a field names it and the base key is present, the field is fed
    from that resource, as a program passes `key.arn` (a literal key ARN is judged as no key of the stack)."""
    if not any(r["name"] == "key" and r["type"] == "aws:kms/key:Key" for r in resources):
        return resources
    out = []
    for r in resources:
        fed = {f: "key" for f, v in (r.get("inputs") or {}).items() if KEY in json.dumps(v)}
        fed = {f: n for f, n in fed.items() if f not in (r.get("refs") or {})}
        out.append({**r, "refs": {**(r.get("refs") or {}), **fed}} if fed and r["name"] != "key" else r)
    return out


def only(found: list[tuple[str, str]], name: str, fragment: str) -> None:
    """Exactly one finding, on `name`, whose message contains `fragment`."""
    assert len(found) == 1, found
    assert found[0][0] == name and fragment in found[0][1], found


def settings_message(found: str, reads: str) -> list[str]:
    """require-admin-mfa's message for a credential in clear in a workload's settings (rounds 35, 36)."""
    return [
        f"the resource's settings hold a credential in clear: {found}; whoever may read its configuration "
        f"({reads}), the program or the stack's state holds it with no second factor of their own; keep the "
        "credential in a Secrets Manager secret or Key Vault secret of this stack and pass its ARN, name or "
        "Key Vault reference (`@Microsoft.KeyVault(...)`, `secretRef`, ECS `secrets`/`valueFrom`), or give "
        "the workload an IAM or Entra identity instead"
    ]


def undeclared_key(where: str, key: str) -> list[str]:
    """require-customer-managed-keys' message for a key id in a setting that no key of the stack feeds."""
    return [
        f"`{where}` names the KMS key {key}, which no key of this stack feeds: it may be an AWS-managed key "
        "(their ARNs look like any other) and its rotation and administrators cannot be judged; pass the key "
        "resource's ARN (kms.Key, ReplicaKey or ExternalKey of the stack, or the output of the project's "
        "stack that makes it, through a StackReference)"
    ]
