"""The desktop entry, the AppStream metainfo and the icon sizes.

``desktop-file-validate`` (Debian/Ubuntu: ``apt-get install desktop-file-utils``) and
``appstreamcli`` (``apt-get install appstream``) check the files where they are installed;
the tests that need them skip, saying so, where they are not.
"""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest

from gui.app import DESKTOP_ID

from .conftest import ICON_SIZES, RESOURCES, ROOT

DESKTOP = RESOURCES / f"{DESKTOP_ID}.desktop"
METAINFO = RESOURCES / "io.github.trainfer.Trainfer.metainfo.xml"
ICONS = RESOURCES / "icons" / "hicolor"


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None,
                    reason="desktop-file-validate is not installed (apt-get install "
                           "desktop-file-utils)")
def test_the_desktop_entry_is_valid():
    proc = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0 and "error" not in proc.stdout.lower(), proc.stdout + proc.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None,
                    reason="appstreamcli is not installed (apt-get install appstream)")
def test_the_appstream_metainfo_is_valid():
    proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_entry_starts_the_installed_command_with_the_shipped_icon():
    entry = _entry()
    scripts = (ROOT / "pyproject.toml").read_text().split("[project.scripts]")[1]
    assert f'\n{entry["Exec"].split()[0]} = "' in scripts and entry["TryExec"] == "trainfer"
    assert entry["Icon"] == DESKTOP_ID
    assert entry["StartupWMClass"] == "Trainfer"  # Qt's WM_CLASS class: the application name
    meta = ET.parse(METAINFO).getroot()
    assert meta.findtext("launchable") == DESKTOP.name
    assert meta.findtext("provides/binary") == entry["TryExec"]


def test_the_icon_comes_as_svg_and_in_every_png_size_a_desktop_asks_for():
    svg = ET.parse(ICONS / "scalable" / "apps" / f"{DESKTOP_ID}.svg").getroot()
    assert svg.get("viewBox") == "0 0 256 256"
    for size in ICON_SIZES:
        png = (ICONS / f"{size}x{size}" / "apps" / f"{DESKTOP_ID}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (size, size)  # IHDR width, height
