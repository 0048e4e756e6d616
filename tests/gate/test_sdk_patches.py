"""The SDK seams of gate.sdk_patches give what the SDK itself gives."""

from __future__ import annotations

from gate.sdk_patches import stack_trace_function
from pulumi.runtime import resource as rt_resource


class _Base:
    def __init__(self, traces: list) -> None:  # the SDK's Resource.__init__ (first __init__ from the top)
        fast = stack_trace_function()
        traces.extend([rt_resource._get_stack_trace(), fast()])


class _Custom(_Base):
    def __init__(self, traces: list) -> None:  # CustomResource.__init__
        super().__init__(traces)


class _Concrete(_Custom):
    def __init__(self, traces: list) -> None:  # the provider SDK's resource class
        super().__init__(traces)


class _Component:
    def __init__(self, traces: list) -> None:  # user code: a component creating the resource
        _Concrete(traces)


def _program(traces: list) -> None:
    _Component(traces)


def test_stack_trace_equals_the_sdks() -> None:
    traces: list = []
    _program(traces)
    sdk, fast = traces
    assert len(sdk.frames) > 2                     # the program's frames, innermost first
    assert sdk.frames[0].pc.uri.endswith("test_sdk_patches.py") and sdk.frames[0].pc.line > 0
    assert fast == sdk
    assert rt_resource._get_source_position(fast) == rt_resource._get_source_position(sdk)


def test_stack_trace_without_three_constructors_is_empty_as_the_sdks() -> None:
    fast = stack_trace_function()
    sdk_trace, fast_trace = rt_resource._get_stack_trace(), fast()
    assert fast_trace == sdk_trace
    assert not fast_trace.frames
