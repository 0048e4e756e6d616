"""One reference scan of a resource's inputs for both of its views (round 20).

The resource policies see a resource's inputs; the stack policies see its inputs and then the outputs the
engine added (`id`, `name`, ...). Where a host builds both and links them (the stack view's props begin
with the very items of the inputs: gate.state_view.inputs_view sets proxy_attrs.EXTENSION), the stack
view's scan resumes the inputs' scan at their end instead of walking every input a second time: the scan
is one pass over the items in order, so what it finds after the inputs depends only on what it found
before them.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from policies.core.proxy_attrs import EXTENSION, SCANNED
from policies.core.view import SECRET_SIG_KEY, ResourceView


def shared_scan(view: ResourceView, src: Any, own: frozenset[str], scan: Any) -> list[Any]:
    """`scan(src, "", own)` (references._scan), resumed from the linked inputs' scan where there is one."""
    raw = view.raw
    if src is not raw and src is not view.memo.get("_inputs"):  # a DNS record's data: its own scan
        return scan(src, "", own)
    done = getattr(raw, SCANNED, None)
    if done is not None:
        setattr(raw, SCANNED, None)   # taken once: the stack view keeps what it finds
        if done[0] == own:   # the same keys skipped (an output may name an issuer: own_keys_of)
            extra = dict(islice(raw._DictProxy__target.items(), done[2], None))
            if SECRET_SIG_KEY not in extra:
                return scan(extra, "", own, done[1])
    refs = scan(src, "", own)
    extension = getattr(raw, EXTENSION, None)
    if extension is not None and SECRET_SIG_KEY not in (target := raw._DictProxy__target):
        setattr(extension, SCANNED, (own, refs, len(target)))
    return refs
