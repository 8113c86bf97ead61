"""Teasers and highlighted article text: the only HTML the read path produces.

Matched words are wrapped in ``<mark>``; the words of a phrase query are marked only
where the whole phrase occurs, and as one span. All other text is escaped, and the
result goes through ``sanitise_teaser`` (bleach: only ``<mark>`` survives; article
bodies also keep their ``<p>``), so hostile article text stays inert whatever the
formatter does.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
import unicodedata

import bleach
from whoosh.support.charset import accent_map

from index.analysis import WORD, FoldingTokenizer, has_typography

# The teaser highlighter never scans more than this much of a body: beyond it a
# document is too long to be shown whole anyway, and tokenising it costs time.
MAX_SCAN_CHARS = 200_000
# Teasers look for matches in the first part of a body first: a common word matches
# early, and tokenising a long article whole for two fragments is wasted work. Only
# when nothing matches there is the rest scanned.
FIRST_SCAN_CHARS = 10_000


@dataclasses.dataclass(frozen=True)
class HighlightSpec:
    """What to mark: single terms, and phrases as term sequences (analyzed form)."""

    terms: frozenset[str]
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    @functools.cached_property
    def singles(self) -> frozenset[str]:
        """Terms marked wherever they occur: those not part of a phrase."""
        return self.terms - {w for p in self.phrases for w in p}

    @functools.cached_property
    def candidates(self) -> re.Pattern:
        """Words (in folded text) that may stem to a wanted term.

        A Porter2 stem minus its last letter is a prefix of the folded word it came
        from (checked on every word of the FakeHealth corpus and a FakeNewsNet slice)
        except for Porter2's "dying", "lying", "tying" (die, lie, tie), so only words
        starting with such a prefix need to be stemmed to find the matches.
        """
        wanted = set(self.singles) | {w for p in self.phrases for w in p[:1]}
        prefixes = {t[:-1] if len(t) > 1 else t for t in wanted}
        prefixes |= {t[:-2] + "y" for t in wanted if t.endswith("ie")}
        return candidate_pattern(prefixes)


def candidate_pattern(prefixes) -> re.Pattern:
    """Words starting with one of ``prefixes`` (non-empty runs of word characters):
    ``(?<!\\w)(?:prefix|…)\\w*``, written so that each alternative starts with its first
    letter and checks the character before it after that: the regex engine then jumps from
    one possible first letter to the next instead of trying the look-behind at every
    character (1.5 to 6 times faster on FakeHealth bodies, the same matches)."""
    alternatives = "|".join(re.escape(p[0]) + r"(?<!\w.)" + re.escape(p[1:])
                            for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})\w*")


# Escaped text with bare <mark> and </mark> tags and nothing else that could be markup.
# bleach returns such a string unchanged (tests/test_teasers.py checks this on real
# teasers), so it is passed through without paying for an html5lib parse per teaser.
_ALREADY_CLEAN = re.compile(r"(?:[^<>&]|&(?:amp|lt|gt|quot|#x27);|</?mark>)*")


def sanitise_teaser(fragment: str) -> str:
    """Remove every tag except ``<mark>`` (with no attributes)."""
    if _ALREADY_CLEAN.fullmatch(fragment):
        return fragment
    return bleach.clean(fragment, tags={"mark"}, attributes={}, strip=True)


def _tokens(text: str, analyzer) -> list[tuple[str, int, int]]:
    """(term, start, end) for every word; the analyzer's memo without Token objects."""
    convert = _converter(analyzer)
    if convert is None:
        return [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index")]
    return [(convert(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


def _converter(analyzer):
    if isinstance(analyzer, FoldingTokenizer):
        return analyzer.term if analyzer.stemming else analyzer.fold
    return None


def _matched_spans(text: str, analyzer, spec: HighlightSpec) -> list[tuple[int, int]]:
    """(start, end) of every match: phrase occurrences as one span each."""
    spans = _candidate_spans(text, analyzer, spec)
    return spans if spans is not None else _matched_spans_full(text, analyzer, spec)


def _candidate_spans(text: str, analyzer, spec: HighlightSpec) -> list[tuple[int, int]] | None:
    """The fast path: stem only the words that can match; None when it does not apply."""
    convert = _converter(analyzer)
    if convert is None or not spec:
        return None
    folded = fold_accents(text.lower())
    if len(folded) != len(text) or has_typography(text):
        # A character folded to several, or a word with invisible characters, a ligature
        # or a line-break hyphen inside: offsets would shift or prefixes would not match.
        return None
    singles = spec.singles
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for phrase in spec.phrases:
        by_first.setdefault(phrase[0], []).append(phrase)
    spans = []
    for match in spec.candidates.finditer(folded):
        term = convert(match.group())
        if term in singles:
            spans.append(match.span())
        for phrase in by_first.get(term, ()):
            end = _phrase_end(folded, match.end(), phrase[1:], convert)
            if end is not None:
                spans.append((match.start(), end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def fold_accents(text: str) -> str:
    """``text.translate(accent_map)`` for lowercased ``text``, translating only its runs of
    non-ASCII characters: accent_map leaves lowercase ASCII as it is, and a body is mostly
    ASCII (three times faster on FakeHealth)."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_fold_run, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _fold_run(match: re.Match) -> str:
    return match.group().translate(accent_map)


def _phrase_end(folded: str, pos: int, rest: tuple[str, ...], convert) -> int | None:
    """Where the phrase ends if the words after ``pos`` are ``rest``; else None."""
    words = WORD.finditer(folded, pos)
    end = pos
    for expected in rest:
        word = next(words, None)
        if word is None or convert(word.group()) != expected:
            return None
        end = word.end()
    return end


def _matched_spans_full(text: str, analyzer, spec: HighlightSpec) -> list[tuple[int, int]]:
    """The reference path: every word of the text through the analyzer."""
    tokens = _tokens(text, analyzer)
    # group[i]: which match token i belongs to (None: unmatched). A phrase occurrence is
    # one group, so it is rendered as one span; separate word matches stay separate.
    group: list[int | None] = [None] * len(tokens)
    phrase_words = {w for p in spec.phrases for w in p}
    # Plain terms (not part of a phrase) match anywhere.
    single = spec.terms - phrase_words
    for i, (term, _, _) in enumerate(tokens):
        if term in single:
            group[i] = i
    for phrase in spec.phrases:
        n = len(phrase)
        first = phrase[0]
        for i in range(len(tokens) - n + 1):
            if tokens[i][0] == first and all(tokens[i + k][0] == phrase[k] for k in range(1, n)):
                for k in range(n):
                    group[i + k] = i
    spans: list[tuple[int, int]] = []
    for i, (_, start, end) in enumerate(tokens):
        if group[i] is None:
            continue
        if spans and i > 0 and group[i - 1] == group[i]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def make_teaser(text: str, analyzer, spec: HighlightSpec, maxchars: int = 240, top: int = 2) -> str:
    """Return sanitised HTML: the best fragment(s) around matches, else the body's start."""
    return " ".join(make_teaser_parts(text, analyzer, spec, maxchars, top))


def make_teaser_parts(text: str, analyzer, spec: HighlightSpec, maxchars: int = 240,
                      top: int = 2) -> tuple[str, ...]:
    """The teaser as its fragments, each sanitised HTML; joined with spaces they read as
    one teaser ("… a … b …": a fragment after the first has no leading "…"), and a phone
    can show the first alone without two ellipses meeting."""
    text = text or ""
    scan = text[:FIRST_SCAN_CHARS]
    spans = _matched_spans(scan, analyzer, spec) if spec else []
    if not spans and spec and len(text) > FIRST_SCAN_CHARS:
        scan = text[:MAX_SCAN_CHARS]
        spans = _matched_spans(scan, analyzer, spec)
    if spans:
        parts: list[str] = []
        for start, end in _best_windows(spans, len(scan), maxchars, top):
            start, end = _word_bounds(scan, start, end)
            prefix = "… " if start > 0 and not parts else ""
            suffix = " …" if end < len(text) else ""
            parts.append(sanitise_teaser(prefix + _render(scan, spans, start, end).strip() + suffix))
        return tuple(parts)
    start, end = _word_bounds(text, 0, min(len(text), maxchars))
    return (sanitise_teaser(html.escape(text[:end]) + (" …" if end < len(text) else "")),)


def _best_windows(spans, length: int, maxchars: int, top: int) -> list[tuple[int, int]]:
    """Cut windows of ``maxchars`` around runs of matches; keep the ``top`` densest, in order."""
    windows = []
    i = 0
    previous_end = 0
    while i < len(spans):
        start = max(0, previous_end, spans[i][0] - maxchars // 3)
        end = min(length, start + maxchars)
        j = i
        while j < len(spans) and spans[j][0] < end:
            end = max(end, spans[j][1])  # never cut a match in two
            j += 1
        windows.append((j - i, -start, start, end))
        previous_end = end
        i = j
    best = sorted(windows, reverse=True)[:top]
    return sorted((start, end) for _, _, start, end in best)


def highlight_text(text: str, analyzer, spec: HighlightSpec) -> str:
    """Return the whole text as sanitised HTML with every match marked."""
    spans = _matched_spans(text, analyzer, spec) if spec else []
    return sanitise_teaser(_render(text, spans, 0, len(text)))


def highlight_paragraphs(text: str, analyzer, spec: HighlightSpec) -> str:
    """Return the text as sanitised ``<p>`` paragraphs with every match marked.

    Hard-wrapped text (newswire, mail) is reflowed: a blank line or an indented line
    starts a paragraph, and a line break inside one is a space. Matches are found in the
    whole text first, so a phrase broken across two lines is still marked.
    """
    spans = _matched_spans(text, analyzer, spec) if spec else []
    paragraphs = ("<p>" + " ".join(_render(text, spans, start, end).split()) + "</p>"
                  for start, end in paragraph_bounds(text))
    return sanitise_body("".join(paragraphs))


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: runs of non-blank lines, split before indented ones."""
    bounds: list[tuple[int, int]] = []
    start = end = -1
    pos = 0
    for line in text.split("\n"):
        line_start, line_end, pos = pos, pos + len(line), pos + len(line) + 1
        if not line.strip() or (start >= 0 and line[:1].isspace()):
            if start >= 0:
                bounds.append((start, end))
                start = -1
            if not line.strip():
                continue
        if start < 0:
            start = line_start
        end = line_end
    if start >= 0:
        bounds.append((start, end))
    return bounds


_ALREADY_CLEAN_BODY = re.compile(r"(?:[^<>&]|&(?:amp|lt|gt|quot|#x27);|</?mark>|</?p>)*")


def sanitise_body(fragment: str) -> str:
    """Remove every tag except ``<p>`` and ``<mark>`` (with no attributes)."""
    if _ALREADY_CLEAN_BODY.fullmatch(fragment):
        return fragment
    return bleach.clean(fragment, tags={"mark", "p"}, attributes={}, strip=True)


# Characters that continue the letter before them: Thai SARA AM and Lao AM (spacing
# vowels of a character cluster, น้ำ), and the zero-width (non-)joiner inside Persian and
# Indic words; every combining mark (Arabic harakat, Thai tone marks) is one too.
_CLUSTER_CONTINUES = frozenset("\u0e33\u0eb3\u200c\u200d")


def _in_word(char: str) -> bool:
    """Whether ``char`` belongs to the word it stands in: a letter or digit, or a mark
    or joiner that continues one (Arabic vowel signs are marks, not letters)."""
    return char.isalnum() or char in _CLUSTER_CONTINUES or unicodedata.category(char)[0] == "M"


def _continues(char: str) -> bool:
    return char in _CLUSTER_CONTINUES or unicodedata.category(char)[0] == "M"


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen/narrow [start, end) so it neither starts nor ends inside a word, nor ever
    inside a character cluster (a text without spaces can be cut between words)."""
    while start > 0 and _in_word(text[start - 1]):
        start -= 1
    if end < len(text) and _in_word(text[end]) and _in_word(text[end - 1]):
        cut = text.rfind(" ", start, end)
        if cut > start + (end - start) // 2:
            end = cut
    while end < len(text) and _continues(text[end]):
        end += 1
    return start, end


def plain_teaser(teaser_html: str, mark: str = "") -> str:
    """A teaser (HTML in which only ``<mark>`` occurs) as plain text on one line: marks
    become ``mark`` on each side of the word, entities are decoded, and every run of
    whitespace (a hard line break, a blank line between paragraphs) is one space, as a
    browser shows it. For terminals (``*word*``) and exports (no marks)."""
    return " ".join(html.unescape(teaser_html.replace("<mark>", mark).replace("</mark>", mark)).split())
