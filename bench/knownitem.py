"""Known-item query sets drawn from a news corpus with a fixed seed.

Each item is a query plus the id of the one article it must find:

- ``sentence``: a sentence that occurs in exactly one article, pasted whole;
- ``quote``: an 8-word fragment of such a sentence, in curly quotes, with the damage a
  typeset page does: a soft hyphen (U+00AD) inside a word, ’ for apostrophes, – for
  hyphens and dashes;
- ``question``: the sentence wrapped in a question ("Is it true that ...?").

Uniqueness is checked against the text of every article of the collection (title and
body, case-folded, as words): a sentence counts only when its word sequence occurs in
one article and no other; a quote only when its own word sequence does.
"""

from __future__ import annotations

import dataclasses
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

SOFT_HYPHEN = "\u00ad"
SETS = ("sentence", "quote", "question")
FRAGMENT_WORDS = 8

_WORD = re.compile(r"\w+")
# Sentence ends: . ! ? (optionally followed by a closing quote or bracket), then space,
# then something that can start a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(\[]?[A-Z0-9])|(?<=[.!?][\"”’')\]])\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', SOFT_HYPHEN: ""})
_LOWER_FIRST = frozenset(
    "the a an in on at for this that these those it its there some many most more new our "
    "their his her we they he she people researchers scientists doctors patients when while "
    "if after before about one two three as but and so".split())
_ABBREVIATIONS = frozenset(
    "Dr Mr Mrs Ms Prof St Sr Jr Gen Gov Sen Rep Rev Lt Col Sgt Capt Inc Corp Co Ltd No vs etc "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec U.S U.K D.C Ph.D M.D a.m p.m".split())
QUESTIONS = (
    "Is it true that {s}?",
    "Is it really true that {s}?",
    "Fact check: is it true that {s}?",
    "Did someone actually say that {s}?",
    "Can you confirm whether {s}?",
    "Was it reported that {s}?",
    "True or false: {s}?",
)


@dataclasses.dataclass(frozen=True)
class Item:
    set: str
    query: str
    doc: str  # the id of the article the query must find
    source: str  # the corpus file the article came from
    sentence: str  # the untouched sentence the item was made from

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def words(text: str) -> list[str]:
    """The comparison form: NFKC, quotes and soft hyphens folded, case-folded words."""
    return _WORD.findall(unicodedata.normalize("NFKC", text.translate(_FOLD)).casefold())


def split_sentences(body: str) -> list[str]:
    sentences = []
    for paragraph in body.split("\n"):
        paragraph = paragraph.strip()
        if paragraph:
            sentences.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return sentences


def usable_sentence(sentence: str) -> bool:
    """A plain prose sentence: 10-40 words, at most 300 characters, mostly letters."""
    n = len(sentence.split())
    if not 10 <= n <= 40 or len(sentence) > 300:
        return False
    if not sentence[0].isupper() and sentence[0] not in "\"“‘":
        return False
    if sentence.rstrip("\"”’')]")[-1:] not in (".", "!", "?"):
        return False
    if "http" in sentence or "@" in sentence or "www." in sentence:
        return False
    last = sentence.rstrip("\"”’')]").rstrip(".!?").rsplit(None, 1)[-1].strip("(\"“")
    if last in _ABBREVIATIONS or (len(last) == 1 and last.isupper()):
        return False  # cut at an abbreviation ("... led by Dr."), not at a sentence end
    visible = [c for c in sentence if not c.isspace()]
    return sum(c.isalpha() for c in visible) >= 0.75 * len(visible)


class Collection:
    """Every article's text as words, with an inverted index over the candidate words."""

    def __init__(self, records: Iterable[tuple[str, dict]]):
        self.ids: list[str] = []
        self.sources: list[str] = []
        self.bodies: list[str] = []
        self.joined: list[str] = []  # " w1 w2 ... " per article, for substring checks
        self.vocab: dict[str, list[int]] = defaultdict(list)
        for source, record in records:
            title = str(record.get("title") or "")
            body = str(record.get("body") or "")
            self.ids.append(str(record.get("id")))
            self.sources.append(source)
            self.bodies.append(body)
            self.joined.append(" " + " ".join(words(title + "\n" + body)) + " ")

    def __len__(self) -> int:
        return len(self.ids)

    def build_postings(self, needed: set[str]) -> None:
        """Postings (article numbers) for the words in ``needed`` only."""
        self.vocab = defaultdict(list)
        for number, text in enumerate(self.joined):
            for word in needed.intersection(text.split()):
                self.vocab[word].append(number)

    def articles_with(self, seq: list[str]) -> list[int]:
        """Articles whose words contain ``seq`` contiguously (postings must cover seq)."""
        if not seq:
            return []
        lists = sorted((self.vocab.get(w, []) for w in set(seq)), key=len)
        candidates = set(lists[0])
        for other in lists[1:3]:
            candidates.intersection_update(other)
        needle = " " + " ".join(seq) + " "
        return sorted(n for n in candidates if needle in self.joined[n])


def damage(fragment: str, rng: random.Random) -> str:
    """Typeset damage: ’ apostrophes, – dashes, a soft hyphen in a long word, curly quotes."""
    text = fragment.replace("'", "\u2019")
    text = re.sub(r"(?<=\w)-(?=\w)|\s-{1,2}\s|\s—\s", lambda m: "\u2013" if m.group(0) == "-" else " \u2013 ", text)
    tokens = text.split(" ")
    long_words = [i for i, t in enumerate(tokens) if sum(c.isalpha() for c in t) >= 6]
    if long_words:
        i = rng.choice(long_words)
        letters = [j for j in range(2, len(tokens[i]) - 2) if tokens[i][j - 1].isalpha() and tokens[i][j].isalpha()]
        if letters:
            j = rng.choice(letters)
            tokens[i] = tokens[i][:j] + SOFT_HYPHEN + tokens[i][j:]
    text = " ".join(tokens).strip("\"“”'‘’ ")
    return f"\u201c{text}\u201d"


def as_question(sentence: str, rng: random.Random) -> str:
    s = sentence.strip().rstrip(".!?")
    first = s.split(" ", 1)[0]
    if first.lower() in _LOWER_FIRST and first[:1].isupper() and first[1:].islower():
        s = s[0].lower() + s[1:]
    return rng.choice(QUESTIONS).format(s=s)


def generate(collection: Collection, count: int, seed: int, *, sources: list[str] | None = None) -> dict[str, list[Item]]:
    """``count`` items per set, the source articles drawn evenly from ``sources`` (the
    corpus files) with ``random.Random(seed)``; the same sentences feed all three sets."""
    rng = random.Random(seed)
    sources = sources or sorted(set(collection.sources))
    by_source: dict[str, list[int]] = {s: [] for s in sources}
    for n, s in enumerate(collection.sources):
        if s in by_source:
            by_source[s].append(n)
    for order in by_source.values():
        rng.shuffle(order)
    # Candidate sentences: a few per article, more than needed to survive the checks.
    quota = {s: count // len(sources) + (1 if i < count % len(sources) else 0) for i, s in enumerate(sources)}
    candidates: dict[str, list[tuple[int, str]]] = {}
    needed: set[str] = set()
    for s, order in by_source.items():
        picked = []
        for n in order:
            usable = [x for x in split_sentences(collection.bodies[n]) if usable_sentence(x)]
            if usable:
                sentence = rng.choice(usable)
                picked.append((n, sentence))
                needed.update(words(sentence))
            if len(picked) >= quota[s] * 2 + 20:
                break
        candidates[s] = picked
    collection.build_postings(needed)

    items: dict[str, list[Item]] = {name: [] for name in SETS}
    for s, picked in candidates.items():
        made = 0
        for n, sentence in picked:
            if made >= quota[s]:
                break
            if collection.articles_with(words(sentence)) != [n]:
                continue
            fragment = unique_fragment(collection, n, sentence, rng)
            if fragment is None:
                continue
            doc = collection.ids[n]
            items["sentence"].append(Item("sentence", sentence, doc, s, sentence))
            items["quote"].append(Item("quote", damage(fragment, rng), doc, s, sentence))
            items["question"].append(Item("question", as_question(sentence, rng), doc, s, sentence))
            made += 1
    return items


def unique_fragment(collection: Collection, n: int, sentence: str, rng: random.Random) -> str | None:
    """An 8-word window of ``sentence`` found in article ``n`` only, preferring windows
    with an apostrophe or a hyphen (so the damage has something to change)."""
    tokens = sentence.split()
    windows = [" ".join(tokens[i:i + FRAGMENT_WORDS]) for i in range(len(tokens) - FRAGMENT_WORDS + 1)]
    rng.shuffle(windows)
    windows.sort(key=lambda w: not re.search(r"\w['’]\w|\w-\w|\s[-—]+\s", w))
    for window in windows[:6]:
        if collection.articles_with(words(window)) == [n]:
            return window
    return None
