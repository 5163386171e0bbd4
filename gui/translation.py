"""The interface's translation: Qt's own dialogs and Trainfer's ``tr()`` texts.

Trainfer's widget texts go through Qt's ``tr()`` (``self.tr("…")`` in a QObject, or a
:class:`Context`'s ``tr`` in module-level code). ``pyside6-lupdate`` extracts them into
``resources/i18n/trainfer_<lang>.ts`` (``scripts/update_translations.sh``; see
``docs/translation.md``), where the translations are written.

The ``.ts`` file is loaded as it is, by :class:`TsTranslator`, a small ``QTranslator``
whose ``translate()`` looks the text up in a dict read from the XML. Why not the usual
``.qm`` made by ``pyside6-lrelease``:

- no generated binary in git, and no build or first-run compile step that could leave a
  stale ``.qm`` beside a newer ``.ts`` (an edited translation shows on the next start);
- ``lrelease`` ships with PySide6's tools, which an install may not have; the XML needs
  only the standard library;
- the cost is small: reading ~460 messages takes a few milliseconds at start, and a
  lookup is one dict access (Qt calls it for each ``tr()``, and for each class of the
  caller's MRO that PySide6 tries).

Qt's own texts (the buttons of standard dialogs, a line edit's context menu) come from
the ``qtbase_<lang>.qm`` that PySide6 ships, loaded with the stock ``QTranslator``.
"""

from __future__ import annotations

import logging
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

from engine.core.resources import resources_dir

log = logging.getLogger(__name__)

TS_PREFIX = "trainfer_"
"""Translation files are ``resources/i18n/trainfer_<lang>.ts``."""


class Context:
    """A translation context for code outside a QObject (module-level functions).

    ``RunText = Context("RunText")`` then ``RunText.tr("…")``: ``pyside6-lupdate`` files
    ``X.tr("…")`` under the context named ``X``, so the variable is named as its context
    (``tests/gui/test_translation.py`` checks it).
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def tr(self, text: str, disambiguation: str | None = None, n: int = -1) -> str:
        """``text`` in the interface language (as ``QObject.tr``, in this context)."""
        return QCoreApplication.translate(self.name, text, disambiguation, n)


def read_ts(path: Path) -> dict[tuple[str, str, str], str]:
    """The finished translations of a Qt Linguist ``.ts`` file.

    Returns:
        ``(context, source, disambiguation) -> translation``; unfinished, obsolete and
        vanished entries and empty translations are left out (those read in English).
        A plural entry keeps its first form.

    Raises:
        OSError: The file cannot be read.
        xml.etree.ElementTree.ParseError: It is not XML.
    """
    found: dict[tuple[str, str, str], str] = {}
    for ctx in ET.parse(path).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for message in ctx.iter("message"):
            tr = message.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            forms = tr.findall("numerusform")
            text = (forms[0].text if forms else tr.text) or ""
            if text:
                key = (name, message.findtext("source") or "", message.findtext("comment") or "")
                found[key] = text
    return found


class TsTranslator(QTranslator):
    """A ``QTranslator`` over the messages of a ``.ts`` file (see the module docstring)."""

    def __init__(self, path: Path, language: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._messages = read_ts(path)
        self._language = language
        self._path = path

    def translate(self, context: str, sourceText: str,  # noqa: N803 (Qt's names)
                  disambiguation: str | None = None, n: int = -1) -> str | None:
        """The translation, or ``None`` (Qt then tries the next translator, or English)."""
        return self._messages.get((context, sourceText, disambiguation or ""))

    def isEmpty(self) -> bool:  # noqa: N802 (Qt's name)
        """Whether no message is translated."""
        return not self._messages

    def language(self) -> str:
        """The language of the translations (``"pt_BR"``)."""
        return self._language

    def filePath(self) -> str:  # noqa: N802 (Qt's name)
        """The ``.ts`` file the translations were read from."""
        return str(self._path)


def ts_file(locale: QLocale) -> Path | None:
    """Trainfer's ``.ts`` for ``locale`` (``trainfer_pt_BR.ts``), or ``None`` if none.

    Tried in the order of ``locale.uiLanguages()`` (``pt-BR``, then ``pt``), as
    ``QTranslator.load(locale, …)`` does.
    """
    try:
        folder = resources_dir() / "i18n"
    except FileNotFoundError:
        return None
    for name in locale.uiLanguages():
        path = folder / f"{TS_PREFIX}{name.replace('-', '_')}.ts"
        if path.is_file():
            return path
    return None


def install_translators(app: QCoreApplication, lang: str | None) -> list[QTranslator]:
    """Load Qt's own and Trainfer's translations for ``lang`` (or the system locale).

    ``lang`` also becomes Qt's default locale, so spin boxes write numbers as the rest of
    the interface does. A language without Trainfer's translation is not an error: the
    interface (Qt's dialogs included) stays in English, and a chosen one says so on stderr.

    Returns:
        The installed translators (parented to ``app``).
    """
    locale = QLocale(lang) if lang else QLocale.system()
    if lang:
        QLocale.setDefault(locale)
    installed: list[QTranslator] = []
    if locale.language() == QLocale.Language.English:
        return installed
    path = ts_file(locale)
    if path is None:
        if lang:
            print(f"trainfer: no interface translation for {lang!r}; the interface stays in "
                  "English (the Compare tab can show the document in Portuguese)",
                  file=sys.stderr)
        return installed
    try:
        ours = TsTranslator(path, locale.name(), app)
    except (OSError, ET.ParseError) as exc:
        log.warning("cannot read the interface translation %s: %s", path, exc)
        return installed
    # Qt's own texts only beside ours: a dialog's buttons in the language of the rest.
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    app.installTranslator(ours)
    installed.append(ours)
    return installed
