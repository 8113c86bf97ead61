"""Guess the language of an article that does not say, from its commonest short words.

Only the decision "English or not, and if not which" matters to the index: English text
is Porter-stemmed, everything else goes to the unstemmed ``*_intl`` fields. A stopword
count over the first few thousand characters is enough for that, is deterministic and
needs no model data (see docs/decisions.md).
"""

from __future__ import annotations

import re
from collections import Counter

from whoosh.analysis import STOP_WORDS as WHOOSH_STOP_WORDS

# The most frequent function words of each language, chosen so the lists barely overlap.
# Norwegian is not listed: its function words are Danish ones, and both are unstemmed.
STOPWORDS: dict[str, frozenset] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to in is that for it with was on are as be this by have from or not "
              "they which but his her has were been their will would there what about when",
        "fr": "le la les des du une est et dans que qui pour pas sur au aux avec ce cette sont "
              "par plus ses leur mais ont été être nous vous elle il",
        "de": "der die das und ist nicht mit sich des dem den ein eine auf für von zu im auch "
              "wird sind wurde werden nach bei aus oder wie noch",
        "es": "el la los las y que del en un una es por con para se no lo como más pero sus le "
              "al ha fue son está muy también",
        "it": "il la di che e è per un una del della non sono con gli le si dei nel alla anche "
              "più come ma lo ha questo delle",
        "pt": "o a os as de que e do da em um uma para com não por se dos das no na mais mas "
              "foi são ao pelo pela também está",
        "nl": "de het een en van is dat niet op te in met zijn voor er aan ook als maar bij "
              "door wordt worden nog naar dit",
        "sv": "och det att i en är som på för med inte av till den har de om ett var jag men "
              "så från kan också",
        "da": "og det at i en er som på for med ikke af til den har de om et var jeg men så "
              "fra kan også",
        "pl": "i w nie na się z że do to jest jak o co ale od po tak za przez dla są już czy",
        "fi": "ja on ei se että oli hän ovat mutta tai kun myös joka jos niin ole vain kuin",
    }.items()
}

# English function words: relaxed first, and never what makes one result better than another
# (they count neither in ranking nor in the word counts that normalise its lengths).
FUNCTION_WORDS = STOPWORDS["en"] | WHOOSH_STOP_WORDS | frozenset(
    "a an at can could do does did had how i if into its may might must no our shall should so "
    "some such than then these those under upon us we what when where whether which while "
    "who whom why you your".split())

_WORD = re.compile(r"[^\W\d_]+")
SAMPLE_CHARS = 5000
# Fewer stopword hits than this and we do not guess: short or non-prose text.
MIN_HITS = 5


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code for ``text``, or ``""`` when it is too short to tell."""
    counts = Counter(_WORD.findall(text[:SAMPLE_CHARS].lower()))
    if not counts:
        return ""
    # Looking the few stopwords up in the word counts is ~20x cheaper than testing every
    # word against every list; it runs once per indexed article.
    scores = {lang: sum(counts[w] for w in stop if w in counts) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    if scores[best] < MIN_HITS:
        return ""
    return best
