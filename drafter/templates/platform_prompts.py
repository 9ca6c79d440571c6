"""The built-in prompts that adapt a finished LinkedIn post for another platform: used for any
platform a template's ``[platforms]`` table leaves out.

Placeholders (besides the draft prompt's): ``{platform}`` (its name as shown), ``{limit}`` (what
one post may count there), ``{counts}`` (how the platform counts), ``{hashtag_advice}``,
``{max_hashtags}``, ``{thread}`` (whether and how a thread is allowed) and ``{post}`` (the
LinkedIn post as the user left it, fenced as data). The template's system prompt is sent with
them; the engine adds the output format (``{"posts": [...]}`` or ``POST 1:`` labels).
"""

from __future__ import annotations

PLATFORM_PROMPT_PLACEHOLDERS_EXTRA = frozenset(
    {"platform", "limit", "counts", "hashtag_advice", "max_hashtags", "thread", "post"})
"""The names supplied to platform prompts on top of the draft prompt's."""

_COMMON = """Adapt this finished LinkedIn post for {platform}. Where the rules you were given are \
about LinkedIn (its length, the "see more" fold, how many hashtags), follow the rules for {platform} \
below instead.

Keep the post's facts, numbers, names and claims exactly as the post and the source give them: \
add none, and drop none that matter. Every fact must come from the post or the source below; \
never invent one. Keep the author's voice and the point of the hook; rewrite only what \
{platform} needs.

Each post may be at most {limit} {counts}; leave a little room. {thread}
Hashtags: {hashtag_advice} (at most {max_hashtags}). No markdown, no "see more" tease, no \
em-dash pile-ups.

{post}

For the facts, the source the post was written from:
{source}"""

THREAD_ALLOWED = ("If what you write does not fit in one post, write a thread: each post complete on its own, "
                  "the hook opening the first, the question closing the last{numbering}.")
NUMBERING = ", each post ending with its number like \"2/5\" (counted in the limit)"
NO_NUMBERING = ", with no numbers such as \"2/5\" on the posts"
NO_THREAD = "Write exactly one post."

DEFAULT_PLATFORM_PROMPTS = {
    "x": "Write for X: short sentences, one idea per post, the strongest line first. " + _COMMON,
    "threads": "Write for Threads: conversational, plain sentences; Threads shows one topic tag. " + _COMMON,
    "bluesky": "Write for Bluesky: direct and plain, no growth-hacking tone. " + _COMMON,
    "mastodon": "Write for Mastodon: plain, factual, no engagement bait; hashtags in CamelCase so screen "
                "readers say them right. " + _COMMON,
}
