"""What the distributions hold: the wheel, the PyInstaller spec, the desktop files.

The wheel is built once per session from a copy of the sources (the checkout is not
written to), in about two seconds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
SOURCES = ("pyproject.toml", "setup.py", "README.md", "trainfer.py", "engine", "gui",
           "resources")
"""What a wheel is built from (the sdist's contents)."""


def resource_files() -> list[str]:
    """Every file under ``resources/``, as a POSIX path relative to it."""
    return sorted(p.relative_to(RESOURCES).as_posix() for p in RESOURCES.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def package_files(package: str) -> list[str]:
    """Every ``.py`` file of ``engine`` or ``gui``, relative to the repository root."""
    return sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py"))


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The wheel that ``python -m build`` / ``pip wheel`` makes of this checkout."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, src / name)
    out = work / "dist"
    proc = subprocess.run(
        [sys.executable, "-c",
         f"from setuptools import build_meta; print(build_meta.build_wheel({str(out)!r}))"],
        cwd=src, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    path = out / proc.stdout.split()[-1]
    assert zipfile.is_zipfile(path)
    return path
