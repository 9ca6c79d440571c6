"""The post linter: LinkedIn's limits and the tells of AI-written posts, scored 0-100.

Use::

    from drafter.lint import lint
    report = lint(text, parts=parts, spec=spec, source_text=article,
                  settings=settings.lint, extra_phrases_files=[ws / "ai_tells.toml"])
    print(report.format_text())          # "warning emoji 4:12 5 emoji (limit 3); ..." + "score: 88/100"
    report.model_dump()                  # for --json

Pure Python and fast: regexes are compiled once, the phrase lists and the validated
settings are cached, and a 3,000-character post lints in about a millisecond, so the TUI
can run it on every (debounced) keystroke.

Settings: the ``[lint]`` table
--------------------------------
Passed as ``settings=`` (a dict, or the :class:`LintSettings` that ``Settings.lint`` holds once
drafter.toml and the user config are loaded) and merged over
``drafter/data/lint_defaults.toml``, which lists every rule with its defaults::

    [lint]
    threshold = 80            # pass mark used by `drafter lint` and the repair pass (0-100)

    [lint.scoring]            # points lost per finding, and the most one rule can take
    error = 25
    warning = 6
    hint = 2
    cap = 30                  # 1-100; 100 = no cap

    [lint.rules.emoji]        # one table per rule id
    enabled = true            # every rule has `enabled` and `severity`
    severity = "warning"      # error | warning | hint
    max = 5                   # ...plus its own limits (see lint_defaults.toml)

    [lint.rules]              # shorthands
    em-dash = false           # = { enabled = false }
    url-in-body = "hint"      # = { severity = "hint" }

An unknown key, rule id or option, or a value of the wrong type, raises a one-line
:class:`~drafter.common.errors.ConfigError` naming the table and the key (``unknown lint rule
'emojis' in [lint.rules] (did you mean 'emoji'?)``).

Rules (id: default severity, limits)
------------------------------------
too-long (error, max 3000, counted after blank-line runs collapse) · hook-desktop-fold
(error, max 210) · hook-mobile-fold (warning, max 140; quiet when the desktop rule fires) ·
long-line (warning, max 200; the hook line is left to the fold rules) · hashtag-count
(error below min 1 / above max 6; ``mismatch_severity`` warning when the count differs from
``spec.hashtags``) · hashtag-malformed / hashtag-duplicate / hashtag-stopword (error) ·
hashtag-placement (hint: a tag outside the last line) · question-missing and
question-generic (warning; generic = one of ``patterns``, with nothing specific after it) ·
ai-phrase (warning per hit; ``ignore``) · em-dash (warning, max 2) · emoji (warning, max 3) ·
repeated-opener (warning: ``min`` 3 sentences/bullets starting with the same word within
``window`` 5) · symmetric-takeaways (warning, ``min_items`` 3: same word class first, word
counts within ``word_count_tolerance`` 1, or all "Label: text") · unicode-bold (hint) ·
url-in-body (warning) · markdown (warning: **bold**, [text](url)) · invented-number (warning, only with ``source_text``; plain counts up
to ``ignore_up_to`` 10 are skipped; ``check_years``) · placeholder (warning).

With the creator's voice (``voice=``, :mod:`.rules_voice`; each only when the voice has
``min_posts`` 5 posts, against the 10th-90th percentile of their posts): voice-length (warning,
``slack`` 0.1) · voice-emoji (warning: more than theirs, any when they use none, none when they
always do; ``emoji``'s max rises to their usual most) · voice-hashtags (warning; ``hashtag-count`` then
takes its minimum, its max and its template check from the author's range; the minimum never above the
count the spec asks for, or 6) · voice-hook (warning: longer than ``ratio`` 1.25 times their
usual longest hook). With a voice of 5 posts or more, hashtag-placement is quiet when most of
their tags sit inside the sentences, and question-missing when most of their posts close without a
question. And ai-phrase does not report a tell found in ``habit_posts`` (2) of the
author's own posts: a note in ``report.notes`` says so (:mod:`.voice`).

Each finding has ``rule``, ``severity``, a one-line ``message``, ``start``/``end`` offsets
into the linted text (``text[start:end]`` is what it points at; the whole text when nothing
narrower fits), ``why``, 1-based ``line``/``col`` and, for mechanical problems (a broken
hashtag, Unicode bold), a ``fix``: the text that replaces ``text[start:end]``.

Score
-----
100 minus, per finding, the weight of its severity (error 25, warning 6, hint 2); a rule
never takes more than ``cap`` (30) points however often it fires; floored at 0.
``report.breakdown`` maps each rule that fired to the points it took. With the defaults
any error puts a post below the 80 threshold.

AI-tell phrases
---------------
``drafter/data/ai_tells.toml`` (format in :mod:`drafter.lint.phrases`), extended by the
files given as ``extra_phrases_files``; missing files are skipped, broken ones raise a
ConfigError naming the file and line.
"""

from __future__ import annotations

from .linter import lint
from .phrases import Tell, load_phrases
from .report import Finding, LintReport, Severity
from .settings import LintSettings, resolve as resolve_settings

__all__ = [
    "Finding",
    "LintReport",
    "LintSettings",
    "Severity",
    "Tell",
    "lint",
    "load_phrases",
    "resolve_settings",
]
