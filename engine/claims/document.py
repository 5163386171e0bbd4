"""The source document's tables and lists, as data (``resources/document.json``).

The Portuguese text is the document as written (``seed/treinamento-vs-inferencia.md``);
the English is the Trainfer team's translation. Texts are dicts ``{"pt": ..., "en": ...}``
that the formatter renders in the document language of the user's
(:func:`engine.core.format.document_language`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.core.resources import resources_dir

Text = dict[str, str]
"""Document language (``"pt"``, ``"en"``) -> text."""


@dataclass(frozen=True)
class DocRow:
    """One row of the document's tables.

    Attributes:
        id: Stable row id (``"objective"``, ``"energy_consumption"`` ...).
        table: ``"table1"`` or ``"table2"``, the document's first or second table.
        aspect: The row header per language.
        train: The document's text for training per language.
        infer: The document's text for inference per language.
    """

    id: str
    table: str
    aspect: Text
    train: Text
    infer: Text


@dataclass(frozen=True)
class DocClaim:
    """One bullet of the document's two lists.

    Attributes:
        id: Stable id (``"compute_intensive"`` ...).
        mode: ``"train"`` or ``"infer"``: which list it is in.
        text: The bullet per language.
    """

    id: str
    mode: str
    text: Text


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    with open(resources_dir() / "document.json", encoding="utf-8") as f:
        return json.load(f)


def load_document() -> list[DocRow]:
    """Every row of both tables, in the document's order.

    Raises:
        FileNotFoundError: ``resources/`` is missing (see :func:`resources_dir`).
    """
    return [DocRow(r["id"], t["id"], r["aspect"], r["train"], r["infer"])
            for t in _document()["tables"] for r in t["rows"]]


def load_claims() -> list[DocClaim]:
    """Every bullet of the training list, then of the inference list."""
    return [DocClaim(item["id"], lst["id"], {k: item[k] for k in ("pt", "en")})
            for lst in _document()["lists"] for item in lst["items"]]


def column_titles() -> dict[str, Text]:
    """Column headers ``aspect``/``train``/``infer`` per language."""
    return dict(_document()["columns"])
