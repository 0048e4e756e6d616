"""The evaluation loop: a range of resources through the resource policies, the stack policies over every
view, each call failing closed as the servicer would (what gate.policyhost and gate.parallel_eval run)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

from gate.deadlines import DeadlineExceeded
from gate.findings import deadline_detail, raised_message, unknown_message
from gate.policy_bound import Bound
from gate.state_view import StateResource, inputs_view, proxied

PACK_VERSION = "0.0.1"  # what a Python pack reports in its diagnostics (pulumi_policy hard-codes it)


@dataclass
class Loop:
    """The evaluation of a range of resources and of some stack policies: what a worker runs."""

    resources: list[StateResource]
    resource_policies: list[Bound]
    stack_policies: list[Bound]
    stack_views: list[Any]
    provider_of: Any
    options_of: Any
    seconds: float
    stack_args: Any = None
    ranged: list[Bound] = field(default_factory=list)
    """Stack policies judged range by range (`validate_resources`) when the work is split."""

    def resource_range(self, dog: Any, lo: int, hi: int) -> set[int]:
        """Run the resource policies on resources[lo:hi]; the ids of the policies that overran/exited."""
        from pulumi_policy.policy import ResourceValidationArgs

        resource_policies = list(self.resource_policies)
        stack_views, seconds = self.stack_views, self.seconds
        applicable: dict[str, list[Bound]] = {}
        stopped: set[int] = set()
        for r in self.resources[lo:hi]:
            todo = applicable.get(r.type)
            if todo is None:
                todo = applicable[r.type] = [b for b in resource_policies
                                             if b.types is None or r.type in b.types]
            if not todo:
                continue
            if stack_views:   # the stack view's options, provider and (where inputs were not replaced) props
                view = stack_views[r.index]
                same = not r.outputs or r.outputs is r.inputs or r.outputs == r.inputs
                args = ResourceValidationArgs(r.type, view.props if same else inputs_view(r, view.props),
                                              r.urn, r.name, view.opts, view.provider, None, {})
            else:
                args = ResourceValidationArgs(r.type, proxied(r.inputs), r.urn, r.name, self.options_of(r),
                                              self.provider_of(r), None, {})
            for b in todo:  # the hot loop: call inlined
                args._ResourceValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
                b.resource = r
                dog.seq += 1
                try:
                    result = b.validate(args, b.reporter)
                    if result is not None:
                        _await(result)
                except KeyboardInterrupt:
                    raise
                except BaseException as e:   # SystemExit and the deadline too: never a pass
                    if failed(b, e, r.urn, r.type, r.index, seconds):
                        resource_policies.remove(b)     # hung: not run again (its finding says so)
                        stopped.add(id(b))
                        applicable.clear()
        return stopped

    def stack_range(self, dog: Any, lo: int, hi: int) -> set[int]:
        """Run the ranged stack policies on resources[lo:hi]; the ids of those that overran/exited. A
        policy's `validate_resources(args, report, lo, hi)` reports, over consecutive ranges, what its
        `validate` reports; the empty range only builds what it shares (before a fork), reporting nothing."""
        ranged, args, stopped = list(self.ranged), self._stack_args(), set()
        for b in ranged:
            args._StackValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
            b.resource = None
            dog.seq += 1
            try:
                result = b.policy.validate_resources(args, b.reporter if lo < hi else _discard, lo, hi)
                if result is not None:
                    _await(result)
            except KeyboardInterrupt:
                raise
            except BaseException as e:   # an empty range's error comes back on the ranges that judge
                r = self.resources[lo] if lo < hi else None
                if r is not None and failed(b, e, r.urn, r.type, lo, self.seconds):
                    ranged.remove(b)
                    stopped.add(id(b))
        return stopped

    def _stack_args(self) -> Any:
        from pulumi_policy.policy import StackValidationArgs

        if self.stack_args is None:
            self.stack_args = StackValidationArgs(self.stack_views, None, {})
        return self.stack_args

    def stack(self, dog: Any, policies: list[Bound]) -> None:
        """Run `policies` (stack policies) over every resource's view, with one arguments object for all
        (what packs cache on it, e.g. a graph of the stack, is built once)."""
        if not policies:
            return
        stack_args = self._stack_args()
        for b in policies:
            stack_args._StackValidationArgs__config = b.config.copy() if b.config else {}  # type: ignore[attr-defined]
            b.resource = None
            dog.seq += 1
            call(b, stack_args, self.seconds)


def _discard(message: str, urn: str | None = None) -> None:
    """The report callback of a call that must report nothing."""


def call(b: Bound, args: Any, seconds: float) -> None:
    """Run one stack validate the way the servicer does, failing closed on any error."""
    try:
        result = b.validate(args, b.reporter)
        if result is not None:
            _await(result)
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        failed(b, e, "", "", -1, seconds)


def _await(result: Any) -> None:
    """An async validation runs to completion on a fresh event loop, as in the servicer."""
    if isawaitable(result):
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(result)
        finally:
            loop.close()


def failed(b: Bound, error: BaseException, urn: str, type_: str, res_index: int, seconds: float) -> bool:
    """Unknown value: the servicer's advisory note; not applicable: nothing; anything else: fail closed.

    True when the policy ran past its deadline (the caller stops running it).
    """
    from pulumi_policy.policy import _NotApplicableError
    from pulumi_policy.proxy import UnknownValueError

    if isinstance(error, UnknownValueError):
        b.add("advisory", "", urn, type_, unknown_message(b.policy.name, b.pack, PACK_VERSION, error.message),
              res_index)
    elif isinstance(error, DeadlineExceeded) or not isinstance(error, Exception):
        # Overran, or exited / raised a BaseException (over gRPC that kills its call or its server):
        # judged failed once and not run again, the same in both modes.
        detail = deadline_detail(seconds) if isinstance(error, DeadlineExceeded) else \
            f"{type(error).__name__}: {error}; not run on the remaining resources"
        b.add("mandatory", getattr(b.policy.severity, "value", "") or "", urn, type_,
              raised_message(b.policy.description, b.policy.name, detail), res_index)
        return True
    elif not isinstance(error, _NotApplicableError):
        b.add("mandatory", getattr(b.policy.severity, "value", "") or "", urn, type_,
              raised_message(b.policy.description, b.policy.name, error), res_index)
    return False
