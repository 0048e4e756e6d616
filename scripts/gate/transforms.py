"""Run the program's resource transforms the way the engine does, so the record is what the engine receives.

The SDK sends `transforms` (the `transforms=` option) as callbacks with each RegisterResourceRequest and
registers stack transforms (`pulumi.runtime.register_resource_transform`) with RegisterStackTransform;
the engine then calls them over the callback protocol before it registers the resource: the resource's
own transforms, then each ancestor's (a parent's transforms apply to its children), then the stack
transforms in registration order. Each gets the result of the previous one. The SDK mock monitor runs
none of them; this module does, through the SDK's own callback servicer (same TransformRequest /
TransformResponse messages as the engine exchanges). Legacy `transformations` run inside the SDK
itself, so they already apply under the mocks. Invoke transforms (`register_invoke_transform`) are run
the same way before an invoke is answered: a transform that points `get_region()` elsewhere moves what
the program builds from the answer.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from pulumi.runtime.proto import callback_pb2, resource_pb2

# RegisterResourceRequest field <-> TransformResourceOptions field (scalars and repeated scalars).
_SCALARS = (("protect", "protect"), ("version", "version"), ("provider", "provider"),
            ("pluginDownloadURL", "plugin_download_url"), ("retainOnDelete", "retain_on_delete"),
            ("deletedWith", "deleted_with"), ("deleteBeforeReplace", "delete_before_replace"))
_LISTS = (("dependencies", "depends_on"), ("ignoreChanges", "ignore_changes"),
          ("replaceOnChanges", "replace_on_changes"),
          ("additionalSecretOutputs", "additional_secret_outputs"))


class Transforms:
    """Engine-side transform state of one recording: stack transforms and each resource's own."""

    def __init__(self) -> None:
        self.stack: list[Any] = []                   # callback protos, in registration order
        self.invoke: list[Any] = []                  # stack invoke transforms, in registration order
        self.own: dict[str, list[Any]] = {}          # URN -> the resource's own transform callbacks
        self.parents: dict[str, str] = {}            # URN -> parent URN
        self.lock = threading.Lock()

    def chain(self, urn: str, request: Any) -> list[Any]:
        """Own transforms, then each ancestor's, then the stack's (the engine's order)."""
        own = list(request.transforms)
        with self.lock:
            self.own[urn] = own
            self.parents[urn] = request.parent
            callbacks = list(own)
            parent = request.parent
            while parent:
                callbacks += self.own.get(parent, [])
                parent = self.parents.get(parent, "")
            return callbacks + list(self.stack)

    def apply(self, urn: str, request: Any) -> Any:
        """The request after every applicable transform (the same request when there is none)."""
        callbacks = self.chain(urn, request)
        if not callbacks:
            return request
        properties, options = request.object, _options(request)
        for callback in callbacks:
            response = _call(callback, resource_pb2.TransformRequest(
                type=request.type, name=request.name, custom=request.custom, parent=request.parent,
                properties=properties, options=options))
            properties = response.properties
            if response.HasField("options"):
                options = response.options
        out = resource_pb2.RegisterResourceRequest()
        out.CopyFrom(request)
        out.object.CopyFrom(properties)
        _apply_options(out, options)
        return out


    def apply_invoke(self, request: Any) -> Any:
        """The invoke request after every stack invoke transform (the same request when there is none)."""
        with self.lock:
            callbacks = list(self.invoke)
        if not callbacks:
            return request
        args = request.args
        options = resource_pb2.TransformInvokeOptions(
            provider=request.provider, version=request.version, plugin_download_url=request.pluginDownloadURL)
        for callback in callbacks:
            response = _call(callback, resource_pb2.TransformInvokeRequest(
                token=request.tok, args=args, options=options), resource_pb2.TransformInvokeResponse)
            args = response.args
            if response.HasField("options"):
                options = response.options
        out = resource_pb2.ResourceInvokeRequest()
        out.CopyFrom(request)
        out.args.CopyFrom(args)
        out.provider, out.version = options.provider, options.version
        out.pluginDownloadURL = options.plugin_download_url
        return out


def _call(callback: Any, request: Any, response_type: Any = resource_pb2.TransformResponse) -> Any:
    """Invoke a transform callback on the program's event loop, as the engine's gRPC call would."""
    from pulumi.runtime._callbacks import _CallbackServicer

    for servicer in _CallbackServicer._servicers:
        fn = servicer._callbacks.get(callback.token)
        if fn is not None:
            future = asyncio.run_coroutine_threadsafe(fn(request.SerializeToString()), servicer._loop)
            return response_type.FromString(future.result().SerializeToString())
    if callback.target:    # out of process (gate.relay): call the program back as the engine does
        return response_type.FromString(_remote(callback.target).Invoke(
            callback_pb2.CallbackInvokeRequest(token=callback.token, request=request.SerializeToString()),
            timeout=600).response)
    raise RuntimeError(f"transform callback {callback.token} is not registered with the program")


_STUBS: dict[str, Any] = {}
_STUBS_LOCK = threading.Lock()   # round 14: two gRPC threads each opened a channel, one never closed


def _remote(target: str) -> Any:
    """One channel per callback server (the program's `_CallbackServicer`), kept for the recording."""
    import grpc
    from pulumi.runtime.proto import callback_pb2_grpc

    with _STUBS_LOCK:
        if target not in _STUBS:
            _STUBS[target] = callback_pb2_grpc.CallbacksStub(grpc.insecure_channel(target))
        return _STUBS[target]


def _options(request: Any) -> Any:
    options = resource_pb2.TransformResourceOptions()
    for ours, theirs in _SCALARS:
        setattr(options, theirs, getattr(request, ours))
    for ours, theirs in _LISTS:
        getattr(options, theirs).extend(getattr(request, ours))
    options.aliases.extend(request.aliases)
    options.providers.update(request.providers)
    if request.HasField("customTimeouts"):
        options.custom_timeouts.CopyFrom(request.customTimeouts)
    if request.HasField("hooks"):
        options.hooks.CopyFrom(request.hooks)
    setattr(options, "import", request.importId)
    return options


def _apply_options(request: Any, options: Any) -> None:
    for ours, theirs in _SCALARS:
        setattr(request, ours, getattr(options, theirs))
    if options.delete_before_replace:
        request.deleteBeforeReplaceDefined = True
    for ours, theirs in _LISTS:
        field = getattr(request, ours)
        del field[:]
        field.extend(getattr(options, theirs))
    del request.aliases[:]
    request.aliases.extend(options.aliases)
    request.providers.clear()
    request.providers.update(options.providers)
    if options.HasField("custom_timeouts"):
        request.customTimeouts.CopyFrom(options.custom_timeouts)
    if options.HasField("hooks"):      # a transform can bind hooks (refused by the monitor) or drop them
        request.hooks.CopyFrom(options.hooks)
    else:
        request.ClearField("hooks")
    request.importId = getattr(options, "import")
