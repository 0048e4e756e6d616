"""The conftest guard of the SDK's process-wide settings (engine round 16): a test that leaves the stack,
project, organization or config set cannot leak them into the next test of its worker.

`test_leaves_the_sdk_set` changes everything and puts nothing back; `test_finds_the_sdk_as_before` checks
none of it is visible. Run in that order in one process (`test_the_next_test_starts_clean`): they pass with
the guard and fail with the conftest files left out (`--noconftest`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pulumi
from pulumi.runtime import config, settings

LEAKED = "leaked-r16"


def test_leaves_the_sdk_set() -> None:
    settings.SETTINGS.project = settings.SETTINGS.stack = settings.SETTINGS.organization = LEAKED
    pulumi.runtime.set_all_config({f"{LEAKED}:region": "us-east-1"}, [f"{LEAKED}:region"])
    config.set_config(f"{LEAKED}:other", "x")   # in place, in the map set above


def test_finds_the_sdk_as_before() -> None:
    assert LEAKED not in (settings.SETTINGS.project, settings.SETTINGS.stack, settings.SETTINGS.organization)
    assert not any(k.startswith(LEAKED) for k in config.CONFIG.get())
    assert not any(k.startswith(LEAKED) for k in config._SECRET_KEYS.get())


def test_the_next_test_starts_clean() -> None:
    here = Path(__file__)
    run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-o", "addopts=",
           f"{here}::test_leaves_the_sdk_set", f"{here}::test_finds_the_sdk_as_before"]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    kw = {"cwd": here.parents[1], "capture_output": True, "text": True, "env": env, "check": False}
    guarded = subprocess.run(run, **kw)
    assert guarded.returncode == 0, guarded.stdout[-2000:]
    bare = subprocess.run([*run, "--noconftest"], **kw)
    assert bare.returncode == 1 and "1 failed, 1 passed" in bare.stdout, bare.stdout[-2000:]
