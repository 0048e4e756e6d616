"""Collects one program's registrations into a Graph: URNs, default providers, stack references."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from gate.graph import (
    PROVIDER_PREFIX,
    REGION_KEYS,
    Graph,
    RecordedResource,
    provider_urn,
)
from gate.made_up import Ledger
from gate.read_tracker import reader
from gate.wire import UNKNOWN, secret


@reader   # round 46: the one caller of ReadTracker.state_outputs
def outputs_from_state_file(state_dir: Path, stack: str) -> dict[str, Any] | None:
    """The stack outputs in `<state_dir>/<stack>.state.json`; None if absent, unreadable or a bad name."""
    from gate.project import STACK_NAME
    from gate.read_tracker import ReadTracker

    if not STACK_NAME.fullmatch(stack) or ".." in stack:
        return None
    # the stack cache keys a reader on these outputs; the read is the gate's by its frame (round 45)
    return ReadTracker.state_outputs(Path(state_dir) / f"{stack}.state.json")


_GATE_DIR = Path(__file__).resolve().parent


def _in_gate(uri: str) -> bool:
    from urllib.parse import unquote, urlparse

    return uri.startswith("file://") and Path(unquote(urlparse(uri).path)).is_relative_to(_GATE_DIR)


class Recorder:
    """Collects registrations (thread-safe: the SDK calls the monitor from executor threads)."""

    def __init__(self, project: str, stack: str, config: dict[str, str],
                 stack_outputs: dict[str, dict[str, Any]] | None) -> None:
        self.graph = Graph(project=project, stack=stack, config=dict(config))
        self.lock = threading.RLock()
        self.constructed = 0          # resources the program created (the limit: gate.sdk_patches)
        self.resource_limit = 0       # that limit, read before the program runs (0: not yet)
        self.recorded_bytes = 0       # serialized size of what the program sent (the byte limit)
        self.byte_limit = 0           # that limit, read before the program runs (0: not yet)
        self.config = config
        self.stack_outputs = stack_outputs or {}
        self.default_providers: dict[tuple[str, str], str] = {}
        self.mocks: Any = None
        self.state_dir: Path | list[Path] | None = None
        self.secret_keys: set[str] = set()
        self.secret_values: set[str] = set()   # plaintexts seen inside secrets (to scrub messages)
        self.made_up = Ledger()                 # round 12: values made up for the update (gate.made_up)
        self.type_aliases: dict[str, list[str]] = {}   # type -> former types (sdk_patches.split_type_aliases)
        self.root: Path | None = None    # the project directory: source positions are relative to it
        self.installed: tuple[Path, ...] = ()   # directories under it that are no code of the program
        self.invoke_answers: list[Any] = []   # gate.invokes.Answer
        self.fixture_hint = "an --invoke-fixtures file"   # where the user should add a missing answer
        self.dry_run = True                   # preview (True) or update (False), as `is_dry_run()` says
        self.seals: dict[str, str] = {}        # urn -> gate.integrity.seal when recorded
        self.relay: Any = None                 # gate.relay.Relay: the record is kept by another process
        self.relay_answer: dict[str, Any] | None = None   # its answer once the program returned
        from gate.env_reads import EnvReads

        self.env_reads = EnvReads(self.program_file)

    def place(self, root: Path) -> None:
        """The program's directory, and what in it is not the program's code: the environment it declares
        and the interpreter's installed packages. Round 35: they were told by name (`.venv`, `venv`, any
        `site-packages`), so the program's own file in a folder so named read the environment unnoted."""
        import site

        from gate.program_env import declared_environment

        self.root = root
        env = declared_environment(root)
        places = [*([env] if env else []), *site.getsitepackages(), site.getusersitepackages()]
        # as found and resolved: the SDK names a frame's file by the path it was imported from, which
        # runs through a linked environment (a `.venv` linked into the program's directory) unresolved
        self.installed = tuple({q: None for p in places for q in (Path(p).absolute(), Path(p).resolve())})

    def program_file(self, uri: str) -> str:
        """`file:///<root>/stacks/x.py` -> `stacks/x.py`; "" outside the program (SDK, installed packages)."""
        if self.root is None or not uri.startswith("file://"):
            return ""
        from urllib.parse import unquote, urlparse

        path = Path(unquote(urlparse(uri).path))
        if path.is_relative_to(_GATE_DIR):      # the gate's own frames (when the program is this project)
            return ""
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            return ""
        if any(path.is_relative_to(d) for d in self.installed):
            return ""
        return rel.as_posix()

    def source(self, request: Any) -> tuple[str, list[str]]:
        """The engine's `project:///<file>#<line>` for a registration, and the program frames leading to it.

        The SDK sends `sourcePosition` (the innermost frame of user code) and `stackTrace` (innermost
        first); only frames in the program's own files count.
        """
        chain: list[str] = []
        for frame in reversed(request.stackTrace.frames) if request.HasField("stackTrace") else []:
            if _in_gate(frame.pc.uri):
                chain = []      # whatever called the gate (a test, a script) is not the program
                continue
            file = self.program_file(frame.pc.uri)
            if file and frame.pc.line:
                chain.append(f"project:///{file}#{frame.pc.line}")
        position = ""
        if request.HasField("sourcePosition"):
            file = self.program_file(request.sourcePosition.uri)
            if file and request.sourcePosition.line:
                position = f"project:///{file}#{request.sourcePosition.line}"
        if not position and chain:
            position = chain[-1]
        return position, chain

    def urn(self, typ: str, name: str) -> str:
        return f"urn:pulumi:{self.graph.stack}::{self.graph.project}::{typ}::{name}"

    def default_provider(self, package: str, version: str) -> str:
        """The provider reference of the engine's default provider for a package (created on first use)."""
        with self.lock:
            key = (package, version)
            if key in self.default_providers:
                return self.default_providers[key]
            name = "default_" + re.sub(r"[^0-9A-Za-z]", "_", version) if version else "default"
            typ = PROVIDER_PREFIX + package
            inputs: dict[str, Any] = {
                k.split(":", 1)[1]: secret(v) if k in self.secret_keys else v
                for k, v in self.config.items() if k.split(":", 1)[0] == package
            }
            if version:
                inputs["version"] = version
            rid, _ = self.mocks.outputs_for(typ, name, inputs, "")
            urn = self.urn(typ, name)
            provider = RecordedResource(urn=urn, type=typ, name=name, custom=True, inputs=inputs,
                                        outputs=dict(inputs), id=rid, version=version)
            self.graph.add(provider)
            from gate.integrity import seal

            self.seals[urn] = seal(provider)
            ref = f"{urn}::{rid}"
            self.default_providers[key] = ref
            return ref

    def region_of(self, provider_ref: str, package: str) -> str | None:
        """Region/location of the provider a resource or invoke uses (default provider from config)."""
        key = REGION_KEYS.get(package)
        return self.provider_setting(provider_ref, package, key) if key else None

    def provider_setting(self, provider_ref: str, package: str, key: str) -> str | None:
        """A known string input of the provider a resource uses (`subscriptionId`…), else its config."""
        with self.lock:
            provider = self.graph.get(provider_urn(provider_ref)) if provider_ref else None
        value = provider.inputs.get(key) if provider is not None else self.config.get(f"{package}:{key}")
        return value if isinstance(value, str) and value != UNKNOWN else None

    def lookup_stack(self, target: str) -> dict[str, Any] | None:
        """Outputs of a referenced stack ("org/project/stack", "project/stack" or "stack").

        From `stack_outputs` first, then from `<state_dir>/<stack>.state.json` of an earlier offline run.
        A stack of another project or organization is not this project's stack of that name (round 11).
        """
        from gate.stack_graphs import target_stack

        short = target_stack(target, self.graph.project)
        found = self.stack_outputs.get(target)
        if found is None and short is not None:
            found = self.stack_outputs.get(short)
        dirs = self.state_dir if isinstance(self.state_dir, list) else [self.state_dir]
        for directory in dirs:       # this run's states first, then the published ones
            if found is None and directory is not None and short is not None:
                found = outputs_from_state_file(directory, short)
        with self.lock:
            self.graph.stack_references[target] = found is not None
        return found
