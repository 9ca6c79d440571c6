"""The creator's voice in a drafting job: which past posts are its examples, and the voice
block added to every prompt (draft, part, hook variants, platform).

Filled in by the voice work; until then a job carries the profile and no examples, and prompts
are unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engines.base import Prompt
from ..models.source import Source
from ..models.voice import Voice, VoiceUse

if TYPE_CHECKING:
    from ..models.platforms import Platform


def voice_use(voice: Voice, source: Source, *, examples: bool, model: str | None = None) -> VoiceUse:
    """What a job for ``source`` uses of ``voice``: its profile and, when ``examples`` (an LLM
    drafts), the 3-5 past posts most like the article or topic within the token budget."""
    return VoiceUse(profile=voice.profile)


def with_voice(prompt: Prompt, use: VoiceUse, platform: "Platform | None" = None) -> Prompt:
    """``prompt`` with the voice block (the profile as instructions, the examples fenced as data);
    for a ``platform`` prompt, the instructions that do not fight the platform's limits."""
    return prompt
