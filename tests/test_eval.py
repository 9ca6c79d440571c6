"""`drafter eval` over the shipped corpus, and the corpus itself."""

from __future__ import annotations

import json
from pathlib import Path

from drafter.cli.main import main

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


# ---- with an LLM: one article's failure is a row, the rest goes on ----------------------------
from tests.loopback import Reply, loopback  # noqa: E402,F401  (fixture)
from tests.test_faults_llm import GOOD, signal_mid_stream  # noqa: E402

ARTICLE = (CORPUS / "example-article.md").read_text(encoding="utf-8")


def _folder(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in names:
        (folder / name).write_text(ARTICLE, encoding="utf-8")
    return folder


def _llm_eval(capsys, workspace_dir: Path, loopback, folder: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["--workspace", str(workspace_dir), "eval", str(folder), "--base-url", loopback.base_url,
                 "--no-repair", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_keeps_the_scored_row_when_a_later_article_fails(capsys, tmp_path, workspace_dir, loopback):
    loopback.script(Reply.stream(GOOD), *[Reply.stream("GARBAGE")] * 3)
    code, out, err = _llm_eval(capsys, workspace_dir, loopback, _folder(tmp_path, "a.md", "b.md"), "--json")
    assert code == 1, err
    summary = json.loads(out)
    a, b = summary["rows"]
    assert a["article"] == "a.md" and a["score"] is not None and a["error"] is None
    assert b["article"] == "b.md" and b["score"] is None and b["error"]
    assert summary["failed"] == 1 and summary["min_score"] == a["score"]
    kept = Path(b["kept"]).read_text(encoding="utf-8")
    assert kept.startswith("GARBAGE\n")  # the raw answer is kept, the latest first,
    assert "an earlier answer" in kept  # then the earlier output mode's, labelled
    assert "GARBAGE" not in err and "1 of 2 articles failed" in err.splitlines()[-1]


def test_eval_goes_on_after_a_server_error(capsys, tmp_path, workspace_dir, loopback):
    (workspace_dir / "drafter.toml").write_text("retries = 0\n", encoding="utf-8")
    loopback.script(Reply.stream(GOOD), *[Reply.error(500, "overloaded")] * 2, Reply.stream(GOOD))
    code, out, err = _llm_eval(capsys, workspace_dir, loopback, _folder(tmp_path, "a.md", "b.md", "c.md"))
    assert code == 1 and "Traceback" not in err
    lines = out.splitlines()
    assert lines[2].startswith("a.md") and "failed" not in lines[2]
    assert lines[3].startswith("b.md") and "failed: " in lines[3] and "500" in lines[3]
    assert lines[4].startswith("c.md") and "failed" not in lines[4]
    assert "failed 1" in lines[-1]


def test_eval_ctrl_c_prints_the_rows_so_far_and_keeps_the_text_in_flight(tmp_path, workspace_dir, loopback):
    import signal

    loopback.script(Reply.stream(GOOD), Reply.drip_forever('{"hook": "Stopped', "!", every=0.05))
    folder = _folder(tmp_path, "a.md", "b.md")
    argv = ["--workspace", str(workspace_dir), "eval", str(folder), "--base-url", loopback.base_url,
            "--no-repair", "--json"]
    code, out, err = signal_mid_stream(loopback, argv, signal.SIGINT)
    assert code == 130, err
    summary = json.loads(out)
    a, b = summary["rows"]
    assert summary["interrupted"] and a["score"] is not None and b["error"].startswith("interrupted")
    assert Path(b["kept"]).read_text(encoding="utf-8").startswith('{"hook": "Stopped!')
    assert "Traceback" not in err and err.splitlines()[-1].startswith("drafter: interrupted")


def test_eval_prints_no_control_codes_from_file_names(capsys, tmp_path):
    folder = tmp_path / "e"
    folder.mkdir()
    (folder / "\x1b[2Jok.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "\x1b]0;PWN\x07bin.md").write_bytes(bytes(range(256)) * 12)
    for extra in ([], ["--json"]):
        code = main(["eval", str(folder), *extra])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert "\x1b" not in out and "\x07" not in out and "\x1b" not in err and "\x07" not in err
        assert "ok.md" in out and "bin.md" in err and "skipped" in err
