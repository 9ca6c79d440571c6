"""Plain-text analysis for the offline engine, pure Python (``re``, ``collections``, ``math``).

Cleaning (boilerplate lines out), sentence splitting, word stems, keyphrases and named
entities, sentence salience, and clause-level compression that keeps sentences grammatical.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each either few for from further had hadn't has hasn't have haven't having
    he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
    into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only
    or other ought our ours ourselves out over own same shan't she she'd she'll she's should shouldn't so
    some such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up upon very was wasn't we we'd we'll
    we're we've were weren't what what's when when's where where's which while who who's whom why why's
    will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
    may might must shall just also yet s t re ve ll d don didn doesn isn wasn via vs among across along
    around behind beyond despite inside outside toward towards within without onto per unless whether
    though although else""".split()
)
"""English function words: never a keyphrase, never a hashtag."""

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

GENERIC = frozenset(
    """time times day days week weeks month months year years people way ways part parts number lot
    thing things city cities company companies team teams case cases group result results end start
    place world level kind type area areas side point points question questions example examples fact
    work study report article news story researchers respondents sample figure figures findings finding
    survey research analysis share rate process change changes version project projects data information
    plan plans programme program system systems approach issue issues problem problems answer answers
    reason reasons measure measures minutes minute hours hour seconds second percent kilometres
    kilometers miles metres meters tonnes litres degrees""".split()
)
"""Words too vague to be a keyphrase, hashtag or question subject on their own."""

_TITLES = frozenset("dr prof mr mrs ms sir dame councillor mayor president minister senator judge".split())
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)

# ---- cleaning ------------------------------------------------------------------------

_BLOCK_TAGS = re.compile(r"(?is)<(script|style|head|noscript|svg|template)\b.*?</\1\s*>")
_BREAK_TAGS = re.compile(r"(?i)</?(p|div|br|h[1-6]|li|ul|ol|tr|td|th|section|article|header|footer|nav|aside|main|form|button|blockquote|pre|figure|figcaption|title)\b[^>]*>")
_ANY_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FURNITURE = re.compile(  # page furniture, whatever the length of the line
    r"(?i)^(?:related (?:posts?|articles?|stories|content)|read (?:more|also|next)\b|sign (?:up|in)\b|log ?in\b|"
    r"we use cookies|accept (?:all|cookies)|manage (?:preferences|cookies)|cookie (?:policy|settings|preferences)|"
    r"privacy policy|terms (?:of|and) (?:use|service|conditions)|all rights reserved|copyright\b|©|\(c\) ?\d{4}|"
    r"follow us|skip to|back to top|filed under|posted (?:in|on|by)\b|most (?:read|popular|viewed)|"
    r"you (?:may|might) (?:also )?like|contact (?:us|the newsroom)|about us\b|click here|download (?:the|our) app|"
    r"\d+ ?min(?:ute)?s? read|(?:tags?|topics?|photo(?:graph)?|image|credit|source|watch):)"
)
_FURNITURE_SHORT = re.compile(  # words that open furniture lines, but also real sentences: short lines only
    r"(?i)^(?:share|subscribe|register|privacy|advertisement|sponsored|comments?|recommended|trending|newsletter|"
    r"home|menu|updated|published|print|listen)\b"
)
_FURNITURE_ANYWHERE = re.compile(
    r"(?i)\b(?:(?:we|this site|our site) uses? cookies|use of cookies|(?:our|this) newsletter|in your inbox|"
    r"all rights reserved|sign up for|subscribe to (?:our|the)|follow us on|share on|privacy policy|terms of use|"
    r"impressum|datenschutz|mentions légales)\b"
)
_BYLINE = re.compile(
    r"^(?i:by|von|par|written by|words by|reporting by)\s+[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}"
    r"\s*(?:[,|·•-]\s*.{0,60})?(?<![.!?])$"
)
_DATE = re.compile(
    r"(?i)\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4})\b"
)
_TERMINAL = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Cleaned:
    title: str | None
    paragraphs: list[str]


def _strip_markup(text: str) -> str:
    if re.search(r"(?i)<(?:p|div|html|body|article|br|h1|span|a)\b[^>]*>", text):
        text = _BLOCK_TAGS.sub("\n", text)
        text = re.sub(r"(?is)<!--.*?-->", "", text)
        text = re.sub(r"(?is)<h1\b[^>]*>(.*?)</h1>", lambda m: "\n\n# " + _ANY_TAG.sub("", m.group(1)).strip() + "\n\n", text)
        text = re.sub(r"(?is)<h([2-6])\b[^>]*>(.*?)</h\1>", lambda m: "\n\n## " + _ANY_TAG.sub("", m.group(2)).strip() + "\n\n", text)
        text = _BREAK_TAGS.sub("\n\n", text)
        text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = re.sub(r"(?ms)^\s*(```|~~~).*?^\s*\1[^\n]*$", "\n", text)  # code blocks are not prose
    text = _MD_LINK.sub(r"\1", text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"`([^`\n]*)`", r"\1", text)
    return text.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n")


def is_boilerplate(line: str) -> bool:
    """True for page furniture: menus, share/subscribe boxes, cookie notices, bylines,
    dates, URLs, copyright lines, headings and non-English lines."""
    s = line.strip()
    words = _LETTER_WORD.findall(s)
    if not words:
        return True
    n = len(words)
    if _FURNITURE.match(s) or _BYLINE.match(s) or (n < 25 and _FURNITURE_ANYWHERE.search(s)):
        return True
    if n < 8 and _FURNITURE_SHORT.match(s):
        return True
    if ("http" in s or "www." in s or "@" in s) and len(_URL.sub("", _EMAIL.sub("", s))) < 0.5 * len(s):
        return True
    if (n <= 8 and _DATE.search(s)) or len(_SEPARATORS.findall(s)) >= 2 or s.startswith("|") or s.count("|") >= 3:
        return True
    if not s.isascii():
        letters = [c for c in s if c.isalpha()]
        if sum(c.isascii() for c in letters) < 0.85 * len(letters):
            return True
    if n >= 4 and sum(w.lower() in STOPWORDS for w in words) < 0.12 * n:
        return True
    return n < 5 and not _TERMINAL.search(s)


_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_SEPARATORS = re.compile(r"\s[|·•>»/]\s")


def _is_heading(line: str) -> bool:
    words = line.split()
    return bool(words) and len(words) < 18 and not _TERMINAL.search(line) and not line.endswith(",")


def clean_text(text: str, title: str | None = None) -> Cleaned:
    """Split an article into body paragraphs, dropping boilerplate and headings.

    The title is the one given, else the first heading, with a " | Site name" tail cut off.
    """
    found_title = title
    fallback_title: str | None = None
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", _strip_markup(text)):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if _hard_wrapped(lines):
            lines = [" ".join(lines)]
        units: list[str] = []
        for ln in lines:
            heading = bool(re.match(r"#{1,6}\s", ln))
            if found_title is None and re.match(r"#\s", ln) and _title_ok(ln[2:]):
                found_title = _site_suffix(ln[2:].strip())
            ln = re.sub(r"^(?:#{1,6}\s+|>\s*|[-*+•]\s+|\d{1,2}[.)]\s+)", "", ln).strip()
            if not ln:
                continue
            prev = units[-1] if units else ""
            if not heading and prev and not prev.startswith("\x00") and not _TERMINAL.search(prev) and ln[:1].islower():
                units[-1] = prev + " " + ln  # a hard-wrapped line continues the previous one
            else:
                units.append(("\x00" if heading else "") + ln)
        for unit in units:
            heading = unit.startswith("\x00")
            unit = unit.lstrip("\x00")
            if heading or _is_heading(unit):
                if fallback_title is None and _title_ok(unit) and len(unit.split()) >= 4:
                    fallback_title = _site_suffix(unit)
                continue
            if not is_boilerplate(unit):
                paragraphs.append(re.sub(r"\s+", " ", unit))
    return Cleaned(found_title or fallback_title, paragraphs)


def _hard_wrapped(lines: list[str]) -> bool:
    """One paragraph wrapped at a fixed width: every line but the last long, none very long,
    no headings or list items."""
    return (
        len(lines) >= 2
        and all(40 <= len(ln) <= 100 for ln in lines[:-1])
        and len(lines[-1]) <= 100
        and not any(re.match(r"#|[-*+•]\s|\d{1,2}[.)]\s|>", ln) for ln in lines)
    )


def _title_ok(line: str) -> bool:
    s = line.strip()
    return bool(re.search(r"[^\W\d_]{2}", s)) and not (
        _FURNITURE.match(s) or _BYLINE.match(s) or _URL.search(s) or _EMAIL.search(s) or (len(s.split()) <= 8 and _DATE.search(s))
    )


def _site_suffix(title: str) -> str:
    """ "Heat pumps double | The Ledger" -> "Heat pumps double"."""
    return re.split(r"\s[|·–—-]\s(?=[^|·–—-]*$)", title)[0].strip() if re.search(r"\s[|·–—]\s", title) else title


# ---- sentences and words ---------------------------------------------------------------

_NEVER_SPLIT = frozenset("dr prof mr mrs ms sr st mt sen rep gen gov capt lt col sgt rev fr e.g i.e cf vs viz al approx ca fig figs".split())
_AMBIGUOUS = frozenset("etc jr inc ltd co corp no a.m p.m u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept oct nov dec".split())
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def split_sentences(paragraph: str) -> list[str]:
    """Split on . ! ? followed by a capital or digit, not after abbreviations or initials."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        punct = paragraph[m.start()]
        if punct == ".":
            before = paragraph[start : m.start()].split()
            token = before[-1].lstrip("(\"'“‘[").lower() if before else ""
            nxt = paragraph[m.end() :].split(None, 1)[0].strip("\"'“‘([").lower() if paragraph[m.end() :].strip() else ""
            if token in _NEVER_SPLIT or (token == "no" and nxt[:1].isdigit()):
                continue
            single = len(token) == 1 and token.isalpha()
            if (token in _AMBIGUOUS or single or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token)) and nxt not in STOPWORDS:
                continue
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?|\d+(?:[.,]\d+)*")


def words(text: str) -> list[str]:
    """Word and number tokens, possessive "'s" removed."""
    return [w[:-2] if w.endswith(("'s", "’s")) else w for w in _WORD.findall(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem: lower case, plural -s/-ies folded."""
    w = word.lower().replace("’", "'")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


GENERIC = GENERIC | frozenset(stem(w) for w in GENERIC)


def content_stems(text: str) -> list[str]:
    """Stems of the content words (no stopwords, no numbers), in order."""
    return [stem(w) for w in words(text) if not w[0].isdigit() and w.lower() not in STOPWORDS]


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,:]\d+)*", text)


def jaccard(a: str | set[str], b: str | set[str]) -> float:
    """Word-set overlap of two texts (content-word stems), 0..1."""
    sa = set(content_stems(a)) if isinstance(a, str) else a
    sb = set(content_stems(b)) if isinstance(b, str) else b
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def near_duplicate(a: str | set[str], b: str | set[str]) -> bool:
    """Jaccard >= 0.5, or one text's words mostly inside the other's (a shortened copy)."""
    sa = set(content_stems(a)) if isinstance(a, str) else a
    sb = set(content_stems(b)) if isinstance(b, str) else b
    if not sa or not sb:
        return False
    return jaccard(sa, sb) >= 0.5 or len(sa & sb) / min(len(sa), len(sb)) >= 0.75


# ---- keyphrases and entities -----------------------------------------------------------


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


def _persons(text: str) -> set[str]:
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

    Words of people's names (``persons``, found by :func:`_persons` when not given) are left out."""
    persons = _persons(" ".join(sentences)) if persons is None else persons
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


# ---- analysis and salience --------------------------------------------------------------


@dataclass
class Sentence:
    text: str
    index: int
    """Position in the article, from 0."""
    para: int
    """Index of its paragraph."""
    first_in_para: bool
    stems: frozenset[str]
    """Content-word stems, for similarity and duplicate checks."""
    score: float = 0.0
    """Salience, higher is better (see :func:`_salience`)."""


@dataclass
class Analysis:
    """Everything the offline engine needs to know about one article."""

    title: str | None
    sentences: list[Sentence]
    keyphrases: list[Keyphrase]
    """Best first."""
    persons: frozenset[str]
    """Stems of words in people's names (kept out of keyphrases and hashtags)."""
    words: int
    memo: dict[str, object] = field(default_factory=dict, repr=False, compare=False)
    """Results derived from this analysis by its users (the analysis itself is cached)."""

    def ranked(self) -> list[Sentence]:
        return sorted(self.sentences, key=lambda s: (-s.score, s.index))


PRONOUN_START = re.compile(r"^[\"'“]?(?:it|its|this|that|these|those|they|them|their|he|she|his|her|we|our|there|such|both|neither|one|(?:a|an|the) (?:\w+ )?one)\b", re.I)
_CONNECTIVE_START = re.compile(r"^(?:but|and|so|yet|or|also|still|however|instead|then|that)\b", re.I)
_QUOTE = re.compile(r"[\"“”]")


def quote_fragment(text: str) -> bool:
    """A sentence that is part of a multi-sentence quotation (unbalanced quote marks)."""
    straight = text.count('"')
    return straight % 2 == 1 or text.count("“") != text.count("”")


def _salience(sentences: list[Sentence], keys: list[Keyphrase], title: frozenset[str]) -> None:
    """Score each sentence: similarity to the article's centroid (TF-IDF), coverage of the top
    keyphrases, position, overlap with the title; then penalties for questions, quotes,
    pronoun openings, first person, very short or very long sentences."""
    n = len(sentences)
    df: Counter[str] = Counter(t for s in sentences for t in s.stems)
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    centroid = dict(Counter({t: c * idf[t] for t, c in df.items()}).most_common(60))
    cnorm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    top = [(frozenset(k.key), k.score) for k in keys[:15]]
    total = sum(w for _, w in top) or 1.0
    for s in sentences:
        norm = math.sqrt(sum(idf[t] ** 2 for t in s.stems)) or 1.0
        sim = sum(idf[t] * centroid.get(t, 0.0) for t in s.stems) / (norm * cnorm)
        coverage = sum(w for k, w in top if k <= s.stems) / total
        rel = s.index / max(1, n)
        position = 0.6 * max(1.0 - rel, 0.8 if n >= 40 and rel >= 0.93 else 0.0)  # long reviews end with a summary
        position += 0.4 * (1.0 if s.para == 0 else 0.3 if s.first_in_para else 0.0)
        title_sim = len(s.stems & title) / len(title) if title else 0.0
        score = 0.4 * sim + 0.3 * min(1.0, 2.5 * coverage) + 0.15 * position + 0.15 * min(1.0, 1.5 * title_sim)
        s.score = score * _penalty(s.text)


def _penalty(text: str) -> float:
    factor = 1.1 if any(c.isdigit() for c in text) else 1.0
    n_words = len(text.split())
    factor *= 0.5 if n_words < 7 else 0.7 if n_words > 45 else 1.0
    if text.rstrip("\"'”’)").endswith("?"):
        factor *= 0.3
    factor *= 0.3 if quote_fragment(text) else 0.7 if _QUOTE.search(text) else 1.0
    if PRONOUN_START.match(text):
        factor *= 0.75
    elif _CONNECTIVE_START.match(text):
        factor *= 0.85
    elif _EARLY_POSSESSIVE.match(text):
        factor *= 0.85
    if _EARLY_DEMONSTRATIVE.match(text):
        factor *= 0.8
    if _FIRST_PERSON.search(text):
        factor *= 0.85
    if text.endswith(":") or (("http" in text or "www." in text) and _URL.search(text)) or ("@" in text and _EMAIL.search(text)):
        factor *= 0.1
    return factor


_FIRST_PERSON = re.compile(r"\b(?:I|my|me)\b")
_EARLY_POSSESSIVE = re.compile(r"(?:\S+\s+){0,4}(?:its|their|his|her)\b", re.I)
_EARLY_DEMONSTRATIVE = re.compile(r"(?:\S+\s+){0,5}(?:those|these|such)\s", re.I)


@lru_cache(maxsize=8)
def analyse(text: str, title: str | None = None) -> Analysis:
    """Clean, split, find keyphrases and score every sentence. Cached per (text, title)."""
    cleaned = clean_text(text, title)
    sentences: list[Sentence] = []
    for pi, para in enumerate(cleaned.paragraphs):
        for j, sent in enumerate(split_sentences(para)):
            sentences.append(Sentence(sent, len(sentences), pi, j == 0, frozenset(content_stems(sent))))
    persons = frozenset(_persons(" ".join(s.text for s in sentences)))
    keys = keyphrases([s.text for s in sentences], cleaned.title, set(persons))
    _salience(sentences, keys, frozenset(content_stems(cleaned.title or "")))
    return Analysis(cleaned.title, sentences, keys, persons, sum(len(s.text.split()) for s in sentences))


# ---- compression ------------------------------------------------------------------------

_LEAD_COMMA = re.compile(
    r"^(?:however|in addition|additionally|moreover|furthermore|meanwhile|still|also|finally|first|second|"
    r"third|in short|in fact|indeed|as a result|at the same time|for example|for instance|on the other hand|"
    r"instead|of course|in other words|overall|today|now|then|similarly|likewise|by contrast|in contrast|"
    r"crucially|importantly|notably|again|after all|in the end|even so|of these|besides|thus|therefore|"
    r"put simply|simply put|in practice|in the meantime),\s+",
    re.I,
)
_LEAD_CONJ = re.compile(r"^(?:and|but|so|yet|or)\s+(?=[a-z])", re.I)
_DANGLING = frozenset(
    """a an the and or but nor of to with for in on at by from into onto as than that which who whom whose
    while because so such its their his her our your my this these those very also including""".split()
)
_CUT = re.compile(
    r"(?:[,;:]\s+(?=(?:which|while|whereas|although|though|where|when|who|whose|as|after|before|including|"
    r"with|without|compared|up from|down from|an increase|a decrease|a rise|a fall|a drop|so that|because|"
    r"since|even|rather|but|mostly|most of|far|from|despite|making|leaving|bringing|giving|according|"
    r"following|helped|in|at|on|by|for|until|unless|if|than|such as|\w+ing|and (?:the|a|an|it|they|we|he|"
    r"she|its|their|this|that|these|those|most|many|some|no|nobody|everyone|people)\b)\b)"
    r"|;\s+|\s+(?=(?:because|so that|whereas|although|even though|while|such as)\b))",
)
_ATTRIBUTION_TAIL = (
    re.compile(r",\s*according to\b.*$", re.I),
    re.compile(r",\s*(?:said|says|told|reports?|reported)\b[^,]*(?:,[^,]*)?$", re.I),
    re.compile(r",\s*(?:[\w.'’-]+\s+){1,6}(?:said|says|added|explained|wrote|told \w+)(?:\s+on \w+)?\s*$"),
)


def _end(text: str) -> str:
    """Strip dangling words and stray punctuation at the end, then close with a full stop."""
    text = text.strip()
    while True:
        text = re.sub(r"[\s,;:–—-]+$", "", text)
        parts = text.rsplit(None, 1)
        if len(parts) == 2 and parts[1].lower().strip("\"'“”") in _DANGLING:
            text = parts[0]
            continue
        break
    text = re.sub(r",([\"”’'])$", r".\1", text)
    if not _TERMINAL.search(text):
        text += "."
    return text


def _dangling_end(text: str) -> bool:
    words = re.sub(r"[.!?…\"'”’)\]]+$", "", text).split()
    return bool(words) and words[-1].lower() in _DANGLING


def tidy(sentence: str) -> str:
    """Meaning-preserving clean-up: spaced dashes become commas, leading connectives go,
    white space is normalised, the first letter is raised, the end is punctuated."""
    s = re.sub(r"\s+", " ", sentence).strip()
    s = re.sub(r"\s+(?:—|–|--)\s+|(?<=[^\W\d])—(?=[^\W\d])", ", ", s)
    s = re.sub(r"(?<=\d)—(?=\d)", "–", s)  # a range keeps its meaning, without an em dash
    for _ in range(2):
        s = _LEAD_COMMA.sub("", s)
        s = _LEAD_CONJ.sub("", s)
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r",\s*,", ",", s)
    s = s[:1].upper() + s[1:]
    return _end(s)


def _balanced(s: str) -> bool:
    return s.count("(") == s.count(")") and not quote_fragment(s)


_INTRO = re.compile(
    r"(?:on|in|at|when|if|while|although|though|because|after|before|since|as|for|with|without|among|during|"
    r"under|over|by|despite|unless|until|where|once|whether|given|following|according|like|unlike|from|"
    r"through|across|within|between|beyond|along|to|even|so|which|who|including|compared|up|down|\w+ing|\w+ed)\b",
    re.I,
)


def _has_main_clause(prefix: str) -> bool:
    """A cut must keep the main clause: "On streets where X, without Y, injuries fell" may only
    be cut after "injuries fell", because every comma chunk before it is an introduction."""
    chunks = [c.strip() for c in re.split(r"[,;:]\s+", prefix)]
    if not _INTRO.match(chunks[0]):
        return True
    return any(c and not _INTRO.match(c) for c in chunks[1:])


def compress(sentence: str, limit: int, min_words: int = 5) -> str | None:
    """Shorten ``sentence`` to at most ``limit`` characters by cutting whole clauses:
    parenthetical asides, attributions ("..., said X"), then trailing subordinate clauses.
    Returns None when no grammatical cut fits."""
    s = tidy(sentence)
    if len(s) <= limit:
        return s if _balanced(s) else None
    steps = [
        lambda t: re.sub(r"\s*\([^()]*\)", "", t),
        lambda t: re.sub(r"^according to [^,]+,\s*", "", t, flags=re.I),
    ]
    for step in steps:
        cut = tidy(step(s))
        if _dangling_end(cut) and not _dangling_end(s):
            return None
        s = cut
        if len(s) <= limit:
            return s if _balanced(s) else None
    body = s[:-1] if s.endswith(".") else s
    for pattern in _ATTRIBUTION_TAIL:
        cut = pattern.sub("", body)
        if cut != body and len(cut.split()) >= min_words:
            body = cut
            if len(body) + 1 <= limit:
                out = _end(body)
                return out if _balanced(out) else None
    for m in sorted(_CUT.finditer(body), key=lambda m: -m.start()):
        prefix = body[: m.start()]
        if len(prefix) + 1 <= limit and len(prefix.split()) >= min_words and _has_main_clause(prefix):
            out = _end(prefix)
            if len(out) <= limit and _balanced(out):
                return out
    return None
