"""The profile of the author's posts has the values built into the fixtures."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from drafter.models.post import measure
from drafter.models.text_rules import LIST_MARKER, marker_kind
from drafter.models.voice import VoicePost, post_hash
from drafter.models.voice_profile import build_profile, closing_words, hashtag_case, spread
from drafter.sources.voice_import import read_posts

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "voice"


def posts(*texts: str) -> list[VoicePost]:
    return [VoicePost(id=post_hash(t), text=t, origin="folder") for t in texts]


@pytest.fixture(scope="module")
def linkedin():
    return build_profile(read_posts(FIXTURES / "Shares.csv").posts)


def test_the_linkedin_fixture_voice(linkedin):
    """Six posts: four with a list of three "→" items, two CamelCase hashtags closing each in a
    last block, five closing with "Curious: ...?", no emoji, 400 to 470 characters."""
    p = linkedin
    assert p.posts == 6
    assert p.bullet_marker == "→" and p.takeaways == 3 and p.bullets == pytest.approx(4 / 6, abs=1e-3)
    assert p.hashtags.low == p.hashtags.median == p.hashtags.high == 2
    assert (p.hashtag_case, p.hashtag_place) == ("camel", "end")
    assert p.question_close == pytest.approx(5 / 6, abs=1e-3) and p.closing == "Curious:"
    assert p.emoji.high == 0
    lengths = sorted(measure(post.text).chars for post in read_posts(FIXTURES / "Shares.csv").posts)
    assert 400 <= lengths[0] and lengths[-1] <= 470
    assert lengths[0] <= p.chars.low <= p.chars.median <= p.chars.high <= lengths[-1]
    assert p.paragraphs.median == 5
    assert p.first_date == datetime(2024, 3, 4, 8, 15, tzinfo=timezone.utc)
    assert p.last_date == datetime(2024, 11, 25, 11, 11, 11, tzinfo=timezone.utc)
    assert p.openers == []  # no first word starts two posts
    assert "curious" not in p.phrases and "the" not in p.phrases  # words alone are subjects, not style


def test_the_folder_fixture_voice():
    """Three posts: a list of three "-" items each, lower-case hashtags inside sentences, no question close."""
    p = build_profile(read_posts(FIXTURES / "posts").posts)
    assert (p.bullet_marker, p.takeaways, p.bullets) == ("-", 3, 1.0)
    assert (p.hashtag_case, p.hashtag_place) == ("lower", "inline")
    assert p.hashtags.median == 2 and p.hashtags.high == 2
    assert p.question_close == 0 and p.closing == ""


def test_no_posts_is_a_profile_of_zeros():
    p = build_profile([])
    assert p.posts == 0 and p.chars.median == 0 and p.bullet_marker is None and p.takeaways is None
    assert p.hashtag_case is None and p.hashtag_place == "none" and p.phrases == [] and p.openers == []


def test_hook_lines_paragraphs_and_sentences():
    p = build_profile(posts("Short hook.\n\nOne two three. Four five six seven!\nEight nine?",
                            "A longer hook line here.\n\nx y."))
    assert (p.hook_chars.low, p.hook_chars.median, p.hook_chars.high) == (12.3, 17.5, 22.7)
    assert p.lines.median == 2.5 and p.paragraphs.median == 2
    # sentences of 2, 3, 4, 2 (the "?" one), 5, 2 words
    assert p.sentence_words.median == 2.5


def test_numbered_lists_are_one_marker_whatever_the_number():
    p = build_profile(posts("Hook\n\n1. a thing\n2. another\n3. third", "Hook\n\n1) x y\n2) z w\n3) v",
                            "Hook\n\n1. p\n2. q\n3. r"))
    assert p.bullet_marker == "1." and p.takeaways == 3 and p.bullets == 1.0
    assert [marker_kind(m) for m in ("7.", "(2)", "b)", "→", "✅\ufe0f")] == ["1.", "1)", "a)", "→", "✅"]


def test_a_single_marker_line_is_not_a_list():
    p = build_profile(posts("Hook\n\n- only one line\n\nThe rest."))
    assert p.bullets == 0 and p.bullet_marker is None


def test_the_list_marker_is_the_one_the_linter_uses():
    from drafter.lint.text import PostView

    text = "Hook line\n\n→ first thing\n→ second thing\n\nWhat now?"
    assert [text[s.start:s.end] for s in PostView(text).takeaways] == ["first thing", "second thing"]
    assert LIST_MARKER.match("→ first").group("marker") == "→"


def test_emoji_are_counted_as_the_linter_counts_them():
    p = build_profile(posts("Hook 🚀\n\nDone ✅ and 👩‍💻 here", "No emoji here"))
    assert p.emoji.high > 2 and p.emoji.low < 1 and p.emoji.median == 1.5


@pytest.mark.parametrize("tags, case", [
    (["#DataScience", "#Leadership", "#AI"], "camel"),  # the acronym says nothing
    (["#datascience", "#ml", "#leadership", "#AI"], "lower"),
    (["#AI", "#ML"], "upper"),
    (["#DataScience", "#datascience"], "mixed"),
    (["#datascience", "#2024", "#ml"], "lower"),  # digits alone have no casing
    (["#2024"], None),
    ([], None),
])
def test_hashtag_case(tags, case):
    assert hashtag_case(tags) == case


def test_hashtags_inline_or_at_the_end():
    end = build_profile(posts("Hook\n\nText.\n\n#One #Two", "Hook\n\nMore text.\n\n#Three\n#Four"))
    inline = build_profile(posts("We love #rust here.", "And #go too.", "Hook\n\n#Tail"))
    assert end.hashtag_place == "end" and inline.hashtag_place == "inline"
    assert build_profile(posts("No tags.")).hashtag_place == "none"


def test_closing_words():
    assert closing_words(["Curious: how?", "Curious: who do you ask?", "What now?"]) == "Curious:"
    assert closing_words(["What do you think?", "What do you think, really?", "Agree?"]) == "What do you think"
    assert closing_words(["What would you stop doing?", "What would you change first?"]) == "What would you"
    assert closing_words(["One?", "Two things?"]) == ""
    assert closing_words(["Only one question here?"]) == ""


def test_openers_recur():
    p = build_profile(posts("Most teams do X.", "Most people do Y.", "Here is Z.", "Most of all W."))
    assert p.openers == ["Most"]


def test_the_closing_question_ignores_the_hashtags_after_it():
    p = build_profile(posts("Hook\n\nCurious: what do you do?\n\n#A #B", "Hook\n\nCurious: and you?\n\n#C"))
    assert p.question_close == 1 and p.closing == "Curious:"


def test_spread_is_p10_median_p90():
    s = spread(range(1, 12))  # 1..11
    assert (s.low, s.median, s.high) == (2, 6, 10)
    assert spread([]).median == 0 and spread([5]).low == 5


def test_phrases_are_style_across_subjects_not_the_words_of_a_few_posts():
    """Topic words frequent in a few posts (and jargon in many) are no phrase of theirs; a phrase
    of common words spread across posts on different subjects is."""
    subjects = ["our kubernetes autoscaling rollout", "the quarterly budget review", "hiring a new designer",
                "moving the office", "a customer escalation", "the conference talk", "learning to cook",
                "the onboarding checklist"]
    texts = [f"A week of {s}.\n\nHere's the thing: {s} went fine. Kubernetes again." for s in subjects[:5]]
    texts += [f"Notes on {s}.\n\n{s.capitalize()} took longer than planned." for s in subjects[5:]]
    texts += ["Autoscaling, autoscaling, autoscaling. The shipped autoscaling team sleeps.\n\nAutoscaling wins."] * 2
    p = build_profile(posts(*texts))
    assert p.phrases[0] == "here's the thing"
    assert not any(w in " ".join(p.phrases) for w in ("kubernetes", "autoscaling", "sleeps", "budget"))
    assert "the thing" not in p.phrases  # inside the longer phrase, used by the same posts
    assert build_profile(posts(*texts[:2])).phrases == []  # two posts show no habit


def test_wordfreq_needs_no_network_and_is_not_on_the_draft_path(tmp_path, workspace_dir):
    """The baseline loads with the network off (its data ships in the wheel); an offline draft
    with a voice in the workspace never imports it (nor the profile builder)."""
    from drafter.service.drafting import Drafter
    from drafter.service.voice_import import import_voice

    import_voice(Drafter.from_environment(workspace_dir), FIXTURES / "Shares.csv")
    code = ("import sys, socket\n"
            "def refuse(*a, **k): raise OSError('no network in this test')\n"
            "socket.socket.connect = refuse; socket.create_connection = refuse\n"
            "from drafter.models.voice_profile import distinctive\n"
            "print(distinctive(['In my experience, A.', 'B. In my experience.', 'in my experience C']))\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "in my experience" in res.stdout, res.stderr
    article = tmp_path / "a.md"
    article.write_text("# Reviews\n\n" + "Code review waits too long in most teams, and small changes help. " * 8,
                       encoding="utf-8")
    probe = ("import sys; from drafter.cli.main import main; rc = main(sys.argv[1:]); "
             "print('LOADED', 'wordfreq' in sys.modules, 'drafter.models.voice_profile' in sys.modules, "
             "file=sys.stderr); sys.exit(rc)")
    res = subprocess.run([sys.executable, "-c", probe, "--workspace", str(workspace_dir), "draft", "--engine",
                          "offline", "--article", str(article)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "LOADED False False" in res.stderr


@pytest.mark.parametrize("closing", [
    "Curious: what is in your retro template? 🤔", "Curious: what is in your retro template?! 🤔👇",
    "Curious: what is in your template (asking)? 🙃", 'Curious: "what is in yours?"',
    "Curious: what is in yours？",
])
def test_a_question_followed_by_emoji_closers_or_a_full_width_mark_is_a_question(closing):
    p = build_profile(posts(f"Hook\n\n→ one\n→ two\n\n{closing}\n\n#retro", f"Other hook\n\n{closing}"))
    assert p.question_close == 1 and p.closing == "Curious:"


def test_an_emoji_after_a_statement_is_no_question():
    assert build_profile(posts("Hook\n\nThat is all. 🤔", "Hook\n\nDone! 🚀")).question_close == 0


JAPANESE = ["リモートワーク{n}年目の学び。\n\n・朝会は十五分だけ\n・ドキュメントを先に書く\n・金曜日は会議なし\n\n"
            "皆さんのチームはどうですか？\n\n#リモートワーク #働き方".format(n=n) for n in range(1, 5)]


def test_japanese_posts_lists_questions_and_no_whole_lines_as_phrases():
    """"・" is a list marker (no space after it), "？" closes a question, "。！？" end sentences; a
    CJK sentence has no spaces to count words by, and no distinctive phrases are found in CJK text
    (without a segmenter, a "word" there is a whole line)."""
    p = build_profile(posts(*JAPANESE))
    assert p.bullet_marker == "・" and p.takeaways == 3 and p.bullets == 1
    assert p.question_close == 1 and p.closing == ""
    assert p.sentence_words.high == 0 and p.phrases == []
    assert LIST_MARKER.match("・朝会").group("marker") == "・" and LIST_MARKER.match("- x").end() == 2
    assert LIST_MARKER.match("-x") is None


def test_cjk_sentences_are_cut_where_the_offline_adapter_cuts_them():
    from drafter.engines.offline import adapt
    from drafter.models.text_rules import SENTENCE_CUT

    assert adapt._SENTENCE_CUT is SENTENCE_CUT
    assert [m.group() for m in SENTENCE_CUT.finditer("一つ目。二つ目！三つ目？ Four. Five")] == ["。", "！", "？ ", ". "]


def test_hashtag_place_is_where_most_tags_are():
    """10 of 14 tags in a last block is "at the end", though four sit in the sentences."""
    text = ("Big news from the #DevOps world.\n\nWe shipped #Kubernetes work, #CloudNative and #SRE too.\n\n"
            + " ".join(f"#Tag{n}" for n in range(10)))
    assert build_profile(posts(text, text + " ")).hashtag_place == "end"
    inline = "We love #rust and #go and #zig here.\n\n#Tail"
    assert build_profile(posts(inline, inline + " ")).hashtag_place == "inline"


def test_a_phrase_never_spans_a_hashtag():
    texts = [f"Big news from the #DevOps world {n}." for n in range(4)]
    assert not any("world" in p for p in build_profile(posts(*texts)).phrases)


def test_a_phrase_never_skips_a_number():
    texts = [f"Our stack is {n}0% cheaper now." for n in range(1, 5)]
    assert not any("is cheaper" in p for p in build_profile(posts(*texts)).phrases)
