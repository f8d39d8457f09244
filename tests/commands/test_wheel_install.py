"""Issue 13: the wheel installs into a fresh venv of the system-like interpreter, with its
dependencies (from the package index or pip's cache: no --system-site-packages), and the installed
`vbotui --version` prints the version. Also `vbotui --version` in process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import vbotui
from vbotui.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIMIT_S = 300  # building and installing took ~10 s here with pip's cache, the index reachable


def test_version_flag_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"vbotui {vbotui.__version__}"


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=LIMIT_S
    )
    assert done.returncode == 0, f"{command}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installs_into_a_fresh_venv_and_runs(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, ROOT)
    [wheel] = wheels.glob("vbotui-*.whl")
    assert wheel.name.startswith(f"vbotui-{vbotui.__version__}-")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)  # a venv of the base interpreter, without site-packages
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", wheel)  # its dependencies too
    assert run(venv / "bin" / "vbotui", "--version").strip() == f"vbotui {vbotui.__version__}"
    # the installed package, not this checkout
    where = run(venv / "bin" / "python", "-c", "import vbotui; print(vbotui.__file__)", cwd=tmp_path)
    assert where.startswith(str(venv))
