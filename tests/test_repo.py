"""The repo's promises: README commands match CI, built-in templates ship in the wheel."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S)
    return [line.strip() for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")]


def test_readme_opens_with_two_commands_and_ci_runs_the_second():
    commands = readme_commands()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_lines = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[1] in ci_lines, "the README's test command must be exactly what .ci/run runs"
    assert "drafter draft" in commands[0] and "pytest" in commands[1]


def test_example_article_in_first_command_exists():
    match = re.search(r"--article (\S+)", readme_commands()[0])
    assert match and (ROOT / match.group(1)).is_file()


@pytest.mark.slow
def test_wheel_contains_builtin_templates_and_finds_them(tmp_path):
    """A non-editable install (a wheel) must still find the built-in prompts."""
    pytest.importorskip("hatchling")
    out = tmp_path / "dist"
    offline = ["--no-index", "--disable-pip-version-check"]  # pip must not reach PyPI (nor its version check)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", *offline, "-q",
         "-w", str(out)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(out.glob("drafter-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("drafter/prompts/") and n.endswith(".toml")}
    in_repo = {p.name for p in (ROOT / "prompts").glob("*.toml")}
    assert in_repo and shipped == in_repo
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", *offline, "-q", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    code = (
        "import drafter.settings.paths as w, drafter.templates as t; "
        "lib = t.TemplateLibrary(None); print(w.builtin_prompts_dir()); print(','.join(sorted(lib.names())))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=60)
    assert res.returncode == 0, res.stderr
    where, names_line = res.stdout.splitlines()
    assert where.startswith(str(target))
    assert set(names_line.split(",")) == {n.removesuffix(".toml") for n in in_repo}
