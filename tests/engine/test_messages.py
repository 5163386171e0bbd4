"""The message catalogue and the one formatter: ids exist, templates render, words translate."""

from __future__ import annotations

import ast
import json
import re
import shutil
import string
from pathlib import Path

import pytest

from engine.claims.experiments import CASE_STATUSES, EXPERIMENTS
from engine.core import format as fmt
from engine.core.catalog import CATALOG
from engine.core.config import KERNELS, PRECISIONS, SETTINGS
from engine.core.format import catalogue, text
from engine.core.values import (
    ITEMS,
    Msg,
    from_plain,
    joules,
    msg,
    nbytes,
    percent,
    rate,
    ratio,
    share,
    singular,
    to_plain,
)

ROOT = Path(__file__).resolve().parents[2]
LITERAL_ID = re.compile(r'\bmsg\(\s*"([a-z0-9_.\-]+)"')


def _fields(template: str) -> set[str]:
    return {name for _t, name, _f, _c in string.Formatter().parse(template) if name}


def _templates(entry: object) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [str(entry)]


def test_every_literal_id_in_the_code_is_in_the_catalogue():
    known = catalogue("en")
    used = set()
    for path in [*ROOT.joinpath("engine").rglob("*.py"), *ROOT.joinpath("gui").rglob("*.py")]:
        used |= set(LITERAL_ID.findall(path.read_text(encoding="utf-8")))
    missing = sorted(used - set(known))
    assert not missing, missing
    assert len(used) > 300


def test_every_id_built_from_data_is_in_the_catalogue():
    known = catalogue("en")
    ids = {f"item.{i}" for i in ITEMS} | {f"item.{singular(i)}" for i in ITEMS}
    ids |= {f"stat.{s}" for s in ("mean", "median", "means", "medians")}
    ids |= {f"precision.{p}" for p in PRECISIONS} | {f"kernels.{k}" for k in KERNELS}
    ids |= {f"setting.{f}" for f in SETTINGS} | {f"case.{s}" for s in CASE_STATUSES}
    ids |= {f"mode.{m}" for m in ("train", "infer", "training", "inference")}
    ids |= {f"experiment.{n}.{k}" for n in EXPERIMENTS for k in ("title", "claim")}
    ids |= {f"model.{m}.description" for m in CATALOG}
    ids |= {f"memory.method.{m}" for m in ("cuda_allocator", "cpu_saved_tensors",
                                           "cpu_largest_output")}
    assert not sorted(ids - set(known))


def test_every_template_renders_with_its_own_fields():
    for key, entry in catalogue("en").items():
        for template in _templates(entry):
            args = {name: "x" for name in _fields(template)}
            args["n"] = 2
            assert isinstance(text(Msg(key, args)), str), key


def test_a_missing_parameter_is_a_loud_bug_not_a_blank():
    with pytest.raises(KeyError):
        text(msg("verdict.not_yet"))
    with pytest.raises(KeyError):
        text(msg("no.such.message"))


def test_the_engine_builds_no_user_text_outside_messages():
    """Failures, notices and telemetry statuses are made from messages (``.of``)."""
    offenders = []
    for path in ROOT.joinpath("engine").rglob("*.py"):
        if path.name == "events.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("Failed", "Notice", "TelemetryStatus")):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


def test_one_formatter_for_every_unit():
    assert text(nbytes(1.65 * 2**30)) == "1.65 GiB"
    assert text(joules(0.137, "image")) == "137 mJ/image"  # as every view now says
    assert text(rate(4735.2, "images")) == "4,735 images/s"
    assert text(percent(91.0)) == "91%" and text(percent(99.84)) == "99.8%"
    assert text(share(0.473)) == "47%" and text(ratio(3.19)) == "3.19×"
    assert text(nbytes(None)) == "N/A" and text(rate(float("nan"), "tokens")) == "N/A"
    assert fmt.unit_label(joules(1.0, "image")) == "J/image"


def test_plurals_follow_the_count():
    assert text(msg("case.loader", n=1)) == "DataLoader, 1 worker"
    assert text(msg("case.loader", n=7)) == "DataLoader, 7 workers"


def test_messages_and_quantities_survive_json():
    m = msg("verdict.more.confirmed", train=nbytes(3.0), infer=nbytes(1.0), ratio=ratio(3.0),
            what=msg("verdict.more.peak_memory"))
    back = from_plain(json.loads(json.dumps(to_plain(m))))
    assert back == m and text(back) == text(m)


def test_a_translation_replaces_words_and_number_separators(tmp_path, monkeypatch):
    res = tmp_path / "resources"
    shutil.copytree(ROOT / "resources" / "messages", res / "messages")
    shutil.copy(ROOT / "resources" / "document.json", res / "document.json")
    (res / "messages" / "pt_BR.json").write_text(json.dumps(
        {"verdict.more.confirmed": "confirmado: treino {train} contra inferência {infer}: "
                                   "{ratio} {what}",
         "item.images": "imagens"}), encoding="utf-8")
    monkeypatch.setenv("TRAINFER_RESOURCES", str(res))
    fmt.catalogue.cache_clear()
    fmt.has_translation.cache_clear()
    try:
        m = msg("verdict.more.confirmed", train=nbytes(11.5 * 2**30), infer=nbytes(1.65 * 2**30),
                ratio=ratio(6.97), what=msg("verdict.more.peak_memory"))
        said = text(m, "pt_BR")
        assert said.startswith("confirmado: treino 11,50 GiB contra inferência 1,65 GiB: 6,97×")
        assert said.endswith("the peak memory")  # an id the translation leaves out: English
        assert text(rate(4735.0, "images"), "pt_BR") == "4.735 imagens/s"
        assert text(rate(4735.0, "images"), "de") == "4,735 images/s"  # no catalogue: English
    finally:
        fmt.catalogue.cache_clear()
        fmt.has_translation.cache_clear()


def _catalogue_file(name: str) -> dict:
    data = json.loads((ROOT / "resources" / "messages" / f"{name}.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def test_the_portuguese_catalogue_has_every_id_with_the_same_fields():
    en, pt = _catalogue_file("en"), _catalogue_file("pt_BR")
    assert sorted(set(en) - set(pt)) == [] and sorted(set(pt) - set(en)) == []
    for key, entry in en.items():
        theirs = pt[key]
        assert type(theirs) is type(entry), key
        if isinstance(entry, dict):
            assert set(theirs) == set(entry), key
        for a, b in zip(_templates(entry), _templates(theirs)):
            assert _fields(a) == _fields(b), (key, a, b)
            assert b.strip() or not a.strip(), key  # no blank translation


def test_portuguese_words_and_numbers():
    m = msg("verdict.more.confirmed", train=nbytes(11.5 * 2**30), infer=nbytes(1.65 * 2**30),
            ratio=ratio(6.97), what=msg("verdict.more.peak_memory"))
    assert text(m, "pt_BR") == ("confirmado: treinamento 11,50 GiB vs inferência 1,65 GiB: "
                                "6,97× a memória de pico")
    assert text(rate(4735.2, "images"), "pt_BR") == "4.735 imagens/s"
    assert text(None, "pt_BR") == "N/D"
    assert text(msg("case.loader", n=1), "pt_BR") == "DataLoader, 1 worker"
    assert text(msg("case.loader", n=0), "pt_BR") == "DataLoader, 0 worker"  # pt: 0 is singular
