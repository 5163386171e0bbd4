"""Help ▸ About: the versions and the machine a bug report needs, with a Copy button.

torch is never imported here (the GUI process must not, see ``pyproject.toml``'s
import contracts): its version comes from the installed distribution's metadata, and its
CUDA version from the ``cuda = '…'`` line of ``torch/version.py``, read as text. The GPU and
the driver come from the window's :class:`~engine.session.devices.DevicesReport` (NVML).
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import platform
from pathlib import Path

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import engine
from engine.session.devices import DevicesReport
from gui.translation import Context
from gui.widgets.words import words

About = Context("About")
"""Translation context of this module's texts outside a QObject."""


def distribution_version(name: str) -> str | None:
    """The installed version of distribution ``name`` (``"2.14.1+cu130"``), or ``None``."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def torch_cuda_version() -> str | None:
    """The CUDA version torch was built with (``"13.0"``), without importing torch.

    Returns:
        ``None`` for a CPU-only build, or when torch is not installed or its
        ``version.py`` cannot be read.
    """
    try:
        spec = importlib.util.find_spec("torch")  # a top-level package: nothing is imported
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "version.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    target: ast.expr
    value: ast.expr | None
    for node in tree.body:  # `cuda: Optional[str] = '13.0'` (or a plain assignment)
        if isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign):
            target, value = node.targets[0], node.value
        else:
            continue
        if (isinstance(target, ast.Name) and target.id == "cuda"
                and isinstance(value, ast.Constant) and isinstance(value.value, str)):
            return value.value
    return None


def about_lines(devices: DevicesReport, data_dir: Path | None) -> list[tuple[str, str]]:
    """``(label, value)`` rows of the About text, in the interface language.

    Args:
        devices: What NVML found (the GPUs and the driver, or why there is none).
        data_dir: Where runs are kept, or ``None`` when this session keeps none.
    """
    not_installed = About.tr("not installed")
    torch = distribution_version("torch")
    if torch is None:
        torch_text = not_installed
    else:
        cuda = torch_cuda_version()
        torch_text = (About.tr("{0} (CUDA {1})").format(torch, cuda) if cuda
                      else About.tr("{0} (CPU only)").format(torch))
    if devices.gpus:
        gpus = "; ".join(f"cuda:{g.index} — {g.name}" for g in devices.gpus)
    else:
        gpus = About.tr("no NVIDIA GPU ({0})").format(words(devices.msg))
    return [
        (About.tr("Trainfer"), engine.__version__),
        (About.tr("Python"), f"{platform.python_version()} ({platform.platform()})"),
        (About.tr("torch"), torch_text),
        (About.tr("NVIDIA driver"), devices.driver_version or About.tr("none")),
        (About.tr("GPU"), gpus),
        (About.tr("PySide6"), About.tr("{0} (Qt {1})").format(PySide6.__version__, qVersion())),
        (About.tr("pyqtgraph"), distribution_version("pyqtgraph") or not_installed),
        (About.tr("Data folder"), str(data_dir) if data_dir is not None
         else About.tr("none (runs are not kept in this session)")),
    ]


def about_text(devices: DevicesReport, data_dir: Path | None) -> str:
    """The About rows as plain text, one ``label: value`` a line (what Copy copies)."""
    return "\n".join(f"{label}: {value}" for label, value in about_lines(devices, data_dir))


class AboutDialog(QDialog):
    """What Trainfer runs on, selectable, and a Copy button for bug reports.

    Args:
        devices: What NVML found.
        data_dir: Where runs are kept, or ``None``.
        parent: The window.
    """

    def __init__(self, devices: DevicesReport, data_dir: Path | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(self.tr("About Trainfer"))
        heading = QLabel(self.tr("<b>Trainfer</b> — training vs inference, measured on "
                                 "your own GPU."))
        heading.setWordWrap(True)
        self.text = about_text(devices, data_dir)
        self.view = QPlainTextEdit(self.text)
        self.view.setObjectName("about_text")
        self.view.setReadOnly(True)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = self.text.splitlines()
        metrics = self.view.fontMetrics()
        self.view.setMinimumSize(
            min(900, max(metrics.horizontalAdvance(line) for line in lines) + 40),
            metrics.lineSpacing() * (len(lines) + 1) + 16)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setObjectName("about_copy")
        self.copy_button.setToolTip(self.tr("Copy this text to the clipboard, for a bug "
                                            "report"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)

    def copy(self) -> None:
        """Put the About text on the clipboard."""
        QApplication.clipboard().setText(self.text)
        self.copy_button.setText(self.tr("Copied"))
