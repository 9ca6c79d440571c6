"""The real app in a real terminal: bench/tmux_walkthrough.sh drives it with send-keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "tmux_walkthrough.sh"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_tmux_walkthrough_passes():
    env = {**os.environ, "DRAFTER": f"{sys.executable} -m drafter", "PYTHON": sys.executable}
    res = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=240)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "walkthrough passed: 1 draft saved" in res.stdout
