"""What the creator's voice changes in a post's shape: the spec's counts and the layout's
markers, closing and hashtag casing, for every engine (an explicit ``--var`` or setting wins).

Filled in by the voice work (offline follows the voice); until then the shape is the template's.
"""

from __future__ import annotations

from typing import Collection

from .post import Layout, PostSpec
from .voice import Profile


def shape(spec: PostSpec, layout: Layout, profile: Profile, explicit: Collection[str] = ()) -> tuple[PostSpec, Layout]:
    """``spec`` and ``layout`` as the voice would have them; names in ``explicit`` ("takeaways",
    "hashtags", "bullet") were set by the user for this draft and are kept."""
    return spec, layout
