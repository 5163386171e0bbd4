"""The interface in Brazilian Portuguese: every tr() text translated, the .ts current, shown."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from gui.main_window import MainWindow
from gui.translation import TsTranslator, install_translators, read_ts
from gui.widgets.words import language, set_language

from .conftest import no_driver_nvml

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "trainfer_pt_BR.ts"
FIELD = re.compile(r"\{[^{}]*\}")


def _messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    """``(context, source, <translation>)`` of every live message of a .ts file."""
    found = []
    for ctx in ET.parse(path).getroot().iter("context"):
        for m in ctx.iter("message"):
            tr = m.find("translation")
            assert tr is not None
            if tr.get("type") not in ("obsolete", "vanished"):
                found.append((ctx.findtext("name") or "", m.findtext("source") or "", tr))
    return found


def test_every_interface_text_is_translated_with_its_fields():
    messages = _messages(TS)
    assert len(messages) > 400
    for ctx, source, tr in messages:
        text = tr.text or ""
        assert tr.get("type") != "unfinished" and text, (ctx, source)
        assert sorted(FIELD.findall(text)) == sorted(FIELD.findall(source)), (ctx, source)
        assert ("&" in text) == ("&" in source), (ctx, source)  # menu mnemonics
        assert text[:1].isspace() == source[:1].isspace(), (ctx, source)
        assert text[-1:].isspace() == source[-1:].isspace(), (ctx, source)
    assert len(read_ts(TS)) == len(messages)


def _gui_sources() -> list[Path]:
    return sorted(ROOT.joinpath("gui").rglob("*.py"))


def test_the_translation_file_is_current_with_the_code(tmp_path):
    """Extracting the texts again finds nothing new and nothing gone.

    If this fails: ``bash scripts/update_translations.sh``, then translate what it added.
    """
    lupdate = shutil.which("pyside6-lupdate", path=str(Path(sys.executable).parent))
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, "-locations", "none", *map(str, _gui_sources()), "-ts", str(fresh)],
                   check=True, capture_output=True, timeout=60)
    extracted = {(c, s) for c, s, _ in _messages(fresh)}
    committed = {(c, s) for c, s, _ in _messages(TS)}
    assert sorted(extracted - committed) == [], "new texts: run scripts/update_translations.sh"
    assert sorted(committed - extracted) == [], "texts gone: run scripts/update_translations.sh"


def test_lupdate_can_see_every_tr_call():
    """``tr()`` gets a literal text, on ``self`` or on a ``Context`` named as its context.

    lupdate files ``X.tr("…")`` under the context ``X`` and skips a text it cannot read,
    so another receiver or a computed text would stay in English.
    """
    problems = []
    for path in _gui_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        contexts = set()
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                    and isinstance(node.value.func, ast.Name)
                    and node.value.func.id == "Context"):
                name = node.targets[0]
                arg = node.value.args[0]
                assert isinstance(name, ast.Name) and isinstance(arg, ast.Constant)
                if name.id != arg.value:
                    problems.append(f"{path.name}:{node.lineno}: {name.id} = {arg.value!r}")
                contexts.add(name.id)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "tr"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            receiver = node.func.value
            if not (isinstance(receiver, ast.Name) and receiver.id in contexts | {"self"}):
                problems.append(f"{where}: tr() on {ast.unparse(receiver)}")
            if not (node.args and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                problems.append(f"{where}: tr() of a computed text")
    assert not problems, problems


def _english_words() -> set[str]:
    """Texts that read differently in Portuguese: the tr() sources and the catalogue's."""
    english = {s.replace("&", "") for _c, s, tr in _messages(TS) if (tr.text or "") != s}
    en = json.loads((ROOT / "resources/messages/en.json").read_text("utf-8"))
    pt = json.loads((ROOT / "resources/messages/pt_BR.json").read_text("utf-8"))
    english |= {v for k, v in en.items() if isinstance(v, str) and not k.startswith("_")
                and "{" not in v and pt.get(k) != v}
    return {w for w in english if len(w.strip()) > 2}


def _shown_texts(window: QWidget) -> list[str]:
    texts = [window.windowTitle()]
    texts += [a.text() for a in window.menuBar().actions()]
    for menu_action in window.menuBar().actions():
        if menu_action.menu() is not None:
            texts += [a.text() for a in menu_action.menu().actions()]
    for w in window.findChildren(QWidget):
        texts.append(w.toolTip())
        if isinstance(w, (QLabel, QAbstractButton)):
            texts.append(w.text())
        elif isinstance(w, QGroupBox):
            texts.append(w.title())
        elif isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        elif isinstance(w, QTabWidget):
            texts += [w.tabText(i) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            texts += [w.itemText(i) for i in range(w.count())]
        if isinstance(w, QHeaderView) and w.model() is not None:  # table columns
            texts += [str(w.model().headerData(c, w.orientation()) or "")
                      for c in range(w.count())]
    return [t.replace("&", "") for t in texts if t]


@pytest.fixture
def portuguese(qapp, capsys):
    """The app's translators and words in pt_BR, as ``trainfer gui --lang pt_BR`` sets them."""
    before_lang, before_locale = language(), QLocale()
    translators = install_translators(qapp, "pt_BR")
    assert "no interface translation" not in capsys.readouterr().err
    set_language("pt_BR")
    yield translators
    for t in translators:
        qapp.removeTranslator(t)
    set_language(before_lang)
    QLocale.setDefault(before_locale)


def test_the_window_in_portuguese(portuguese, qtbot, qloop, store):
    assert any(isinstance(t, TsTranslator) for t in portuguese)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)  # Qt's own words
    assert [b.text() for b in buttons.buttons()] == ["Cancelar"]
    win = MainWindow(nvml=no_driver_nvml(), store=store)
    qtbot.addWidget(win)
    win.show()
    try:
        tabs = [win.tabs.tabText(i) for i in range(win.tabs.count())]
        assert tabs == ["Ao vivo", "Comparar", "Histórico", "Experimentos"]
        menus = [a.text() for a in win.menuBar().actions()]
        assert "&Arquivo" in menus and "&File" not in menus
        shown = _shown_texts(win)
        joined = "\n".join(shown)
        for word in ("Iniciar", "Modelo", "Tamanho do batch", "Vazão", "Memória de pico",
                     "Passos de aquecimento"):
            assert word in joined, word
        english = _english_words()
        untranslated = sorted({t for t in shown if t in english})
        assert not untranslated, untranslated
    finally:
        win.close()


def test_plot_ticks_use_the_decimal_comma(portuguese):
    from gui.widgets.plot_panel import LocaleAxis

    assert LocaleAxis("left").tickStrings([0.5, 1.0, 1.5], 1.0, 0.5) == ["0,5", "1,0", "1,5"]
