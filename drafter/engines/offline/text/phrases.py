"""Keyphrases and names: topic phrases (content-word n-grams), capitalised names and
acronyms, ranked by frequency, length, position and overlap with the title; and the words of
people's names, which are kept out of keyphrases and hashtags."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from ....models.text_rules import STOPWORDS
from .sentences import GENERIC, content_stems, stem

WEAK = frozenset(
    """said says say saying told tell tells found find finds showed show shows shown made make makes
    making use used uses using rose fell cut added add adds including according well still already even
    many much several first second third last next new recent recently percent per cent like less far
    often usually around almost nearly roughly one two three four five six seven eight nine ten eleven
    twelve fifteen twenty thirty forty fifty hundred hundreds thousand thousands million millions billion
    lot lots numbers thing things today yesterday tomorrow monday tuesday wednesday thursday friday
    saturday sunday january february march april june july august september october november december mr mrs ms dr prof
    etc whole every another however although though since whether get gets got go goes going went
    come comes came take takes took give gives gave see sees saw seen know knew think thinks want wants
    need needs let put keep keeps kept set big bigger biggest large larger largest small smaller good
    better best high higher low lower long longer short real simple clear able likely own main major key
    important possible different similar certain full early late old ago back average least whose
    something anything everything nothing someone everyone nobody people person thanks yes okay really
    actually probably mostly quite rather instead then therefore thus done did does here there read wrote
    written spent spend ran began begun begin left leave brought bring built build chose chosen choose
    felt feel held hold led lost lose meant mean met meet paid pay sent send sold sell stood stand taught
    thought understood won seem seems become became becomes turn turns call calls ask asks try tries
    help helps start starts allow allows include includes provide provides remain remains expect expects
    suggest suggests require requires reach reaches moves adds gives runs works looks wanted follow
    follows according""".split()
)
"""Words that break candidate phrases (frequent verbs, quantities, dates) without being stopwords."""

_TITLES = frozenset("dr prof mr mrs ms sir dame councillor mayor president minister senator judge".split())
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)


@dataclass(frozen=True)
class Keyphrase:
    text: str
    """Display form: lower case for topics, as written for names."""
    key: tuple[str, ...]
    score: float
    kind: str
    """"phrase" (lower-case topic), "entity" (a capitalised name) or "acronym"."""
    count: int


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*\w|[^\W\d_]|\d[\d.,]*\d|\d|[^\w\s]")
_ROLE = r"(?:executive|director|officer|founder|manager|maintainers?|president|minister|mayor|councillor|professor|chair|head of [a-z ]{3,20}?|analyst|engineer|researcher|spokes(?:person|woman|man)|editor|lead|leader|author)"
_PERSON_PATTERNS = (
    re.compile(r"\b(?:said|says|told|asked|according to)\s+((?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'’-]+)+)"),
    re.compile(r"\b([A-Z][\w'’-]+(?:\s+[A-Z]\.)?\s+[A-Z][\w'’-]+),?\s+(?:said|says|told|who|added|explained)\b"),
    re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms|Councillor|Mayor|Sir|Dame)\.?\s+([A-Z][\w'’-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][\w'’-]+)?)"),
    re.compile(r"\b" + _ROLE + r",?\s+([A-Z][\w'’-]+\s+[A-Z][\w'’-]+)"),
    re.compile(r"\b([A-Z][\w'’-]+\s+[A-Z][\w'’-]+),\s+(?:the\s+|a\s+|an\s+|our\s+)?(?:co-)?(?:head|chief|founder|ceo|cto|cfo|"
               r"coo|director|manager|professor|lead|editor|president|spokes\w+|author|analyst|researcher|engineer|"
               r"partner|owner|senior|principal|vice)\b"),
)


def person_stems(text: str) -> set[str]:
    """Stems of the words in people's names: after "said" or a title, before "said" or a role."""
    names: set[str] = set()
    for pattern in _PERSON_PATTERNS:
        for m in pattern.finditer(text):
            parts = [p for p in re.split(r"\s+", m.group(1)) if p.rstrip(".").lower() not in _TITLES]
            if parts and not any(p.lower() in STOPWORDS for p in parts):
                names.update(stem(re.sub(r"['’]s$", "", p.rstrip("."))) for p in parts if len(p.rstrip(".")) > 1)
    return names


_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand""".split()
)


_BREAKERS = STOPWORDS | WEAK | _MONTHS | _NUMBER_WORDS
_SAINT = re.compile(r"\b(St|Mt|Ft)\. (?=[A-Z])")
_INSTITUTIONS = frozenset(
    "Hospital University College School Church Cathedral Park Bank Market Hall Square Bridge Road Street".split()
)


def keyphrases(sentences: list[str], title: str | None = None, persons: set[str] | None = None) -> list[Keyphrase]:
    """Rank topic phrases (content-word n-grams) and names (capitalised runs, acronyms).

    Words of people's names (``persons``, found by :func:`person_stems` when not given) are left out."""
    persons = person_stems(" ".join(sentences)) if persons is None else persons
    title_stems = set(content_stems(title or ""))
    seen: list[tuple[tuple[str, ...], str, bool, bool]] = []  # (key, form, sentence-initial, all capitalised)
    add = seen.append
    first: dict[tuple[str, ...], int] = {}
    n_sent = max(1, len(sentences))
    min_count = 2 if n_sent >= 6 else 1
    for si, sentence in enumerate(sentences):
        run: list[tuple[str, bool, str, bool]] = []  # (surface, sentence-initial, stem, capitalised)

        def flush() -> None:
            while run and run[-1][2].endswith(("ed", "ly")):
                run.pop()
            while run and run[0][2].endswith("ly"):
                run.pop(0)
            size = len(run)
            for i, (w1, initial, s1, c1) in enumerate(run):
                add((((s1,), w1, initial, c1)))
                first.setdefault((s1,), si)
                if i + 1 < size:
                    w2, _, s2, c2 = run[i + 1]
                    if not s2.endswith("ed"):
                        add(((s1, s2), f"{w1} {w2}", initial, c1 and c2))
                        first.setdefault((s1, s2), si)
                    if i + 2 < size:
                        w3, _, s3, c3 = run[i + 2]
                        if not s3.endswith("ed"):
                            add(((s1, s2, s3), f"{w1} {w2} {w3}", initial, c1 and c2 and c3))
                            first.setdefault((s1, s2, s3), si)
            run.clear()

        opening = True  # no word seen yet: a capital here proves nothing
        tokens = _TOKEN.findall(_SAINT.sub(r"\1 ", sentence))
        for ti, tok in enumerate(tokens):
            word = tok[:-2] if tok.endswith(("'s", "’s")) else tok
            if word is not tok and ti + 1 < len(tokens) and tokens[ti + 1] in _INSTITUTIONS and tok[0].isupper():
                word = tok.replace("’", "'")  # "St Mary's Hospital" is one name
            low = word.lower()
            initial, opening = opening, opening and not word[0].isalnum()
            if (len(word) < 2 or not word[0].isalpha() or low in _BREAKERS
                    or ("-" in low and all(p in _NUMBER_WORDS for p in low.split("-")))):
                flush()
                continue
            st = stem(low[:-2] if low.endswith(("'s", "’s")) else low)
            if st in persons:
                flush()
                continue
            run.append((word, initial, st, word[0].isupper()))
            if word != tok.replace("’", "'"):
                flush()
        flush()
    occurrences = Counter(seen)
    grams: Counter[tuple[str, ...]] = Counter()
    for (key, _, _, _), c in occurrences.items():
        grams[key] += c
    surface: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    inside_forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    caps: Counter[tuple[str, ...]] = Counter()  # occurrences with every word capitalised
    caps_inside: Counter[tuple[str, ...]] = Counter()  # ... and not at the start of a sentence
    for (key, form, initial, cap), c in occurrences.items():
        if grams[key] < min_count and not all(k in title_stems for k in key):
            continue
        surface[key][form] += c
        if not initial:
            inside_forms[key][form] += c
        if cap:
            caps[key] += c
            if not initial:
                caps_inside[key] += c
    multi_caps = {k for key in grams if len(key) > 1 and caps[key] == grams[key] for k in key}
    result: list[Keyphrase] = []
    for key, count in grams.items():
        n = len(key)
        in_title = bool(title_stems) and all(k in title_stems for k in key)
        if count < min_count and not in_title:
            continue
        forms = surface[key]
        form = forms.most_common(1)[0][0]
        acronym = n == 1 and form.isupper() and len(form) >= 2
        lower_seen = any(f == f.lower() for f in forms)
        entity = acronym or (caps[key] == count and not lower_seen and (caps_inside[key] > 0 or n > 1 or (
            key[0] in title_stems or key[0] in multi_caps)))
        if n == 1 and not entity and (len(form) < 4 or key[0] in GENERIC):
            continue
        inside = inside_forms.get(key)
        if inside:
            form = inside.most_common(1)[0][0]
        elif not entity:
            form = form[:1].lower() + form[1:] if form[1:2].islower() else form
        score = count * (1.0, 1.8, 2.2)[n - 1]
        score *= 1.6 if in_title else (1.15 if any(k in title_stems for k in key) else 1.0)
        score *= 1.0 + 0.3 * (1.0 - first[key] / n_sent)
        if entity and not acronym:
            score *= 1.2
        result.append(Keyphrase(form, key, score, "acronym" if acronym else "entity" if entity else "phrase", count))
    # A shorter phrase that mostly occurs inside a longer one gives way to it.
    container: dict[tuple[str, ...], int] = {}  # the largest count of a longer phrase containing the key
    for kp in result:
        for n in range(1, len(kp.key)):
            for i in range(len(kp.key) - n + 1):
                sub = kp.key[i : i + n]
                container[sub] = max(container.get(sub, 0), kp.count)
    adjusted = [
        Keyphrase(kp.text, kp.key, kp.score * (0.5 if container.get(kp.key, 0) >= 0.6 * kp.count else 1.0), kp.kind, kp.count)
        for kp in result
    ]
    adjusted.sort(key=lambda k: (-k.score, k.text))
    return adjusted[:400]
