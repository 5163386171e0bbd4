"""The PyInstaller recipe lists every resource, the entry and the icon (no build).

``packaging/trainfer.spec`` is Python that PyInstaller runs with its own classes in scope;
here it runs with stand-ins that record what it was given, so the check needs neither
PyInstaller nor the minutes a bundle of torch takes.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from .conftest import ROOT, resource_files

SPEC = ROOT / "packaging" / "trainfer.spec"


class _Recorded:
    made: dict[str, _Recorded] = {}

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.made[type(self).__name__] = self
        self.pure, self.scripts, self.binaries, self.datas = [], [], [], kwargs.get("datas")


@pytest.fixture(scope="module")
def spec(tmp_path_factory):
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda name: [name]
    hooks.copy_metadata = lambda name: [(f"/site-packages/{name}.dist-info", f"{name}.dist-info")]
    stand_ins = {"PyInstaller": types.ModuleType("PyInstaller"),
                 "PyInstaller.utils": types.ModuleType("PyInstaller.utils"),
                 "PyInstaller.utils.hooks": hooks}
    saved = {name: sys.modules.get(name) for name in stand_ins}
    path = list(sys.path)
    sys.modules.update(stand_ins)
    made = {name: type(name, (_Recorded,), {}) for name in ("Analysis", "PYZ", "EXE", "COLLECT")}
    _Recorded.made = {}
    try:
        exec(compile(SPEC.read_text(), str(SPEC), "exec"),
             {"SPECPATH": str(SPEC.parent), "__name__": "__main__", **made})
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        sys.path[:] = path
    return _Recorded.made


def test_the_bundle_holds_every_resource_where_the_app_looks(spec):
    datas = spec["Analysis"].kwargs["datas"]
    bundled = {(Path(dest) / Path(src).name).as_posix() for src, dest in datas}
    missing = [f for f in resource_files() if f"resources/{f}" not in bundled]
    assert not missing, f"resources not in packaging/trainfer.spec's datas: {missing}"
    for src, _dest in datas:
        assert Path(src).is_file() or src.startswith("/site-packages/"), src
    assert any(dest == "torch.dist-info" for _src, dest in datas)  # Help ▸ About's versions


def test_the_bundle_starts_at_the_launcher_with_every_engine_and_gui_module(spec):
    analysis = spec["Analysis"]
    (script,) = analysis.args[0]
    launcher = Path(script)
    assert launcher == ROOT / "packaging" / "launcher.py"
    code = launcher.read_text()
    # a spawned run process is the executable started again: freeze_support comes first
    assert code.index("freeze_support()") < code.index("from trainfer import entry")
    assert {"engine", "gui", "trainfer"} <= set(analysis.kwargs["hiddenimports"])
    assert analysis.kwargs["pathex"] == [str(ROOT)]
    needed = {"PySide6", "pyqtgraph", "qasync", "superqt", "qtpy", "torch", "torchvision",
              "transformers", "numpy", "psutil", "pynvml", "engine", "gui"}
    assert not needed & {name.split(".")[0] for name in analysis.kwargs["excludes"]}


def test_the_executable_is_trainfer_with_the_icon_in_one_folder(spec):
    exe = spec["EXE"].kwargs
    assert exe["name"] == "trainfer" and exe["exclude_binaries"] is True  # one folder
    assert Path(exe["icon"]).is_file()
    assert spec["COLLECT"].kwargs["name"] == "trainfer"
