"""The program's own Python environment, as the Pulumi CLI would use it, for the recording workers.

`Pulumi.yaml` `runtime.options` decide it, like the CLI's Python language host:
- `toolchain: uv`: the project's uv environment (`uv sync` of its pyproject.toml, else a venv with its
  requirements.txt), in `virtualenv` if given, else `.venv`;
- `toolchain: pip` (the default) with `virtualenv: DIR`: a venv there with requirements.txt installed;
- no `virtualenv` and pip: the Python the gate runs on (as the CLI would use the `python` on PATH).

The environment is created on first use and synced again when its requirements change (a marker file
holds their hash: removed before a sync, written once it completed, round 26). Each install step runs on
a leash (`gate.procs.run_steps`): it ends with the gate. The worker then runs with that environment's
Python and `PYTHONPATH` pointing at a private copy of the gate's recording modules: nothing is installed
into the program's environment.
A program whose environment has a Pulumi SDK the recorder cannot drive is bad input (exit 2).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gate.deadlines import DEFAULTS
from gate.environ import program_environ
from gate.errors import GateError
from gate.procs import run_bounded, run_steps
from gate.project import read_yaml
from gate.report_parts import printable

MARKER = ".gate-env"
MIN_PULUMI = (3, 100)          # sourcePosition, stack transforms, the mock monitor the recorder drives
# prints nothing when the SDK is missing: any failure of the probe is then the interpreter's, not the SDK's
_VERSION = ("import importlib.metadata as m\ntry:\n    print(m.version('pulumi'))\n"
            "except m.PackageNotFoundError:\n    pass\n")
_GATE = Path(__file__).resolve().parent
# The worker imports only the engine's top-level modules (never its checkov subpackage).


@dataclass(frozen=True)
class ProgramEnv:
    python: Path | None           # None: the gate's own interpreter
    toolchain: str
    created: bool = False         # built (or re-synced) by this run
    pulumi: str = ""              # the SDK version found there


def runtime_options(pulumi_yaml: Path) -> dict[str, str]:
    doc = read_yaml(pulumi_yaml)
    runtime = doc.get("runtime") if isinstance(doc, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise GateError(f"{pulumi_yaml}: runtime.options: expected a mapping")
    return {k: str(v) for k, v in options.items() if isinstance(v, (str, int, float, bool))}


def gate_python(root: Path, pulumi_yaml: Path) -> bool:
    """Whether the program surely runs on the gate's own Python (no environment of its own), judged
    without building anything; False when in doubt (prepare decides)."""
    try:
        options = runtime_options(pulumi_yaml)
    except GateError:
        return False
    venv = _venv_name(options, options.get("toolchain", "pip"))
    return not venv or same_as_ours((root / venv).resolve())


def _venv_name(options: dict[str, str], toolchain: str) -> str:
    """The program's virtualenv as Pulumi.yaml names it ("" when it runs on the ambient Python)."""
    return options.get("virtualenv") or (".venv" if toolchain == "uv" else "")


def declared_environment(root: Path) -> Path | None:
    """`root / <virtualenv>` when the program declares an environment inside itself and it is one (a
    `pyvenv.cfg` there): what the language host runs the program with, not its sources (round 35: `pulumi
    new python` makes `venv`). The path as declared, so a walk of the tree tells it by name; None when
    the program declares none, one outside it, the program itself, or a directory that is no
    environment (its files stay the program's). A `main` inside it is refused: its sources would pass
    for the environment's."""
    pulumi_yaml = next((root / n for n in ("Pulumi.yaml", "Pulumi.yml") if (root / n).is_file()), None)
    if pulumi_yaml is None:
        return None
    options = runtime_options(pulumi_yaml)
    name = os.path.normpath(_venv_name(options, options.get("toolchain", "pip")) or ".")
    if os.path.isabs(name) or name == "." or name.split(os.sep)[0] == "..":
        return None
    directory = root / name
    if not (directory / "pyvenv.cfg").is_file():
        return None
    doc = read_yaml(pulumi_yaml)
    main = doc.get("main") if isinstance(doc, dict) else None
    if isinstance(main, str) and (root / main).resolve().is_relative_to(directory.resolve()):
        raise GateError(f"{pulumi_yaml}: main: {main} lies inside runtime.options.virtualenv {name}, the "
                        "program's environment, not its sources: move the program out of it")
    return directory


def prepare(root: Path, pulumi_yaml: Path, deadline: float = DEFAULTS["program"]) -> ProgramEnv:
    """The environment the program runs in (created or synced now if needed); its interpreter's first
    answer (the SDK version) within `deadline` seconds, the program's own."""
    options = runtime_options(pulumi_yaml)
    toolchain = options.get("toolchain", "pip")
    if toolchain not in ("pip", "uv"):
        raise GateError(f"{pulumi_yaml}: runtime.options.toolchain: {toolchain!r} is not supported offline "
                        "(pip or uv; or create the environment and name it in `virtualenv`)")
    venv = _venv_name(options, toolchain)
    if not venv:
        return ProgramEnv(python=None, toolchain=toolchain)
    directory = (root / venv).resolve()
    if same_as_ours(directory):
        return ProgramEnv(python=None, toolchain=toolchain)
    if not any((root / n).is_file() for n in ("pyproject.toml", "requirements.txt")):
        if not _python(directory).exists():
            return ProgramEnv(python=None, toolchain=toolchain)   # nothing to build from: the ambient Python
        python = _python(directory)      # a virtualenv the user made: used as it is
        version = _pulumi_version(python, pulumi_yaml, deadline)
        return ProgramEnv(python=python, toolchain=toolchain, pulumi=version)
    stamp = _requirements_stamp(root, toolchain)
    marker = directory / MARKER
    created = False
    if not (marker.is_file() and marker.read_text().strip() == stamp and _python(directory).exists()):
        # the marker goes first: a sync to other requirements stopped halfway (a gate killed outright)
        # left the last complete sync's, which going back to its requirements trusted (round 26)
        marker.unlink(missing_ok=True)
        _build(root, directory, toolchain, pulumi_yaml)
        marker.write_text(stamp + "\n")
        created = True
    version = _pulumi_version(_python(directory), pulumi_yaml, deadline)
    return ProgramEnv(python=_python(directory), toolchain=toolchain, created=created, pulumi=version)


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def same_as_ours(venv: Path) -> bool:
    """This project's own environment (e.g. the gate judging its home project): nothing to do."""
    try:
        return venv.samefile(Path(sys.prefix))
    except OSError:
        return False


def _requirements_stamp(root: Path, toolchain: str) -> str:
    digest = hashlib.sha256(toolchain.encode())
    for name in ("pyproject.toml", "uv.lock", "requirements.txt"):
        path = root / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [str(_GATE.parents[1] / "scripts" / "uvw")]


def _build(root: Path, venv: Path, toolchain: str, pulumi_yaml: Path) -> None:
    """Create or sync the environment like the CLI's language host does before running the program."""
    env = {**program_environ(), "UV_COMPILE_BYTECODE": "1"}   # round 33: a build runs the program's code
    env.pop("VIRTUAL_ENV", None)
    requirements = root / "requirements.txt"
    if toolchain == "uv" and (root / "pyproject.toml").is_file():
        env["UV_PROJECT_ENVIRONMENT"] = str(venv)
        frozen = ["--frozen"] if (root / "uv.lock").is_file() else []
        steps = [[*_uv(), "sync", "--quiet", "--project", str(root), *frozen]]
    elif requirements.is_file():
        python = str(_python(venv))
        if toolchain == "uv":
            steps = [[*_uv(), "venv", "--quiet", str(venv)],
                     [*_uv(), "pip", "install", "--quiet", "--python", python, "-r", str(requirements)]]
        else:
            steps = [[sys.executable, "-m", "venv", str(venv)],
                     [python, "-m", "pip", "install", "--quiet", "-r", str(requirements)]]
    else:   # callers check first: nothing to build from means the gate's own interpreter
        raise GateError(f"{pulumi_yaml}: runtime.options.virtualenv: {venv.name} does not exist and there is "
                        "no requirements.txt or pyproject.toml to create it from")
    failed = run_steps(steps, env, cwd=root)
    if failed is not None:
        raise GateError(f"{pulumi_yaml}: cannot create the program's environment {venv}: {failed}")


def _pulumi_version(python: Path, pulumi_yaml: Path, deadline: float = DEFAULTS["program"]) -> str:
    """The environment's pulumi version, asked of its own Python: code the gate does not vouch for (its
    `sitecustomize`, a `.pth` file), so it runs on a leash like the installs and within the program's
    deadline (round 27: a plain child of the gate ran on after a SIGKILLed gate, or held it forever), and
    under the kernel's write fence (round 46: it wrote anywhere; gate._fenced)."""
    where = python.parent.parent
    with tempfile.TemporaryDirectory(prefix="gate-probe-") as out_dir:
        try:
            code, out, err = run_bounded("gate._fenced", "", out_dir, str(python), "-c", _VERSION,
                                         python=sys.executable, timeout=deadline, out_dir=Path(out_dir),
                                         env=program_environ())   # round 33: it held the run's key
        except subprocess.TimeoutExpired:
            raise GateError(f"{pulumi_yaml}: the program's environment ({where}) did not tell its pulumi "
                            f"version within {deadline:g} s (the program deadline): its Python hangs at "
                            "start") from None
    version = out.strip()
    if code != 0:    # the interpreter's own word (round 27: it was read as a missing SDK)
        last = (err.strip().splitlines() or ["no output"])[-1]
        raise GateError(f"{pulumi_yaml}: the program's environment ({where}) cannot tell its pulumi version "
                        f"(exit {code}): {printable(last)}")
    if not version:
        raise GateError(f"{pulumi_yaml}: the program's environment ({where}) has no pulumi "
                        "SDK: add pulumi to its requirements")
    parts = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if len(parts) < 2 or parts[0] != MIN_PULUMI[0] or parts < MIN_PULUMI:
        raise GateError(f"{pulumi_yaml}: the program's environment has pulumi {version}; the gate records "
                        f"with pulumi>={MIN_PULUMI[0]}.{MIN_PULUMI[1]},<{MIN_PULUMI[0] + 1}")
    return version


@contextmanager
def worker_path() -> Iterator[str]:
    """A private copy of the recording modules as package `gate`, for PYTHONPATH (never installed)."""
    with tempfile.TemporaryDirectory(prefix="gate-worker-") as base:
        (Path(base) / "gate").mkdir()
        for module in _GATE.glob("*.py"):
            shutil.copy2(module, Path(base) / "gate" / module.name)
        yield base
