"""The wheel holds the code, every resource and the entry point, and works installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

from .conftest import ICON_SIZES, package_files, resource_files


def test_the_wheel_holds_the_code_every_resource_and_the_trainfer_command(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        info = f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"
        entry_points = whl.read(f"{info}/entry_points.txt").decode()
        metadata = whl.read(f"{info}/METADATA").decode()
    assert "trainfer.py" in names
    missing = [f for f in package_files("engine") + package_files("gui") if f not in names]
    assert not missing, f"modules not in the wheel: {missing}"
    missing = [f for f in resource_files() if f"trainfer_resources/{f}" not in names]
    assert not missing, f"resources not in the wheel (setup.py's package_data): {missing}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert "trainfer = trainfer:entry" in entry_points
    for field in ("Name: trainfer", "Requires-Python: >=3.10", "Requires-Dist: torch",
                  "Requires-Dist: PySide6-Essentials", "Description-Content-Type: text/markdown"):
        assert field in metadata


def test_the_installed_wheel_finds_its_resources_away_from_the_checkout(wheel, tmp_path):
    """A fresh virtual environment gets the wheel alone (no checkout on its path); the
    libraries it needs come from this environment's site-packages, so nothing is
    downloaded."""
    pip = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True,
                         text=True, timeout=60).stdout.split()
    if len(pip) < 2 or tuple(int(n) for n in pip[1].split(".")[:2]) < (22, 3):
        pytest.skip(f"pip 22.3 or newer installs into another environment (here: {pip[1:2]})")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path("
                           "'purelib'))"], capture_output=True, text=True, check=True).stdout
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (venv / site.strip() / "_deps.pth").write_text("\n".join(deps) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--ignore-installed", "--no-index", "--no-compile", "--disable-pip-version-check",
         str(wheel)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "TRAINFER_RESOURCES")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    check = textwrap.dedent("""
        import json, sys
        from PySide6.QtCore import QLocale
        from PySide6.QtWidgets import QApplication
        import engine, gui
        from engine.claims.document import load_claims, load_document
        from engine.core.format import catalogue
        from engine.core.resources import resources_dir
        from gui.app import app_icon
        from gui.main_window import demo_recording_path
        from gui.translation import ts_file
        app = QApplication(sys.argv[:1])
        print(json.dumps({
            "code": [engine.__file__, gui.__file__], "resources": str(resources_dir()),
            "rows": len(load_document()), "claims": len(load_claims()),
            "pt": catalogue("pt_BR") != catalogue("en"), "ts": str(ts_file(QLocale("pt_BR"))),
            "demo": str(demo_recording_path()), "icon": len(app_icon().availableSizes())}))
        """)
    proc = subprocess.run([str(python), "-c", check], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.splitlines()[-1])
    installed = str(venv)
    assert all(path.startswith(installed) for path in got["code"]), got
    assert got["resources"].startswith(installed) and got["resources"].endswith(
        "trainfer_resources"), got
    assert got["rows"] > 0 and got["claims"] > 0 and got["pt"]
    assert got["ts"].startswith(installed) and got["demo"].startswith(installed)
    assert got["icon"] == len(ICON_SIZES)

    proc = subprocess.run([str(venv / "bin" / "trainfer"), "models", "--json"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "mlp" in json.loads(proc.stdout) or "mlp" in proc.stdout
