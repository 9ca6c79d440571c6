"""The built-in per-part prompts: used for any part a template's ``[parts]`` table leaves out."""

from __future__ import annotations

_PART_TAIL = """
The author's instruction: {instruction}

The current {part}:
{current}

The whole post as it stands:
{post}

{source}"""

DEFAULT_PART_PROMPTS = {
    "hook": "Rewrite the hook of this LinkedIn post. One line, at most 140 characters, so it shows "
    "before the fold on a phone. Make it specific to the source: a concrete detail, a tension or a "
    "clear claim. No clickbait, no invented numbers, no \"When X meets Y\" opener." + _PART_TAIL,
    "takeaways": "Rewrite the takeaways of this LinkedIn post: exactly {takeaways} points, each one "
    "complete sentence under 200 characters that stands on its own. Vary their length and how they "
    "begin. Use only facts from the source." + _PART_TAIL,
    "question": "Rewrite the closing question of this LinkedIn post: one specific question that "
    "{audience} can answer from their own experience, tied to a detail of the post. Never a bare "
    "\"Thoughts?\"." + _PART_TAIL,
    "hashtags": "Rewrite the hashtags of this LinkedIn post: exactly {hashtags} hashtags in CamelCase, "
    "each specific to the subject (no generic tags like #Success)." + _PART_TAIL,
}

DEFAULT_VARIANTS_PROMPT = """Write {n} different hooks for this LinkedIn post. Each is one line of at \
most 140 characters, specific to the source. Make them differ in approach: a concrete detail, a \
plain claim, a question, a contrast. No clickbait, no invented numbers, no emoji unless the tone \
asks for them.

The current hook: {current}

The whole post as it stands:
{post}

{source}"""


def extra_part_prompt(label: str, description: str) -> str:
    """Default prompt rewriting an extra part (its label and description are escaped)."""
    def esc(s: str) -> str:
        return s.replace("{", "{{").replace("}", "}}")

    return f'Rewrite the "{esc(label)}" part of this LinkedIn post. {esc(description)}' + _PART_TAIL
