"""What an article is about, for the offline engine: its kind (news, study, launch...), its
subject, a question about it in a template chosen by the kind, and hashtags from its
keyphrases and names."""

from __future__ import annotations

import re
import zlib

from ...models.post import normalise_hashtag
from ...models.text_rules import STOPWORDS
from .text import GENERIC, Analysis, Keyphrase, content_stems


def article_kind(a: Analysis) -> str:
    """news, study, launch, howto, opinion, case, announcement or interview (title first, then body cues)."""
    title = (a.title or "").lower()
    body = " ".join(s.text for s in a.sentences)
    per_k = 1000.0 / max(1, a.words)
    questions = sum(1 for s in a.sentences if s.text.endswith("?") and s.first_in_para)
    if re.match(r"(?:how to|a guide to)\b", title) or re.search(r"\b\d+ (?:ways|steps|tips)\b|\bguide\b", title):
        return "howto"
    if "case study" in title:
        return "case"
    if (questions >= 3 and questions >= 0.1 * len(a.sentences)) or "interview" in title:
        return "interview"
    if re.search(r"\b(?:released?|launch\w*|introduc\w+|unveil\w*|now available|version \d|v\d+\.\d)", title):
        return "launch"
    if re.search(r"\b(?:study|survey|research|report|review|finds|analysis|paper)\b", title):
        return "study"
    if re.search(r"\b(?:announc\w*|moves to|joins|acquires|appoints|partners with|hiring)\b", title):
        return "announcement"
    if len(re.findall(r"\b(?:I|my|me)\b", body)) * per_k > 8 or re.search(r"\bI (?:think|believe|argue)\b", body):
        return "opinion"
    cues = {
        "study": len(re.findall(r"\b(?:study|survey|researchers?|respondents|findings?)\b", body, re.I)),
        "launch": len(re.findall(r"\b(?:release[sd]?|launch\w*|version|available today|features?)\b", body, re.I)),
        "howto": sum(1 for s in a.sentences if re.match(r"(?:Start|Ask|Write|Use|Make|Keep|Avoid|Don't|Try|Pick|Choose|Set|Add)\b", s.text)),
    }
    kind, best = max(cues.items(), key=lambda kv: kv[1])
    return kind if best * per_k >= 6 else "news"


def _topics(a: Analysis) -> list[Keyphrase]:
    """Subjects, best first: 2-3 word phrases of the title, then phrases and names by weight."""
    if "topics" not in a.memo:
        title = set(content_stems(a.title or ""))
        top = a.keyphrases[0].score if a.keyphrases else 1.0

        def in_title(k: Keyphrase) -> bool:
            return len(k.key) > 1 and bool(title) and all(x in title for x in k.key)

        def weight(k: Keyphrase) -> float:
            if k.kind != "phrase":
                return 1.3 * k.score / top
            return k.score / top * (2.5 if len(k.key) > 1 else 1.0)

        pool = [k for k in a.keyphrases if not all(x in GENERIC for x in k.key)]
        a.memo["topics"] = sorted(pool, key=lambda k: (not in_title(k), -weight(k), k.text))
    return a.memo["topics"]  # type: ignore[return-value]


_MASS = frozenset("""work data research software energy health care safety heat water traffic storage
    infrastructure time money education housing transport information security privacy funding feedback""".split())
_COUNT_ING = frozenset("""meeting building setting hearing painting finding ending ceiling wedding offering listing
    opening warning briefing saving recording drawing booking ranking rating reading""".split())


def _noun_phrase(k: Keyphrase) -> str:
    """The keyphrase with an article when English needs one: "the four-day week", "heat pumps"."""
    last = k.text.split()[-1].lower()
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
    gerund = last.endswith("ing") and last not in _COUNT_ING
    bare = k.kind != "phrase" or last in _MASS or plural or gerund
    return k.text if bare else "the " + k.text


def _gerund(verb: str) -> str:
    v = verb.lower()
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        return v[:-1] + "ing"
    if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", v):
        return v + v[-1] + "ing"
    return v + "ing"


def _subject(a: Analysis, kind: str, offset: int = 0) -> str:
    """What the question is about: "running a blameless postmortem", "heat pumps", "Quillstore"."""
    title = a.title or ""
    if offset == 0:
        m = re.match(r"(?i)how to (\w+)\s+(.{3,60}?)[.?!]?$", title)
        if m:
            return f"{_gerund(m.group(1))} {m.group(2)}"
        m = re.search(r"\b(?:on|about)\s+(\w+ing\b[^:;,.?!]{3,50})$", title)
        if m:
            return m.group(1)
    topics = _topics(a)
    if kind == "launch":  # the product's name first
        topics = [k for k in topics if k.kind == "entity"] + [k for k in topics if k.kind != "entity"]
    return _noun_phrase(topics[offset % len(topics)]) if topics else "this topic"


_QUESTIONS = {
    "study": ("Does what this research found about {t} match what you have seen yourself?",
              "If these findings on {t} hold up elsewhere, what should change first?",
              "Which finding on {t} surprised you, and which did you expect?"),
    "news": ("What would it take for {t} to work where you are?",
             "Who stands to gain or lose the most from {t}?",
             "What is the one question you would ask the people behind {t}?"),
    "launch": ("Would {t} fit into the tools your team already runs, or what would hold you back?",
               "What would you need to see before using {t} in production?",
               "Which part of {t} would make the biggest difference for your team?"),
    "howto": ("Which step of {t} does your team find hardest to keep doing?",
              "What has worked for your team when it comes to {t}?",
              "What would you add to this approach to {t}?"),
    "opinion": ("Do you agree with this view of {t}, or has your experience been different?",
                "Where would you push back on this take on {t}?",
                "What has your team tried with {t}, and did it stick?"),
    "case": ("Has your organisation tackled {t} in a similar way, and what did you learn?",
             "Which of these changes around {t} would be hardest to make where you work?",
             "What would you measure first before changing how your organisation handles {t}?"),
    "announcement": ("Would a move like this on {t} work in your organisation?",
                     "What would your team need to make {t} work?",
                     "What would you want to know about {t} before trying it yourself?"),
    "interview": ("Which of these lessons on {t} matches your own experience?",
                  "What would you have asked about {t} in this interview?",
                  "Where would you disagree with this view of {t}?"),
}


def question_for(a: Analysis, variant: int = 0) -> str:
    """A question about the article's subject, in a template chosen by the article's kind."""
    kind = article_kind(a)
    templates = _QUESTIONS[kind]
    seed = zlib.crc32((a.title or a.sentences[0].text).encode())
    return templates[(seed + variant) % len(templates)].format(t=_subject(a, kind, variant // len(templates)))


def hashtag_pool(a: Analysis) -> list[str]:
    """Hashtags from topics and names, best first: 1-3 words, no stopwords, no tag inside
    another, the best name second, tags repeating a word of an earlier tag last."""
    first: list[str] = []
    later: list[str] = []
    name: str | None = None
    seen_words: set[str] = set()
    title = set(content_stems(a.title or ""))
    for k in _topics(a):
        if len(first) >= 12:
            break
        words = k.text.replace("'s", "s").replace("’s", "s").split()
        if (k.kind == "acronym" and k.count < 2) or len(words) > 3 or any(w.lower() in STOPWORDS for w in words):
            continue
        if len(words) == 3 and words[0][:1].islower():
            words = words[1:]  # "serious cyclist injuries" -> #CyclistInjuries
        tag = normalise_hashtag(" ".join(words))
        if not tag or len(tag) > 25 or not re.search(r"[A-Za-z]{3}", tag):
            continue
        low = tag[1:].lower()
        if any(low in t[1:].lower() or t[1:].lower() in low for t in first + later):
            continue
        stems = {x for w in words for x in content_stems(w)}
        (later if stems & seen_words else first).append(tag)
        seen_words |= stems
        if name is None and k.kind == "entity" and (len(k.key) > 1 or k.key[0] in title):
            name = tag
    if name in first[2:]:
        first.remove(name)
        first.insert(1, name)
    return first + later


def rotate(pool: list[str], current: list[str], count: int) -> list[str]:
    """``count`` tags from ``pool``, those not in ``current`` first."""
    skipped = {t.lower() for t in current}
    return ([t for t in pool if t.lower() not in skipped] + [t for t in pool if t.lower() in skipped])[:count]
