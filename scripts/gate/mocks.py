"""Plausible computed outputs for resources and invokes recorded offline.

A real preview cannot know the id, ARN or generated name of a resource it is about to create, but
programs need them to wire resources together and policies need ARNs that carry a region. So the
mocks return deterministic, realistic values (the effective provider's region, account id
123456789012, subscription 00000000-0000-0000-0000-000000000000); every other computed output is left
out, which the SDK turns into an unknown during preview, exactly as the real engine does.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks

from gate.aws_ids import aws_outputs
from gate.azure_ids import azure_outputs
from gate.mock_base import (
    ACCOUNT_ID,
    CLIENT_ID,
    OBJECT_ID,
    SUBSCRIPTION_ID,
    TENANT_ID,
    UNKNOWN,
    plain,
    stable_hex,
    stable_uuid,
)
from gate.sdk_types import declared

_ACCOUNT = re.compile(r"\d{12}")


def random_outputs(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """What the random provider computes when it creates the resource (an update; a preview leaves it
    unknown, as the engine does). Deterministic stand-ins, never a real secret; the SDK marks password
    results secret, so they are redacted like any other."""
    kind = typ.rsplit(":", 1)[-1]
    length = inputs.get("length") if isinstance(inputs.get("length"), (int, float)) else 16
    text = "".join(stable_hex(typ, name, str(i), length=64) for i in range(int(length) // 64 + 1))
    if kind in ("RandomPassword", "RandomString"):
        out: dict[str, Any] = {"result": text[: int(length)]}
        if kind == "RandomPassword":
            out["bcryptHash"] = "$2a$10$" + stable_hex(typ, name, "bcrypt", length=53)
        return out
    if kind in ("RandomId", "RandomBytes"):
        raw = bytes.fromhex(text[: 2 * int(inputs.get("byteLength") or length)])
        import base64

        b64 = base64.b64encode(raw).decode()
        return {"hex": raw.hex(), "b64Std": b64, "base64": b64, "dec": str(int(raw.hex(), 16)),
                "b64Url": base64.urlsafe_b64encode(raw).decode().rstrip("=")}
    if kind == "RandomInteger":
        low, high = (v if isinstance(v, (int, float)) else 0 for v in (inputs.get("min"), inputs.get("max")))
        return {"result": int(low) + int(text[:8], 16) % max(int(high) - int(low) + 1, 1)}
    if kind.startswith("RandomUuid"):
        return {"result": f"{text[:8]}-{text[8:12]}-4{text[13:16]}-8{text[17:20]}-{text[20:32]}"}
    if kind == "RandomPet":
        return {"id": (inputs.get("separator") or "-").join(["gate"] * int(inputs.get("length") or 2))}
    if kind == "RandomShuffle":
        return {"results": list(inputs.get("inputs") or [])}
    return {}


def _one_or_list(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def _principals(items: list[dict[str, Any]]) -> Any:
    if any(p.get("type") == "*" for p in items):
        return "*"
    out: dict[str, Any] = {}
    for p in items:
        out.setdefault(p.get("type"), []).extend(p.get("identifiers") or [])
    return {k: _one_or_list(sorted(v)) for k, v in out.items()}


def policy_document(args: dict[str, Any]) -> dict[str, Any]:
    """aws.iam.get_policy_document rendered like the provider does (enough for policies to read it)."""
    statements = []
    for st in args.get("statements") or []:
        doc: dict[str, Any] = {}
        if st.get("sid"):
            doc["Sid"] = st["sid"]
        doc["Effect"] = st.get("effect") or "Allow"
        for key, name in (("actions", "Action"), ("notActions", "NotAction"), ("resources", "Resource"),
                          ("notResources", "NotResource")):
            if st.get(key):
                doc[name] = _one_or_list(list(st[key]))
        if st.get("principals"):
            doc["Principal"] = _principals(st["principals"])
        if st.get("notPrincipals"):
            doc["NotPrincipal"] = _principals(st["notPrincipals"])
        for cond in st.get("conditions") or []:
            doc.setdefault("Condition", {}).setdefault(cond.get("test"), {})[cond.get("variable")] = (
                _one_or_list(list(cond.get("values") or [])))
        statements.append(doc)
    policy: dict[str, Any] = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    if args.get("policyId"):
        policy = {"Id": args["policyId"], **policy}
    text = json.dumps(policy, indent=2)
    return {"json": text, "minifiedJson": json.dumps(policy, separators=(",", ":")), "id": stable_hex(text)}


class GateMocks(Mocks):
    """Outputs for new resources and invoke results; `region_of(provider_ref, package)` gives the region,
    `setting_of(provider_ref, package, key)` another input of the provider (an Azure id's subscription)."""

    def __init__(self, region_of: Callable[[str, str], str | None],
                 setting_of: Callable[[str, str, str], str | None] | None = None) -> None:
        self.region_of = region_of
        self.setting_of = setting_of
        self.answers: list[Any] = []          # gate.invokes.Answer, from the invoke fixtures
        self.sites: Any = None                # gate.invokes.CallSites
        self.unanswered: list[tuple[str, dict[str, Any], str]] = []   # (token, args, file:line)
        self.missed = threading.local()       # .last: (token, args) of this thread's last unanswered invoke
        self.dry_run = True                   # preview; an update also gets what providers compute

    def outputs_for(
        self, typ: str, name: str, inputs: dict[str, Any], provider_ref: str
    ) -> tuple[str, dict[str, Any]]:
        """(id, computed outputs) for one resource; the caller merges them over the known inputs."""
        pkg = typ.split(":")[0]
        rid = f"{name}-{stable_hex(typ, name)}"
        if typ.startswith("pulumi:providers:"):
            return stable_uuid(typ, name), {}
        if pkg == "aws":
            own = plain(inputs.get("region"))   # pulumi-aws v7: a per-resource region overrides the provider
            region = own if isinstance(own, str) and own != UNKNOWN else self.region_of(provider_ref, "aws")
            out = aws_outputs(typ, name, inputs, region, rid, self.account_of(provider_ref))
            types, _ = declared(typ)  # an output the type does not declare (a bucket policy's ARN) is none
            return out["id"], {k: v for k, v in out.items() if k == "id" or k in types} if types else out
        if pkg == "azure-native":
            sub = self.setting_of(provider_ref, pkg, "subscriptionId") if self.setting_of else None
            out = azure_outputs(typ, name, inputs, self.region_of(provider_ref, pkg), sub)
            return out["id"], out
        if pkg == "azuread":
            oid = stable_uuid(typ, name)
            return oid, {"id": oid, "objectId": oid}
        if pkg == "random" and not self.dry_run:
            return rid, {"id": rid, **random_outputs(typ, name, inputs)}
        return rid, {"id": rid}

    def account_of(self, provider_ref: str) -> str:
        """The account a provider deploys into: the one its `allowedAccountIds` pins (the provider refuses
        credentials of any other, so every ARN it makes names it), else the offline account."""
        pinned = self.setting_of(provider_ref, "aws", "allowedAccountIds") if self.setting_of else None
        try:
            accounts = json.loads(pinned) if pinned else None
        except ValueError:
            accounts = None
        one = accounts[0] if isinstance(accounts, list) and len(accounts) == 1 else None
        return one if isinstance(one, str) and _ACCOUNT.fullmatch(one) else ACCOUNT_ID

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        rid, out = self.outputs_for(args.typ, args.name, args.inputs, args.provider or "")
        return rid, {**args.inputs, **out}

    def call(self, args: MockCallArgs) -> dict:  # type: ignore[override]  (a dict: no check failures)
        """The fixtures' answer, else the built-in one; an invoke neither answers is kept as unanswered."""
        from gate.invokes import find

        site = self.sites.take(args.token) if self.sites is not None else ""
        found = find(self.answers, args.token, dict(args.args))
        if found is None:
            found = self._builtin(args)
        if found is None:
            self.unanswered.append((args.token, dict(args.args), site))
            self.missed.last = (args.token, dict(args.args))
            return {}
        return found

    def _builtin(self, args: MockCallArgs) -> dict | None:
        token = args.token
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            account = self.account_of(args.provider or "")   # the invoke's provider's
            return {"accountId": account, "arn": f"arn:aws:iam::{account}:user/gate",
                    "userId": "AIDAGATEOFFLINE", "id": account}
        if token in ("aws:index/getRegion:getRegion", "aws:index/getAvailabilityZones:getAvailabilityZones"):
            region = args.args.get("region") or self.region_of(args.provider or "", "aws") or "unknown-region"
            if token.endswith("getRegion"):
                return {"name": region, "region": region, "id": region,
                        "endpoint": f"ec2.{region}.amazonaws.com", "description": region}
            names = [f"{region}{z}" for z in "abc"]
            return {"names": names, "zoneIds": [f"euw1-az{i}" for i in (1, 2, 3)], "id": region}
        if token == "aws:iam/getPolicyDocument:getPolicyDocument":
            return policy_document(args.args)
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if token in ("azure-native:authorization:getClientConfig",
                     "azuread:index/getClientConfig:getClientConfig"):
            pinned = self.setting_of(args.provider or "", "azure-native", "subscriptionId") if (
                self.setting_of and token.startswith("azure-native:")) else None   # the invoke's provider's
            return {"clientId": CLIENT_ID, "objectId": OBJECT_ID, "subscriptionId": pinned or SUBSCRIPTION_ID,
                    "tenantId": TENANT_ID, "id": CLIENT_ID}
        return None
