"""report.html opens in headless Chromium (Debian's `chromium`), shows the control table; screenshot kept."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from evidence.export import export
from evidence_fixtures import PROJECT

# Screenshots are CI artifacts, not sources: kept under build/ (git-ignored). The README's screenshot is
# tests/evidence/screenshots/report-all.png, refreshed by hand from build/test-artifacts/.
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts"
CHROMIUM = next(
    (
        p
        for p in (shutil.which("chromium"), shutil.which("chromium-browser"), shutil.which("google-chrome"))
        if p
    ),
    None,
)


def screenshot(page: Path, shot: Path, home: Path, height: int = 1400) -> None:
    """Render ``page`` headless into the PNG ``shot`` (kept as a test artifact)."""
    shot.parent.mkdir(parents=True, exist_ok=True)
    shot.unlink(missing_ok=True)
    run = _chromium(f"--screenshot={shot}", f"--window-size=1280,{height}", page.as_uri(), home=home)
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def _chromium(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--hide-scrollbars",
        f"--user-data-dir={home / 'profile'}",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(home)},
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("REQUIRE_CHROMIUM"),
    reason="no chromium binary (install Debian's `chromium`; CI sets REQUIRE_CHROMIUM=1 and fails instead)",
)
def test_report_opens_in_headless_chromium(tmp_path: Path, export_kwargs) -> None:
    out = tmp_path / "bundle"
    export(PROJECT, out, stacks=None, **export_kwargs)
    url = (out / "report.html").as_uri()
    dom = _chromium("--dump-dom", url, home=tmp_path)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<table id="controls">' in dom.stdout
    for control in ("ENC-KEY-ROTATION", "LOC-EEA", "VPN-IPSEC", "LOG-TRAIL", "ORG-PIA"):
        assert f'id="row-{control}"' in dom.stdout
    screenshot(out / "report.html", ARTIFACTS / "report.png", tmp_path)
