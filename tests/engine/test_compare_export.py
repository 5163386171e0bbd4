"""The comparison table as Markdown, HTML and CSV."""

import csv
import io
from html.parser import HTMLParser

import pytest
from summaries import summary

from engine.claims.compare import build
from engine.claims.export import to_csv, to_html, to_markdown, write


@pytest.fixture
def cmp():
    return build(summary("train"), summary("infer"))


def test_markdown_has_every_row_and_claim(cmp):
    md = to_markdown(cmp, "pt")
    assert md.startswith("## Training vs inference: resnet50 on cuda:0 (NVIDIA H200), bf16")
    for r in cmp.rows:
        assert f"| {r.aspect['pt']} |" in md
    assert md.count("\n| Treinamento |") == 4 and md.count("\n| Inferência |") == 4
    assert "✔ confirmed" in md and "Consumo energético" in md


def test_html_is_a_page_with_both_tables(cmp):
    page = to_html(cmp, "en")

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tables, self.cells = 0, []

        def handle_starttag(self, tag, attrs):
            self.tables += tag == "table"

        def handle_data(self, data):
            self.cells.append(data)

    p = Cells()
    p.feed(page)
    assert p.tables == 2 and "Energy consumption" in p.cells
    assert any("3.19×" in c for c in p.cells)


def test_csv_reads_back(cmp):
    rows = list(csv.reader(io.StringIO(to_csv(cmp, "en"))))
    assert rows[0][0] == "section" and len(rows) == 1 + 8 + 8
    head = rows[0]
    energy = dict(zip(head, next(r for r in rows if r[1] == "energy_consumption")))
    assert float(energy["ratio"]) == pytest.approx(0.137 / 0.043)
    assert energy["verdict_status"] == "confirmed"
    assert float(energy["train_value"]) == pytest.approx(0.137)  # numbers, not text
    assert energy["unit"] == "J/image"
    memory = dict(zip(head, next(r for r in rows if r[1] == "memory_use")))
    assert int(float(memory["train_value"])) == 11 * 2**30 and memory["unit"] == "B"


def test_write_picks_the_format_by_suffix(cmp, tmp_path):
    for suffix in ("md", "html", "csv"):
        path = write(cmp, tmp_path / f"table.{suffix}", "pt")
        assert "Objetivo" in path.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=".md, .html or .csv"):
        write(cmp, tmp_path / "table.docx")
