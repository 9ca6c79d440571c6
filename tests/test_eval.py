"""`drafter eval` over the shipped corpus, and the corpus itself."""

from __future__ import annotations

import json
from pathlib import Path

from drafter.cli import main

CORPUS = Path(__file__).resolve().parent / "corpus"


def run_eval(capsys, *extra: str) -> dict:
    code = main(["eval", str(CORPUS), "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_corpus_has_the_kinds_the_issue_asks_for():
    files = sorted(p.name for p in CORPUS.iterdir())
    assert len(files) >= 12
    words = {p.name: len(p.read_text(encoding="utf-8").split()) for p in CORPUS.iterdir()}
    assert max(words.values()) >= 4500 and min(words.values()) <= 60  # one very long, one very short
    assert any(name.endswith(".html") for name in files)  # one wrapped in web-page boilerplate


def test_offline_engine_meets_the_quality_bar_on_the_corpus(capsys):
    summary = run_eval(capsys)
    assert len(summary["rows"]) == len(list(CORPUS.iterdir()))
    assert summary["mean_score"] >= 85
    assert summary["total_errors"] == 0
    assert all(row["chars"] <= 3000 and row["hook_chars"] <= 210 for row in summary["rows"])


def test_eval_is_deterministic_offline_and_per_template(capsys):
    first = run_eval(capsys, "--template", "news-takeaways")
    second = run_eval(capsys, "--template", "news-takeaways")
    strip = lambda s: [(r["article"], r["score"], r["chars"], r["rules"]) for r in s["rows"]]  # noqa: E731
    assert strip(first) == strip(second)
    assert first["template"] == "news-takeaways"


def test_eval_table_and_bad_folder(capsys, tmp_path):
    assert main(["eval", str(CORPUS)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("article") and "mean score" in out.splitlines()[-1]
    assert main(["eval", str(tmp_path)]) == 2
    assert "no articles" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing")]) == 2
