"""The reference scanner: every place an input value can send data to, found in one pass over the inputs.

Walks every input of a resource recursively, including strings that hold JSON or YAML documents (policies,
container definitions, templates, scripts), and extracts references: AWS ARNs, Azure resource ids, URLs and
their hosts, mail domains, known cloud service hostnames anywhere in a string, bare hostnames, region names
(in region/location fields, and AWS region tokens anywhere), and unknown or unreadable secret values in
fields that can carry a destination. Linear in the size of the inputs; the result is cached on the view.

What a reference resolves to is decided in policies/core/destinations.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pulumi_policy.proxy import _DictProxy, _ListProxy
from pulumi_policy.secret import Secret as _Secret

from policies.core.callers import CALLER_KEYS, VERSION, caller
from policies.core.code_values import ASSET_TYPES, asset_texts, environment_buckets
from policies.core.command_places import EXEC_KEYS, env_account, exec_words, secret_account
from policies.core.documents import json_doc, statement, yaml_doc
from policies.core.encodings import B64_KEYS, b64_contract, decoded_text, embedded_b64, may_encode
from policies.core.encodings import embedded_encoded as _embedded
from policies.core.input_keys import (
    DESCRIBING,
    IN_REGION_LIST,
    SETTING_OPERATORS,
    free_text,
    key_kind,
    skipped,
)
from policies.core.named_refs import named_ref, path_bound
from policies.core.named_services import VENDOR_SETTINGS, vendor_hosts
from policies.core.outside_parties import foreign_arns, phone_value
from policies.core.own_keys import (
    IMPLIED_TYPES,
    OWN_KEYS,
    REDUCED_TYPES,
    implied_refs,
    own_keys_of,
    reduced_inputs,
)
from policies.core.proxy_attrs import PROXIES, proxy_target
from policies.core.proxy_attrs import TRACE as _TRACE_ATTR  # (key, trace) on a proxied top-level value
from policies.core.reference_text import QUIET, QUIET_MAX, text_plan
from policies.core.runtime_refs import computed_value, policy_runtime, relative_field, runtime_value
from policies.core.stored_refs import (
    STORE_SCHEMES,
    credential_name,
    dict_refs,
    held_ref,
    setting_name,
    stored_ref,
)
from policies.core.stored_refs import settings_map as _settings_map
from policies.core.typed_places import TYPED_PLACE_TYPES, typed_place_refs
from policies.core.view import SECRET_SIG_KEY, UNKNOWN_VALUES, ResourceView

_SIG = SECRET_SIG_KEY
REDACTED = "[secret]"  # what the gate hands a policy for a secret it cannot read


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference found in the inputs."""

    path: str
    """Dotted field path; `(json)`/`(yaml)` marks a document inside a string."""
    kind: str
    """arn | azure-id | host | bucket | region | unknown | secret | opaque (an unknown value in a field
    that names no destination: only its provenance is judged) | runtime (chosen when the workflow runs) |
    stored / held (read at run time from a store, under a destination / a neutral name) | phone |
    computed (a workflow expression the pack does not evaluate)"""
    value: str
    """The ARN, Azure id, hostname or region text (never a secret's value)."""
    principal: bool = False
    """Names a service, not a place: under an IAM `Principal`, or a bare `<service>.amazonaws.com`."""


_OPAQUE = frozenset({"unknown", "secret", "opaque"})
Item = tuple[tuple[str, str], Ref]  # (de-duplication key, reference)
Trace = tuple[tuple[tuple[Item, ...], tuple[Item, ...], tuple[Item, ...]], ...]
"""What scanning one value finds, before de-duplication: groups of (added first, found in the text, region
tokens added only when the text added nothing new). Replaying it against the references found so far gives
what scanning the value there gives (the de-duplication depends on the order)."""
_STR_TRACES_MAX = 1 << 13


class _Recent(dict):  # type: ignore[type-arg]
    """Traces per (top-level key, string), the newest; `old`: the generation before. A string recurs near
    where it was seen (a resource's two views are scanned one evaluation range apart: ~6,300 resources at
    100k), so two generations of 8,192 keep those hits; one of 65,536, cleared when full, held ~37 MB at
    100k (round 23)."""

    __slots__ = ("old",)

    def __init__(self) -> None:
        super().__init__()
        self.old: dict[tuple[str, str], Trace] = {}

    def clear(self) -> None:
        super().clear()
        self.old = {}

    def remember(self, key: tuple[str, str], trace: Trace) -> None:
        if len(self) >= _STR_TRACES_MAX:
            self.old = dict(self)
            super().clear()
        self[key] = trace


_STR_TRACES = _Recent()


def _items(path: str, found: Any) -> tuple[Item, ...]:
    if not found:
        return ()
    # unknown and secret values all look alike: each place is its own reference (never merged by value)
    # the key is the value itself where lower-casing changes nothing (str.lower makes a copy even then):
    # traces stay cached for the whole evaluation, one string less per such reference (round 23)
    return tuple([((kind, path if kind in _OPAQUE else value if (low := value.lower()) == value else low),
                   Ref(path, kind, value, named)) for kind, value, named in found])


class _Recorder:
    """Walks a value and records what it finds (a Trace)."""

    def __init__(self) -> None:
        self.groups: list[tuple[tuple[Item, ...], tuple[Item, ...], tuple[Item, ...]]] = []

    def group(self, path: str, pre: Any, found: Any = (), tokens: tuple[str, ...] = ()) -> None:
        regions = [("region", value, False) for value in tokens] if tokens else ()
        self.groups.append((_items(path, pre), _items(path, found), _items(path, regions)))

    def walk(self, value: Any, path: str, key: str, top: bool, principal: bool, own: Any = ()) -> None:
        t = type(value)
        if t is _DictProxy or t is _ListProxy or (t is not str and isinstance(value, PROXIES)):
            value = proxy_target(value)  # the state's own containers convert when read
            t = type(value)
        if t is dict:
            if _SIG in value:
                self.walk(value.get("value", REDACTED), path, key, False, principal)
                return
            own = own if top else ()
            if found := dict_refs(value, key):  # stores and services named by an object's shape
                self.group(path, found)
            if "secretRef" in value and (found := secret_account(value)):  # the account a secret holds
                self.group(path, found)
            if "Effect" in value and statement(value):  # IAM grants or denies; it sends nothing anywhere
                if value["Effect"] == "Deny":
                    return  # a denial opens no path to any place
                own = ("Condition",)  # conditions only narrow a grant (aws:RequestedRegion lists, ...)
            # an environment entry or app setting (`{name: EXPORT_BUCKET, value: …}`): its name keys the
            # value; PascalCase where the API's own JSON is written (Step Functions' ECS `Environment`)
            nk, vk, fk = ("Name", "Value", "ValueFrom") if "Name" in value else ("name", "value", "valueFrom")
            pair = value.get(nk) if vk in value or fk in value else None  # ECS secrets
            pair = setting_name(pair) if type(pair) is str else None  # a setting name, compared upper-cased
            if pair is not None and value.get("type") == "PARAMETER_STORE":  # CodeBuild: a parameter's name
                pair += "_PARAMETER"
            settings = _settings_map(key)  # `variables: {exportTarget: …}`: its keys are setting names
            for k, v in value.items():
                tv = type(v)
                if k in own or (
                    type(k) is str and (k in DESCRIBING or free_text(k)) and skipped(k, v, top)
                ):
                    continue
                vendor = pair if pair is not None and k in (vk, fk) else (
                    setting_name(k) if settings and type(k) is str else k)  # `DD_API_KEY` as a key anywhere
                if vendor is not None and vendor in VENDOR_SETTINGS:  # a vendor's agent or SDK runs here
                    at = f"{path}.{k}" if pair is None else f"{path}.{k}({vendor})"
                    site = v if tv is str and not credential_name(vendor) else ""  # never a key's value
                    self.group(at, (("vendor-setting", f"{vendor}={site}", False),))
                if pair is not None and k in (vk, fk):
                    k = pair if k == vk else f"{pair}_PARAMETER"  # ECS valueFrom: a store, by name too
                if tv is str:  # the common case, inline: short strings hold no reference
                    if (k in CALLER_KEYS and caller(k, path, v)) or (
                        k[-7:] in ("version", "Version") and VERSION.match(v)
                    ):
                        continue
                    kind = key if k in SETTING_OPERATORS else setting_name(k) if settings else k
                    if k == "name" and ("egions." in path or "ocations." in path):
                        kind = "regionName" if IN_REGION_LIST.search(path) else k
                    short = (len(v) < 4 and v not in UNKNOWN_VALUES and k[-2:] != ".$"  # `Bucket.$`: `$.b`
                             and not key_kind(kind)[0])  # a region field: `UK` is a place too
                    if not short and (v, kind, principal) not in QUIET:
                        self.text(v, f"{path}.{k}" if path else k, kind, principal)
                    if len(kind) in (21, 31) and (account := env_account(kind, v)):  # `AZURE_STORAGE_ACCOUNT`
                        self.group(f"{path}.{k}" if path else k, account)
                elif tv is dict or tv is list or tv is _Secret or isinstance(v, PROXIES):
                    self.walk(v, f"{path}.{k}" if path else str(k), key if k in SETTING_OPERATORS else str(k),
                              False, principal or k in ("Principal", "Service"))
        elif t is list:
            callers = key in CALLER_KEYS
            for i, v in enumerate(value):
                tv = type(v)
                if tv is str:
                    if callers and caller(key, path, v):
                        continue
                    if len(v) >= 4 or key_kind(key)[0]:
                        self.text(v, f"{path}.{i}", key, principal)
                elif tv is dict or tv is list or tv is _Secret or isinstance(v, PROXIES):
                    self.walk(v, f"{path}.{i}", key, False, principal)
            if key in EXEC_KEYS and (words := exec_words(value, path)):  # r84, r87, r94
                self.group(path, words)
        elif t is str:
            self.text(value, path, key, principal)
        elif t is _Secret:
            self.walk(value.value, path, key, False, principal)

    def text(self, value: str, path: str, key: str, principal: bool) -> None:
        if (key.endswith("Base64") or key in B64_KEYS) and len(value) > 8:
            value = b64_contract(value)
        self.string(value, path, key, principal)

    def string(self, s: str, path: str, key: str, principal: bool) -> None:
        region_key, bucket_key, dest_key = key_kind(key or path)
        if s in UNKNOWN_VALUES or s == REDACTED:
            if dest_key:
                self.group(path, (("unknown", s, False) if s != REDACTED else ("secret", "", False),))
            elif s != REDACTED:  # any other field: judged only by where it is computed from (resolution)
                self.group(path, (("opaque", s, False),))
            return
        chosen = (dest_key and not relative_field(key)) or bucket_key
        if (chosen and runtime_value(s, key[-2:] == ".$")) or policy_runtime(s):
            self.group(path, (("runtime", s if len(s) < 100 else s[:99] + "…", False),))  # `Url.$`: `$.u`
            return
        if chosen and "@" in s and computed_value(s):  # `@concat('https://', …)`: no fragment is the host
            self.group(path, (("computed", s if len(s) < 100 else s[:99] + "…", False),))
            return
        if not s or (len(s) < 4 and not region_key):
            if not s and region_key:  # an empty region field names no region: judged, never skipped
                self.group(path, (("region", s, False),))
            return
        if (s[0] == "+" or s[0] == "0") and phone_value(s, key):  # policies/core/outside_parties.py
            self.group(path, (("phone", s, False),))
            return
        if (
            s[0] in "{[ \n"
            and s.lstrip()[:1] in ("{", "[")
            and self.document(s, path, json_doc, "(json)", principal)
        ):
            return
        if "\n" in s and ":" in s and self.document(s, path, yaml_doc, "(yaml)", principal):
            return
        named = (named_ref(s, key, path) or (stored_ref(s, key) if dest_key else None)
                 or (held_ref(s, key) if key.isupper() else None))
        if named is not None:
            self.group(path, (named,))
            if s.startswith(STORE_SCHEMES):  # `ssm-parameter://x`: the store, not a host
                return
        # only text that can be URL-encoded, base64 or hex is decoded (policies/core/encodings.py)
        decoded = decoded_text(s) if may_encode(s) else None
        if decoded is not None:  # base64 or URL-encoded: what it stands for is scanned too
            self.string(decoded, f"{path}(decoded)", key, principal)
        embedded = embedded_b64(s) if decoded is None and ("ase64" in s or "b64" in s or "atob(" in s) else ()
        if decoded is None and len(s) >= 20 and (inner := _embedded(s)):  # round 83: a JWT, base64url or Z85
            embedded = (*embedded, *(t for t in inner if t not in embedded))  # word inside a longer text
        for text in embedded:  # a script decoding a literal it embeds
            self.string(text, f"{path}(decoded)", key, principal)
        plan = text_plan(s, region_key, bucket_key, dest_key, principal)
        if plan is None:
            # nothing here under this key, wherever it occurs
            if (key and not key.endswith("Base64") and decoded is None and named is None and not embedded
                    and not path_bound(key)):
                if len(QUIET) >= QUIET_MAX:
                    QUIET.clear()
                QUIET.add((s, key, principal))
            return
        self.group(path, *plan)

    def document(self, s: str, path: str, parse: Any, mark: str, principal: bool) -> bool:
        doc = parse(s)
        if not isinstance(doc, dict | list):  # not a document after all: scanned as text
            return False
        self.walk(doc, f"{path}{mark}", "", False, principal)
        # the text itself still counts (scripts in YAML values, region tokens in command lines)
        return True

    def trace(self) -> Trace:
        return tuple(self.groups)


def _traced(rec_walk: Any, *args: Any) -> Trace:
    rec = _Recorder()
    rec_walk(rec, *args)
    return rec.trace()


def _top_trace(k: Any, v: Any) -> Trace | None:
    """The trace of a top-level input, from its cache where there is one; None: nothing to scan."""
    tv = type(v)
    if tv is str:  # a version (Neptune's `1.3.2.1`) is skipped at the top as deeper down (round 40)
        if (len(v) < 4 and v not in UNKNOWN_VALUES and not key_kind(k)[0]) or (
                k[-7:] in ("version", "Version") and VERSION.match(v)):
            return None
        trace = _STR_TRACES.get((k, v))
        if trace is None:
            trace = _STR_TRACES.old.get((k, v))  # not moved to the newest: a window of inserted strings
            if trace is None:
                if (v, k, False) in QUIET:  # known to hold nothing under this key
                    return None
                trace = _traced(_Recorder.text, v, k, k, False)
                if trace:  # most strings hold nothing: QUIET (or the document cache) remembers those
                    _STR_TRACES.remember((k, v), trace)
        return trace
    if isinstance(v, PROXIES):  # an attribute, not `v.__dict__`: that makes a dict per proxy
        hit = getattr(v, _TRACE_ATTR, None)
        if hit is not None and hit[0] == k:
            # its readers are a resource's two views (the stack view shares the resource view's top-level
            # proxies): taken by the second, not kept for the run (~18 MB at 100k, round 23); a third one
            # scans again
            setattr(v, _TRACE_ATTR, None)
            return hit[1]
        rec = _Recorder()
        rec.walk(v, str(k), str(k), False, k in ("Principal", "Service"))
        hit = (k, tuple(rec.groups))
        setattr(v, _TRACE_ATTR, hit)
        return hit[1]
    if tv is dict or tv is list or tv is _Secret:
        return _traced(_Recorder.walk, v, str(k), str(k), False, k in ("Principal", "Service"))
    if tv in ASSET_TYPES:  # inline code (round 38): each string asset's text, under the input's own key
        return tuple(g for n, s in asset_texts(v) for g in _traced(_Recorder.text, s, f"{k}.{n}", k, False))
    return None


def _replay(trace: Trace, refs: list[Ref], seen: set[tuple[str, str]]) -> None:
    for pre, found, tokens in trace:
        for key, ref in pre:
            if key not in seen:
                seen.add(key)
                refs.append(ref)
        before = len(refs)
        for key, ref in found:
            if key not in seen:
                seen.add(key)
                refs.append(ref)
        if tokens and len(refs) == before:  # region tokens inside ARNs/hosts are judged with those
            for key, ref in tokens:
                if key not in seen:
                    seen.add(key)
                    refs.append(ref)


def scan(value: Any, prefix: str = "", own: frozenset[str] = OWN_KEYS) -> list[Ref]:
    """Every reference inside `value` (raw inputs: plain, proxied or secret-wrapped); where a vendor's
    settings send is judged per resource (`references`)."""
    return [r for r in _scan(value, prefix, own) if r.kind != "vendor-setting"]


def _scan(value: Any, prefix: str, own: frozenset[str]) -> list[Ref]:
    refs: list[Ref] = []
    seen: set[tuple[str, str]] = set()
    top = proxy_target(value) if type(value) is _DictProxy else value
    if prefix or type(top) is not dict or _SIG in top:
        _replay(_traced(_Recorder.walk, value, prefix, "", not prefix, False, own), refs, seen)
        return refs
    for k, v in top.items():  # top-level inputs one by one: each one's trace is cached where it can be
        if k in own or (type(k) is str and (k in DESCRIBING or free_text(k)) and skipped(k, v, True)):
            continue
        trace = _top_trace(k, v)
        if trace:
            _replay(trace, refs, seen)
    return refs


def references(view: ResourceView) -> list[Ref]:
    """The references of a resource's inputs (computed once per view)."""
    m = view.memo
    refs = m.get("_refs")
    if refs is None:
        own = own_keys_of(view)
        src = view.raw if "_inputs" not in m else view.inputs
        if view.type in REDUCED_TYPES:
            src = reduced_inputs(view)
        refs = _scan(src, "", own)
        implied = [Ref(path, kind, value) for path, kind, value in implied_refs(view)] if (
            view.type in IMPLIED_TYPES) else []
        if view.type in TYPED_PLACE_TYPES:
            implied += [Ref(path, kind, value) for path, kind, value in typed_place_refs(view)]
        if any(r.kind == "vendor-setting" for r in refs):  # where vendors' code sends (named_services.py)
            settings = [(r.path, *r.value.split("=", 1)) for r in refs if r.kind == "vendor-setting"]
            places = vendor_hosts(settings, {(r.kind, r.value) for r in implied})  # type: ignore[arg-type]
            refs = [r for r in refs if r.kind != "vendor-setting"] + [Ref(*p) for p in places]
        refs = m["_refs"] = environment_buckets(src, refs) + implied  # `$B`: the resource's own B
        refs += [Ref(path, kind, value) for path, kind, value in foreign_arns(view, refs)]
    return refs


def release(view: ResourceView) -> None:
    """Drop what `references(view)` keeps for the run: its memo and its top-level inputs' traces (round 26).
    For require-resolved-references, the last rule that reads them per resource (after the resource rules in
    every mode; the graph's index reads them while it is built, before). A later call scans again, equally."""
    view.memo.pop("_refs", None)
    raw = view.raw
    if type(raw) is _DictProxy:
        for v in proxy_target(raw).values():
            if isinstance(v, PROXIES) and getattr(v, _TRACE_ATTR, None) is not None:
                setattr(v, _TRACE_ATTR, None)
