"""The language of an article that does not say, identified by py3langid.

py3langid (a maintained port of langid.py, 97 languages) was measured against lingua on
short news text (``bench/langid_compare.py``, docs/decisions.md): as accurate once
Chinese varieties are read as Chinese, and about 14 times faster. Only the first
``SAMPLE_CHARS`` characters are classified: at 400 a FakeHealth article costs 0.39 ms
instead of 0.88 at 1,000, with the same language for 600 of 600 FakeHealth articles and
72 of 72 multilingual ones (identification was 15% of a reindex's time at 1,000).

A record's own ``language``/``lang`` field always wins (``index/normalise.py``).
"""

from __future__ import annotations

import dataclasses
import functools

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS

# English function words: relaxed first, and never what makes one result better than another
# (they count neither in ranking nor in the word counts that normalise its lengths).
ENGLISH_STOPWORDS = frozenset(
    "the and of to in is that for it with was on are as be this by have from or not "
    "they which but his her has were been their will would there what about when".split())
FUNCTION_WORDS = ENGLISH_STOPWORDS | WHOOSH_STOP_WORDS | frozenset(
    "a an at can could do does did had how i if into its may might must no our shall should so "
    "some such than then these those under upon us we what when where whether which while "
    "who whom why you your".split())

SAMPLE_CHARS = 400
# Below this confidence (py3langid's normalised probability) a guess is reported in the
# reindex report; the article is still indexed in the guessed language.
LOW_CONFIDENCE = 0.9
# Below this py3langid is not identifying a language ("abé abé abé": 0.09): no guess.
MIN_CONFIDENCE = 0.3
# Fewer letters than this and no guess is made: a headline of two words is not enough.
MIN_LETTERS = 12
# py3langid names some varieties apart that the index analyses as one language.
_SAME_AS = {"wuu": "zh", "yue": "zh", "nb": "no", "nn": "no"}
_VARIETIES = frozenset(_SAME_AS.values())


@dataclasses.dataclass(frozen=True)
class Guess:
    language: str  # ISO 639-1 code, "" when the text is too short to tell
    confidence: float

    @property
    def low(self) -> bool:
        return bool(self.language) and self.confidence < LOW_CONFIDENCE


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def preload() -> None:
    """Load py3langid's model now (about 2 s), e.g. once before forking processes that
    share it, instead of once in each."""
    _identifier()


def guess_language(text: str) -> Guess:
    """Return py3langid's guess for ``text`` with its confidence."""
    sample = text[:SAMPLE_CHARS]
    if sum(1 for c in sample if c.isalpha()) < MIN_LETTERS:
        return Guess("", 0.0)
    code, confidence = _identifier().classify(sample)
    language = _SAME_AS.get(code, code)
    if confidence < LOW_CONFIDENCE and language in _VARIETIES:
        # Mandarin against Wu or Cantonese (zh 0.68, wuu 0.32) is no doubt about Chinese:
        # the confidence is that of every variety read as the language. Ranked only here,
        # as ranking costs twice what classifying does.
        confidence = sum(p for c, p in _identifier().rank(sample) if _SAME_AS.get(c, c) == language)
    if confidence < MIN_CONFIDENCE:
        return Guess("", round(float(confidence), 3))
    return Guess(language, round(min(float(confidence), 1.0), 3))


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code for ``text``, or ``""`` when it is too short to tell."""
    return guess_language(text).language


@functools.cache
def language_name(code: str) -> str:
    """The language's own name ("Русский", "中文", "Deutsch"), or the code when unknown."""
    if not code:
        return ""
    try:
        import langcodes
        name = langcodes.Language.get(code).autonym()
    except (ValueError, LookupError, ImportError):
        return code
    if not name or name.lower() == code.lower() or "unknown" in name.lower():
        return code
    return name[:1].upper() + name[1:]
