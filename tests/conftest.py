"""Shared test fixtures: the offline engine's fixture programs and a `gate` subprocess runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GATE_PROGRAMS = REPO / "tests" / "gate" / "programs"


@pytest.fixture(scope="session", autouse=True)
def _gate_signing_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Gate runs (in-process and the subprocesses that inherit the environment) sign run.json with a
    throw-away key, never one made in the real home directory (gate.run_sign)."""
    from gate import dsse

    key = tmp_path_factory.getbasetemp() / "gate-signing" / "key.pem"
    dsse.load_signer(key)
    before = os.environ.get("GATE_SIGNING_KEY")
    os.environ["GATE_SIGNING_KEY"] = str(key)
    yield
    if before is None:
        os.environ.pop("GATE_SIGNING_KEY", None)
    else:
        os.environ["GATE_SIGNING_KEY"] = before


@pytest.fixture(scope="session")
def gate_programs() -> Path:
    """Directory of small Pulumi programs used by the engine's tests."""
    return GATE_PROGRAMS


@pytest.fixture
def run_gate() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m gate ARGS...` as the CLI would run (exit code, stdout and stderr captured)."""

    def run(*args: str | Path, cwd: Path | None = None,
            timeout: float = 240) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        return subprocess.run(
            [sys.executable, "-m", "gate", *map(str, args)],
            cwd=cwd or REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False,
        )

    return run


@pytest.fixture
def make_program(tmp_path: Path) -> Callable[..., Path]:
    """Write a throw-away Pulumi project: make_program(main_py, stacks={name: yaml}, pulumi_yaml=...)."""

    def make(main_py: str = "import pulumi\n", *, stacks: dict[str, str] | None = None,
             pulumi_yaml: str | None = "name: scratch\nruntime: python\n") -> Path:
        root = tmp_path / "program"
        root.mkdir(exist_ok=True)
        if pulumi_yaml is not None:
            (root / "Pulumi.yaml").write_text(pulumi_yaml, encoding="utf-8")
        (root / "__main__.py").write_text(main_py, encoding="utf-8")
        for name, text in (stacks if stacks is not None else {"dev": "config: {}\n"}).items():
            (root / f"Pulumi.{name}.yaml").write_text(text, encoding="utf-8")
        return root

    return make


def pytest_configure(config: pytest.Config) -> None:
    # pulumi_aws warns about deprecated resource classes at import time; that is not our code's noise.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:pulumi_aws.*")


# ---------------------------------------------------------------------------------- the calendar
# Tests never read the real clock: every record-judging path (packs in-process and over gRPC, checkov
# waivers, gate and evidence subprocesses) reads the evaluation date from GATE_AS_OF, pinned here for the
# whole session (subprocesses inherit it). Tests of expiry set their own dates on both sides of a boundary.
PINNED_AS_OF = "2026-11-30"


def pytest_sessionstart(session: pytest.Session) -> None:
    os.environ["GATE_AS_OF"] = PINNED_AS_OF


@pytest.fixture(autouse=True)
def _repin_as_of() -> Iterator[None]:
    """A gate or evidence call made in the test's own process exports its `--as-of` to GATE_AS_OF (for its
    packs); the tests after it, in the same worker, still run on the pinned date."""
    yield
    os.environ["GATE_AS_OF"] = PINNED_AS_OF


@pytest.fixture(autouse=True)
def _sdk_globals_kept() -> Iterator[None]:
    """What a test changes of the SDK's process-wide settings and config (stack, project, organization,
    monitor, `CONFIG`, `_SECRET_KEYS`) is put back after it: left set, the next test in the worker judges
    as that stack (tests/sdk_globals.py; engine round 16)."""
    from sdk_globals import kept

    with kept():
        yield


@pytest.fixture(autouse=True)
def _signal_mask_kept() -> Iterator[None]:
    """A test that leaves signals blocked in the worker fails: every process the worker starts after it
    inherits the mask through exec (CI, 2026-12-04: a gate that never saw its SIGTERM)."""
    import signal

    before = signal.pthread_sigmask(signal.SIG_BLOCK, ())
    yield
    after = signal.pthread_sigmask(signal.SIG_SETMASK, before)
    assert after == before, f"the test left signals blocked: {sorted(s.name for s in after - before)}"


@pytest.fixture
def pinned_as_of() -> str:
    """The evaluation date every test runs on (see PINNED_AS_OF)."""
    return PINNED_AS_OF


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A moto server in server mode on 127.0.0.1 (real HTTP, real boto3), one per test module."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
