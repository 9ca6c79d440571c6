"""The one-way dependency rule (README "Architecture"): import-linter's contracts in pyproject.toml.

The contracts are checked on the package as it is, and on a copy with one forbidden import added,
so a contract that could never fail (a typo in a module name, a layer list that is empty) fails
here instead of passing silently.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"

pytestmark = pytest.mark.slow


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # -c puts the working folder first on sys.path: the package analysed is the one under root
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, capture_output=True, text=True, timeout=300)


def test_the_package_keeps_every_contract():
    res = lint_imports(ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 broken" in res.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("drafter/models/post.py", "import textual", "The core never imports textual"),
        ("drafter/engines/offline/engine.py", "import openai", "The offline path never imports openai"),
        ("drafter/engines/base.py", "from ..tui import app", "Engines never import the app"),
        ("drafter/storage/store.py", "from ..service import drafting", "Layers"),
        ("drafter/engines/offline/topics.py", "from ..openai import parsing", "independent of each other"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    shutil.copytree(ROOT / "drafter", tmp_path / "drafter", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")
    res = lint_imports(tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    broken = [ln for ln in res.stdout.splitlines() if " BROKEN" in ln]
    assert any(contract in ln for ln in broken), res.stdout
