"""CJK bigrams (Lucene's CJKAnalyzer, index/analysis.py) against dictionary segmenters
(jieba for Chinese, fugashi + unidic-lite for Japanese): recall and precision of single
words over news sentences, and segmentation speed.

Units: every sentence of the zh/ja fixture articles (tests/fixtures/multilingual.py) and
the sentences below, several written around the classic segmentation traps (南京市长江大桥,
研究生命, 乒乓球拍卖, 東京都 containing 京都). A sentence is relevant to a word when it
contains it as that word: every sentence containing the characters, less those where they
straddle two words (``NOT_THE_WORD``, judged by hand). Run: ``python -m bench.cjk_segmentation``.
"""

from __future__ import annotations

import re
import time

from tests.fixtures.multilingual import ARTICLES

EXTRA = {
    "zh": [
        "北京市教委宣布，今年秋季学期起全市中小学将增加体育课时", "上海市政府召开新闻发布会，介绍城市更新计划",
        "南京市长江大桥将于下月封闭维修", "研究人员发现，空气中的细颗粒物会增加心脏病风险",
        "这家公司的总经理表示，明年将扩大在北京的投资", "国家统计局数据显示，十月份居民消费价格同比上涨百分之二",
        "多地出现强降雨，气象部门发布暴雨预警", "和平谈判在日内瓦举行，双方同意暂时停火", "他们在研究生命起源的问题",
        "乒乓球拍卖完了", "市长表示将尽快恢复供水", "这所大学今年招收的研究生人数创新高", "这幅名画在拍卖会上以高价成交",
    ],
    "ja": [
        "東京都知事は記者会見で新しい防災計画を発表した", "京都の観光客数が過去最高を記録した",
        "外国人観光客の増加で、ホテルの料金が上がっている", "政府は来年度の予算案を閣議決定した",
        "大雨の影響で、新幹線の運転を見合わせている", "電力会社は節電への協力を呼びかけた",
    ],
}
# Word -> contexts in which its characters are not that word.
QUERIES = {
    "zh": {"北京": [], "污染": [], "市长": ["南京市长江"], "长江": [], "研究生": ["研究生命"], "拍卖": ["球拍卖"],
           "生命": [], "计划": [], "增长": [], "价格": [], "政府": [], "空气": []},
    "ja": {"東京": [], "京都": ["東京都"], "地震": [], "料金": [], "観光客": [], "電力会社": [], "訓練": [], "発表": []},
}


def sentences(language: str) -> list[str]:
    out = []
    for id_, _lang, title, body in ARTICLES:
        if id_.startswith(language):
            out.append(title)
            out.extend(s for s in re.split(r"[。！？]", body) if s.strip())
    return out + EXTRA[language]


def relevant(word: str, traps: list[str], units: list[str]) -> set[int]:
    return {i for i, s in enumerate(units) if word in s and not any(t in s for t in traps)}


def _consecutive(tokens: list[str], wanted: list[str]) -> bool:
    n = len(wanted)
    return bool(n) and any(tokens[i:i + n] == wanted for i in range(len(tokens) - n + 1))


def bigram_method():
    from index.analysis import LANGUAGE_ANALYZERS
    analyzer = LANGUAGE_ANALYZERS["intl"]
    return ("bigrams", lambda text: analyzer.terms(text), lambda text: analyzer.terms(text), _consecutive)


def jieba_method():
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    # Search mode at index time (it also emits the words inside long ones: 北京市 -> 北京),
    # precise mode for the query; a sentence matches when it has every query word.
    return ("jieba", lambda text: list(jieba.cut_for_search(text)), lambda text: list(jieba.cut(text)),
            lambda tokens, wanted: bool(wanted) and set(wanted) <= set(tokens))


def fugashi_method():
    import fugashi
    tagger = fugashi.Tagger()

    def tokens(text):
        return [w.surface for w in tagger(text)]
    return ("fugashi+unidic-lite", tokens, tokens, _consecutive)


def evaluate(language: str, method) -> str:
    name, index_tokens, query_tokens, matches = method
    units = sentences(language)
    started = time.perf_counter()
    indexed = [index_tokens(u) for u in units]
    seconds = time.perf_counter() - started
    tp = fp = fn = 0
    misses = []
    for word, traps in QUERIES[language].items():
        wanted = relevant(word, traps, units)
        q = query_tokens(word)
        found = {i for i, toks in enumerate(indexed) if matches(toks, q)}
        tp += len(found & wanted)
        fp += len(found - wanted)
        fn += len(wanted - found)
        if found != wanted:
            misses.append(f"{word}(+{len(found - wanted)}/-{len(wanted - found)})")
    chars = sum(len(u) for u in units)
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    return (f"{language} {name}: recall {recall:.3f}, precision {precision:.3f} over {len(units)} sentences, "
            f"{len(QUERIES[language])} words; {chars / seconds / 1000:,.0f}k chars/s; wrong: {' '.join(misses) or 'none'}")


def main() -> None:
    for language, methods in (("zh", (bigram_method, jieba_method)), ("ja", (bigram_method, fugashi_method))):
        for make in methods:
            try:
                method = make()
            except ImportError as e:
                print(f"{language} {make.__name__}: not installed ({e})")
                continue
            print(evaluate(language, method))


if __name__ == "__main__":
    main()
