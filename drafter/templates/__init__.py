"""Prompt templates: TOML files, loaded, validated and rendered safely.

Template format
===============
A template is one TOML file, ``prompts/NAME.toml``. Templates in your workspace's
``prompts/`` folder add to the built-in ones; one with a built-in's name replaces it.
Start from a copy: ``drafter templates new mine --from classic``.

::

    name = "news-takeaways"      # required: the file name without .toml
                                 # (a-z, 0-9 and hyphens, at most 48 characters)
    description = "Hook, Key takeaways, Why it matters, question, hashtags"
    model = "gpt-4.1-mini"       # optional: overrides the configured model
    temperature = 0.6            # optional: 0 to 2

    [variables]                  # defaults; change one per run with --var key=value
    tone = "clear and concrete"  # always defined (drafter supplies a default)
    audience = "people who follow this industry"   # always defined
    takeaways = 3                # how many bullets, 2 to 6
    hashtags = 3                 # how many hashtags, 1 to 6
    angle = "small teams"        # your own: any name, a string, number or true/false

    [layout]                     # how the parts are printed; every key optional
    bullet = "•"                 # before each takeaway (the `bullet` setting wins)
    takeaways_heading = "Key takeaways:"     # a line above the bullets ("" for none)
    question_prefix = "What do you think: "  # printed before the question ("" for none)

    [[extras]]                   # optional parts printed after the takeaways, in order
    key = "why_it_matters"       # a-z, 0-9, _ (starts with a letter)
    label = "Why it matters:"    # printed before the text
    description = "One or two sentences on what changes for the reader."

    [prompts]                    # required
    system = "..."               # style rules, sent with every request
    user = "... {source} ..."    # asks for the whole post

    [parts]                      # optional: prompts that rewrite one part
    hook = "..."                 # also takeaways, question, hashtags, variants and
                                 # any extra's key; a built-in default fills the rest

    [platforms]                  # optional: prompts that adapt the finished post
    x = "... {post} ..."         # also threads, bluesky, mastodon (not linkedin: its
                                 # post is the draft); a built-in prompt fills the rest;
                                 # each must insert {post}

Placeholders: ``{name}`` inserts a variable. Only plain names are allowed: ``{a.b}``,
``{a[0]}``, ``{a!r}``, ``{a:>3}``, ``{}`` and ``{0}`` are errors. Write ``{{`` and ``}}``
for literal braces (a JSON example, say). Values are inserted once and never read
as placeholders themselves. An unknown name is an error when the file loads, with
its line number. The engine adds the output-format instructions itself.

Variables drafter supplies (besides your ``[variables]``):

==============  ===============================================================
everywhere      ``topic`` the topic, or the article's title (one line);
                ``article`` the article text as given ("" for a topic);
                ``source`` the article fenced as data (use this, not
                ``{article}``)::

                    The article is between the line <<<ARTICLE 5c1e09b2f7a4 and ...
                    <<<ARTICLE 5c1e09b2f7a4
                    Title: ...
                    ...
                    5c1e09b2f7a4 ARTICLE>>>

                (a new random marker for each prompt, which the article
                is checked not to contain)

                or, with no article, ``Topic: ...`` and a line forbidding
                invented facts; ``takeaways``, ``hashtags``, ``tone``,
                ``audience``; ``extras`` one line per extra ("- key: description")
[parts] only    ``part`` (hook, takeaways, question, hashtags or an extra's key),
                ``current`` its text (takeaways one per line, hashtags on one
                line), ``post`` the whole post as published, ``instruction`` the
                user's instruction or "none"
parts.variants  also ``n`` (how many hooks); ``current`` is the current hook
[platforms]     ``post`` the LinkedIn post as the user left it, fenced as data
                like the article (``<<<POST …`` … ``… POST>>>``); ``platform``
                its name (X, Threads, Bluesky, Mastodon); ``limit`` what one
                post may count there (Mastodon's: the ``mastodon_limit``
                setting); ``counts`` how it counts ("graphemes", "weighted
                characters (URLs 23, emoji and CJK 2)"); ``thread`` one
                sentence: write a thread when it does not fit, numbered
                "2/5" or not (the ``thread_numbering`` setting);
                ``hashtag_advice`` and ``max_hashtags`` the platform's
                hashtag habit
==============  ===============================================================

The engine adds the output format to platform prompts too (``{"posts": [...]}``, or
``POST 1:`` labels); the template's system prompt is sent with them.
"""

# The package, one responsibility a module (the docstring above is the user's format reference;
# README generation reads it, so keep it about the format):
#   render.py        placeholders, safe one-pass substitution, the article fence
#   model.py         Template and its [layout]: variables, spec, layout, rendering prompts
#   part_prompts.py  default prompts for the parts a template's [parts] leaves out
#   platform_prompts.py  built-in prompts for the platforms a template's [platforms] leaves out
#   parse.py         TOML text -> Template, with file/line/field errors
#   files.py         reading, listing and atomically writing template files
#   library.py       built-in + user templates by name: list, get, new, save

from .files import MAX_TEMPLATE_BYTES
from .library import BUILTIN_NAMES, DEFAULT_TEMPLATE, TemplateInfo, TemplateLibrary, check_name
from .model import (
    COUNT_RANGES,
    DEFAULT_VARIABLES,
    DRAFT_PROMPT_PLACEHOLDERS,
    NAME_RE,
    PART_PROMPT_PLACEHOLDERS,
    RESERVED,
    VARIANTS_PROMPT_PLACEHOLDERS,
    Origin,
    Template,
    Value,
)
from .parse import parse_template
from .part_prompts import DEFAULT_PART_PROMPTS, DEFAULT_VARIANTS_PROMPT, extra_part_prompt
from .render import FENCE_CLOSE, FENCE_OPEN, fence_source, render_string

__all__ = [
    "BUILTIN_NAMES",
    "COUNT_RANGES",
    "DEFAULT_PART_PROMPTS",
    "DEFAULT_TEMPLATE",
    "DEFAULT_VARIABLES",
    "DEFAULT_VARIANTS_PROMPT",
    "DRAFT_PROMPT_PLACEHOLDERS",
    "FENCE_CLOSE",
    "FENCE_OPEN",
    "MAX_TEMPLATE_BYTES",
    "NAME_RE",
    "PART_PROMPT_PLACEHOLDERS",
    "RESERVED",
    "VARIANTS_PROMPT_PLACEHOLDERS",
    "Origin",
    "Template",
    "TemplateInfo",
    "TemplateLibrary",
    "Value",
    "check_name",
    "extra_part_prompt",
    "fence_source",
    "parse_template",
    "render_string",
]
