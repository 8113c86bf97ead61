"""Name variants that stay one facet value: "Reuters", "REUTERS", "Reuters Staff" and
"uk.reuters.com" all become ``reuters.com``.

An alias table maps each canonical name to its variants, per field (``outlet``,
``author``). Matching ignores case and spacing, and the canonical name matches itself
("REUTERS.COM" is "reuters.com"). Aliases apply at index time, after the usual
normalisation (outlet hosts reduced, bylines split and cleaned), so facets, filters and
the ``outlet:``/``author:`` fields all see the one name.

``DEFAULT_OUTLETS`` ships with artsearch. Its canonical names are the outlets' web
domains, the form crawls already use (FakeHealth's and FakeNewsNet's outlet columns):
a domain is unambiguous, citable and what ``outlet:reuters.com`` searches for. The table
folds display names and regional or legacy hosts into that domain. A maintainer who
prefers display names writes them as canonical names in their own file
(``artsearch reindex --aliases FILE``); their entries win over the defaults.

File format (TOML)::

    [outlet]
    "reuters.com" = ["Reuters", "Reuters Staff", "uk.reuters.com"]
    [author]
    "Steven Reinberg" = ["Steve Reinberg"]
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections import Counter
from pathlib import Path

from .errors import ArtsearchError

FIELDS = ("outlet", "author")

DEFAULT_OUTLETS: dict[str, tuple[str, ...]] = {
    "reuters.com": ("Reuters", "Reuters Staff", "Thomson Reuters", "Reuters Health", "uk.reuters.com",
                    "in.reuters.com", "ca.reuters.com", "af.reuters.com", "mobile.reuters.com"),
    "apnews.com": ("Associated Press", "The Associated Press", "AP", "AP News", "hosted.ap.org",
                   "bigstory.ap.org"),
    "nytimes.com": ("The New York Times", "New York Times", "NYTimes", "NYT", "mobile.nytimes.com",
                    "well.blogs.nytimes.com", "nyti.ms"),
    "wsj.com": ("The Wall Street Journal", "Wall Street Journal", "WSJ", "online.wsj.com", "blogs.wsj.com"),
    "washingtonpost.com": ("The Washington Post", "Washington Post"),
    "latimes.com": ("Los Angeles Times", "LA Times", "L.A. Times"),
    "usatoday.com": ("USA Today", "usatoday30.usatoday.com"),
    "bostonglobe.com": ("The Boston Globe", "Boston Globe"),
    "chicagotribune.com": ("Chicago Tribune",),
    "theguardian.com": ("The Guardian", "Guardian", "guardian.co.uk", "amp.theguardian.com"),
    "bbc.co.uk": ("BBC", "BBC News", "bbc.com"),
    "cnn.com": ("CNN", "edition.cnn.com", "us.cnn.com", "amp.cnn.com"),
    "nbcnews.com": ("NBC News",),
    "cbsnews.com": ("CBS News",),
    "abcnews.go.com": ("ABC News",),
    "foxnews.com": ("Fox News",),
    "npr.org": ("NPR", "National Public Radio"),
    "time.com": ("TIME", "Time Magazine"),
    "newsweek.com": ("Newsweek",),
    "bloomberg.com": ("Bloomberg", "Bloomberg News"),
    "statnews.com": ("STAT", "STAT News"),
    "healthday.com": ("HealthDay", "consumer.healthday.com"),
    "webmd.com": ("WebMD",),
    "eurekalert.org": ("EurekAlert!", "EurekAlert"),
    "dailymail.co.uk": ("Daily Mail", "Mail Online", "MailOnline"),
    "huffpost.com": ("HuffPost", "Huffington Post", "The Huffington Post", "huffingtonpost.com"),
    "people.com": ("People", "People Magazine"),
}


class AliasError(ArtsearchError):
    """An alias file that cannot be read or has the wrong shape."""

    def __init__(self, message: str):
        super().__init__(message, status=1)


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


@dataclasses.dataclass
class AliasTable:
    """Variant (case- and space-folded) -> canonical name, per field, with merge counts."""

    names: dict[str, dict[str, str]] = dataclasses.field(default_factory=lambda: {f: {} for f in FIELDS})
    # (field, value as found, canonical) -> articles, for the reindex report.
    merged: Counter = dataclasses.field(default_factory=Counter)

    def add(self, field: str, canonical: str, variants) -> None:
        canonical = " ".join(str(canonical).split())
        table = self.names[field]
        for name in (canonical, *variants):
            table[_key(name)] = canonical

    def apply(self, field: str, value: str) -> str:
        """The canonical name for ``value`` (``value`` itself when it has no alias)."""
        if not value:
            return value
        table = self.names[field]
        canonical = table.get(_key(value))
        if canonical is None:
            return value
        # Follow names to the end, so a file that renames "reuters.com" to "Reuters"
        # also catches every variant the built-in table sends to "reuters.com".
        seen = {_key(value)}
        while _key(canonical) not in seen and table.get(_key(canonical), canonical) != canonical:
            seen.add(_key(canonical))
            canonical = table[_key(canonical)]
        if canonical != value:
            self.merged[(field, value, canonical)] += 1
        return canonical

    def apply_all(self, field: str, values) -> tuple[str, ...]:
        """Each value's canonical name, keeping the first of any that become equal."""
        return tuple(dict.fromkeys(self.apply(field, v) for v in values))

    def report(self) -> dict:
        """Per field: distinct values merged, the names they became, the articles touched."""
        out = {}
        for field in FIELDS:
            items = [(value, canonical, n) for (f, value, canonical), n in self.merged.items() if f == field]
            out[field] = {
                "values_merged": len(items),
                "into": len({canonical for _, canonical, _ in items}),
                "articles": sum(n for _, _, n in items),
                "merges": {value: canonical for value, canonical, _ in sorted(items)},
            }
        return out

    @property
    def values_merged(self) -> int:
        return len(self.merged)


def make_aliases(sources=(), *, defaults: bool = True) -> AliasTable:
    """The default outlet table (unless ``defaults`` is false), then each source in order
    (a path to an alias file, or an already parsed table): later entries win."""
    aliases = AliasTable()
    if defaults:
        for canonical, variants in DEFAULT_OUTLETS.items():
            aliases.add("outlet", canonical, variants)
    for source in sources:
        if isinstance(source, dict):
            _add_table(aliases, source, "the config file")
        else:
            _add_table(aliases, read_alias_file(Path(source)), str(source))
    return aliases


def read_alias_file(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AliasError(f"Alias file not found: {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise AliasError(f"Cannot read alias file {path}: {' '.join(str(e).split())}") from None


def _add_table(aliases: AliasTable, data, where: str) -> None:
    if not isinstance(data, dict):
        raise AliasError(f"Aliases in {where} must be tables [outlet] and [author]")
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise AliasError(f"Aliases in {where}: unknown table(s) {', '.join(sorted(unknown))}; use [outlet] or [author]")
    for field in FIELDS:
        table = data.get(field, {})
        if not isinstance(table, dict):
            raise AliasError(f"Aliases in {where}: [{field}] must map a name to a list of variants")
        for canonical, variants in table.items():
            if isinstance(variants, str):
                variants = [variants]
            if not isinstance(variants, list) or not all(isinstance(v, str) for v in variants):
                raise AliasError(f"Aliases in {where}: [{field}] {canonical!r} must be a list of names")
            aliases.add(field, canonical, variants)
