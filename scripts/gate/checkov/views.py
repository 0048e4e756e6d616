"""A stack's exported views built resource by resource, reusing what the previous run derived from each
unchanged resource (the memo kept beside its stack entry, see `cache.ResultCache.stack_memo`).

Per view the memo holds:
- per resource key: the text of the resource's blocks as the view's file holds them, and (ARM) whether
  they name a link (`shard.ARM_LINKS`);
- per component key: the digest of the component's document, i.e. its key in the component cache.

A resource key digests everything its blocks depend on: its checkpoint entry (the bytes orjson writes
for it) and what the export takes from the rest of the state (Terraform: its address and the
references of its expressions; ARM: its name and the entries of the child settings nested into it).
A component key digests its members' keys in order. The code, its tables and checkov's version are in
the stack entry's key. So an unchanged resource is neither cleaned, converted nor written again, an
unchanged component is neither built nor hashed, and anything the memo lacks (or holds in another
shape) is exported as if there were no memo: a memo only ever saves work, the views and components are
those of a plain export (tests compare them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import orjson

import gate.checkov.arm as arm
import gate.checkov.terraform as terraform
from gate.checkov.cache import fast_digest
from gate.checkov.parallel import Document
from gate.checkov.shard import ARM_LINKS, Component, groups, terraform_links

Memo = dict[str, Any]       # {"units": {resource key: [texts...]}, "components": {component key: digest}}
_HOLE = "\x00"              # stands for a list of blocks in a view's skeleton


def _text(value: Any) -> str:
    """A block as the view's file writes it (compact, sorted keys: see `_view_text`)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _key(*parts: Any) -> str | None:
    """A resource's key; None (never reused) if orjson cannot write its entry."""
    try:
        return hashlib.blake2b(orjson.dumps(parts), digest_size=20).hexdigest()
    except TypeError:
        return None


def _component_key(keys: list[str | None]) -> str | None:
    if any(k is None for k in keys):
        return None
    return hashlib.blake2b("/".join(keys).encode(), digest_size=20).hexdigest()   # type: ignore[arg-type]


def _view_text(skeleton: dict[str, Any], lists: dict[str, list[str]]) -> str:
    """`json.dumps(view, sort_keys=True, separators=(",", ":"))` of the view whose lists of blocks are
    `lists` (hole name -> block texts), the skeleton holding `[_HOLE + name]` in their place."""
    text = _text(skeleton)
    holes = sorted((text.index(_text([_HOLE + h])), h) for h in lists)   # the skeleton's own text only
    out, at = [], 0
    for start, hole in holes:
        out += [text[at:start], "[", ",".join(lists[hole]), "]"]
        at = start + len(_text([_HOLE + hole]))
    return "".join([*out, text[at:], "\n"])


def _old(memo: Any, part: str) -> dict[str, Any]:
    found = memo.get(part) if isinstance(memo, dict) else None
    return found if isinstance(found, dict) else {}


def _texts(old: dict[str, Any], key: str | None, kinds: tuple[type, ...]) -> list[Any] | None:
    """What the memo holds for a resource key, if it has the expected shape."""
    found = old.get(key) if key is not None else None
    if isinstance(found, list) and len(found) == len(kinds) and \
            all(type(v) is kind for v, kind in zip(found, kinds, strict=True)):
        return found
    return None


class _Made:
    """Blocks of units, made once and only when asked (a memo hit never needs them)."""

    def __init__(self, make: Callable[[Any], Any], units: list[Any]) -> None:
        self.make, self.units, self.done = make, units, {}

    def __call__(self, i: int) -> Any:
        if i not in self.done:
            self.done[i] = self.make(self.units[i])
        return self.done[i]


def _components(member_lists: list[list[int]], addresses: list[str], keys: list[str | None],
                old: dict[str, Any], build: Callable[[list[int]], dict[str, Any]],
                memo: Memo) -> list[Component]:
    """Components of the given members; a known one carries its digest and is built only if scanned."""
    out = []
    for members in member_lists:
        ckey = _component_key([keys[i] for i in members])
        digest = old.get(ckey) if ckey is not None else None
        names = [addresses[i] for i in members]
        if isinstance(digest, str):
            comp = Component(names, key=digest, build=lambda m=members: build(m))
        else:
            comp = Component(names, build(members))
            comp.key = digest = fast_digest(comp.document)
        if ckey is not None:
            memo["components"][ckey] = digest
        out.append(comp)
    return out


def terraform_view(stack: str, name: str, units: list[terraform.Unit],
                   memo: Any) -> tuple[str, Document, Memo]:
    """The plan view of `units`: its file's text, the document to scan (cut into components), its memo."""
    old_units, new = _old(memo, "units"), {"units": {}, "components": {}}
    keys = [_key(u.res, u.address, u.expressions) for u in units]
    made = _Made(terraform.blocks, units)
    texts = []
    for i, key in enumerate(keys):
        found = _texts(old_units, key, (str, str, str))
        texts.append(found or [_text(b) for b in made(i)])
        if key is not None:
            new["units"][key] = texts[-1]
    addresses = [u.address for u in units]
    index = {a: i for i, a in enumerate(addresses)}
    links = terraform_links((u.address, u.expressions) for u in units)

    def build(members: list[int]) -> dict[str, Any]:
        blocks = [made(i) for i in members]
        return terraform.plan([b[0] for b in blocks], [b[1] for b in blocks], [b[2] for b in blocks])

    parts = _components([[index[a] for a in g] for g in groups(addresses, links)], addresses, keys,
                        _old(memo, "components"), build, new)
    text = _view_text(terraform.plan([_HOLE + "p"], [_HOLE + "c"], [_HOLE + "g"]),
                      {h: [t[j] for t in texts] for j, h in enumerate("pcg")})
    return text, Document(stack, name, "terraform_plan", terraform.plan([], [], []), parts), new


def arm_view(stack: str, name: str, units: list[arm.Unit], memo: Any) -> tuple[str, Document, Memo]:
    """The template view of `units` (see `terraform_view`): one component per resource, or the whole
    template when a resource names a link (`shard.arm_components`)."""
    old_units, new = _old(memo, "units"), {"units": {}, "components": {}}
    keys = [_key(u.res, u.name, u.children) for u in units]
    made = _Made(arm.block, units)
    texts, linked = [], False
    for i, key in enumerate(keys):
        found = _texts(old_units, key, (str, bool))
        if found is None:
            text = _text(made(i))
            found = [text, any(link in text for link in ARM_LINKS)]
        texts.append(found[0])
        linked = linked or found[1]
        if key is not None:
            new["units"][key] = found
    addresses = [f"{u.info['arm_type']}.{u.name}" for u in units]
    whole = linked or len(set(addresses)) != len(addresses)
    members = [list(range(len(units)))] if whole else [[i] for i in range(len(units))]
    parts = _components(members, addresses, keys, _old(memo, "components"),
                        lambda m: arm.template([made(i) for i in m]), new)
    text = _view_text(arm.template([_HOLE + "r"]), {"r": texts})
    return text, Document(stack, name, "arm", arm.template([]), parts), new
