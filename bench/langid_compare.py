"""py3langid against lingua on short news text: accuracy and time per call.

Texts: each fixture article's title alone (a few words), and its title with the first
sentence of its body, from tests/fixtures/multilingual.py (13 languages).
Run: ``python -m bench.langid_compare``.
"""

from __future__ import annotations

import re
import time

from tests.fixtures.multilingual import ARTICLES


def _cases():
    for id_, _lang, title, body in ARTICLES:
        truth = id_[:2]
        first = re.split(r"(?<=[.!?。।])\s*", body)[0]
        yield "title", truth, title
        yield "title+sentence", truth, f"{title}\n{first}"


def _py3langid():
    import py3langid
    return lambda text: py3langid.classify(text)[0]


def _lingua():
    from lingua import LanguageDetectorBuilder
    detector = LanguageDetectorBuilder.from_all_languages().build()

    def guess(text):
        lang = detector.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang else ""
    return guess


def main() -> None:
    cases = list(_cases())
    for name, make in (("py3langid", _py3langid), ("lingua", _lingua)):
        started = time.perf_counter()
        guess = make()
        loaded = time.perf_counter() - started
        for _kind, _truth, text in cases:  # lingua loads each language's model on first use
            guess(text)
        by_kind: dict[str, list[int]] = {}
        wrong = []
        started = time.perf_counter()
        for kind, truth, text in cases:
            got = guess(text)
            by_kind.setdefault(kind, []).append(got == truth)
            if got != truth:
                wrong.append(f"{truth}->{got}")
        per_call = (time.perf_counter() - started) / len(cases) * 1000
        scores = ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in by_kind.items())
        print(f"{name}: {scores}; {per_call:.2f} ms per call (warm); first-call load {loaded:.1f} s; wrong: {' '.join(wrong) or 'none'}")


if __name__ == "__main__":
    main()
