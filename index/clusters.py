"""Syndication clusters: articles whose bodies are (near-)copies of each other.

Each body becomes a set of word shingles (``SHINGLE_WORDS`` consecutive words, case-folded)
and a MinHash signature (datasketch). After every reindex commit, datasketch's MinHash LSH
finds candidate pairs among the live documents; a candidate pair joins one cluster when
the signatures estimate a Jaccard similarity of at least ``THRESHOLD``. Clusters are the
connected components of those pairs; an article with no copy has no cluster.

Signatures are the expensive part, so they are kept in ``signatures.sqlite`` beside the
builds, keyed by a hash of the body's words: an incremental run computes signatures only
for bodies it has never seen, and a ``--full`` rebuild reuses every unchanged one. Equal
bodies have equal keys and equal signatures, so exact copies always share a cluster.

The cluster id is derived from the smallest article id in the cluster, so the same
membership gives the same id on every build; only documents whose cluster id changes
are rewritten.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analysis import CJK_CHARS
from .models import Article

if TYPE_CHECKING:
    import numpy as np

# numpy and datasketch (which loads scipy: seconds on a busy machine) are imported where
# they are used, so searching, serving and an unchanged reindex never pay for them.

# Chosen on a labelled sample of FakeHealth + FakeNewsNet pairs (docs/decisions.md,
# bench/clusters_eval.py).
SHINGLE_WORDS = 5
NUM_PERM = 128
THRESHOLD = 0.5
SEED = 1
SCHEME = "affine32"  # datasketch 2.x: 32-bit hash values, stored as 4 bytes each

# A body with fewer shingles than this is only ever clustered with exact copies: a few
# words in common say nothing about two short texts (mail-list messages that differ by a
# number, captions), and their many chance matches would chain into huge clusters.
MIN_NEAR_SHINGLES = 20

# A body with fewer shingles than this never makes a story, not even with exact copies:
# "Know Your Value", a bot check or a cookie notice is the same page text on unrelated
# articles, and under about 40 shingles most shared bodies are such pages (measured with
# bench/clusters_junk.py, docs/decisions.md).
MIN_STORY_SHINGLES = 40
# Crawl junk ("boilerplate"): one body under this many different titles within one
# outlet (an outlet does not reprint its own story under new headlines, but its error
# page or byline box shows on every article), or a body too short to make a story on at
# least this many articles.
JUNK_TITLES = 3
JUNK_ARTICLES = 3

# Near copies (not exact) must also agree on the title or the lead: pages of one site that
# share a long footer or disclaimer (IMDb news, E! pages) are near in shingles but not
# copies (measured in docs/decisions.md). Titles agree at a word Jaccard of TITLE_AGREE;
# leads (the first LEAD_WORDS words) at a 5-shingle Jaccard of LEAD_AGREE.
TITLE_AGREE = 0.5
LEAD_WORDS = 40
LEAD_AGREE = 0.5

SIGNATURES_FILE = "signatures.sqlite"
_WORD = re.compile(r"\w+")
_CJK = re.compile(f"[{CJK_CHARS}]")
_CJK_OR_REST = re.compile(f"[{CJK_CHARS}]|[^{CJK_CHARS}]+")


@dataclasses.dataclass(frozen=True)
class ClusterParams:
    shingle_words: int = SHINGLE_WORDS
    num_perm: int = NUM_PERM
    threshold: float = THRESHOLD

    @property
    def tag(self) -> str:
        """What a stored signature depends on (the threshold is applied later)."""
        return f"w{self.shingle_words}-p{self.num_perm}-s{SEED}-{SCHEME}-v2"


DEFAULT_PARAMS = ClusterParams()


def body_words(text: str) -> list[str]:
    """The words a body is compared by: case-folded runs of letters and digits. Text
    written without spaces (Han, kana, Hangul) counts each character as a word, so a
    shingle is five characters, not a whole clause (which one edit would change)."""
    words = _WORD.findall(text.casefold())
    if not _CJK.search(text):
        return words
    return [piece for word in words for piece in
            (_CJK_OR_REST.findall(word) if _CJK.search(word) else (word,))]


def body_key(words: list[str]) -> str:
    """A 64-bit hex key for a body's words: equal word sequences, equal keys."""
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()


def shingles(words: list[str], size: int) -> set[bytes]:
    """Word ``size``-grams; a body shorter than that is one shingle of all its words."""
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class Sketcher:
    """Compute MinHash signatures with one shared set of permutations."""

    def __init__(self, params: ClusterParams = DEFAULT_PARAMS):
        self.params = params
        self._template: Any = None  # a datasketch MinHash, made on first use

    def preload(self) -> None:
        """Import datasketch and make the permutations now (before forking processes
        that share them)."""
        from datasketch import MinHash

        if self._template is None:
            self._template = MinHash(num_perm=self.params.num_perm, seed=SEED, scheme=SCHEME)

    def sketch(self, words: list[str]) -> np.ndarray:
        """The body's shingle count followed by its MinHash signature (uint32 each)."""
        import numpy as np

        self.preload()
        found = shingles(words, self.params.shingle_words)
        minhash = self._template.copy()
        minhash.update_batch(found)
        return np.concatenate(([len(found)], minhash.hashvalues)).astype("<u4")


class SignatureStore:
    """Sketches (shingle count + signature) by body key in SQLite; a change of parameters
    starts a new table."""

    def __init__(self, path: Path, params: ClusterParams = DEFAULT_PARAMS):
        self.path = Path(path)
        self.params = params
        self._table = "sig_" + re.sub(r"\W", "_", params.tag)
        self.db = sqlite3.connect(str(self.path))
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {self._table} (key INTEGER PRIMARY KEY, sig BLOB NOT NULL)")
        # Tables of other parameters are stale (their signatures can never be used again).
        for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            if name.startswith("sig_") and name != self._table:
                self.db.execute(f"DROP TABLE {name}")
        self.db.commit()

    @staticmethod
    def _int(key: str) -> int:
        # SQLite integers are signed 64-bit.
        return int.from_bytes(bytes.fromhex(key), "big", signed=True)

    def has(self, key: str) -> bool:
        return self.db.execute(f"SELECT 1 FROM {self._table} WHERE key=?", (self._int(key),)).fetchone() is not None

    def get_many(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        import numpy as np

        found: dict[str, np.ndarray] = {}
        keys = list(keys)
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            by_int = {self._int(k): k for k in chunk}
            marks = ",".join("?" * len(chunk))
            for key, blob in self.db.execute(f"SELECT key, sig FROM {self._table} WHERE key IN ({marks})", list(by_int)):
                found[by_int[key]] = np.frombuffer(blob, dtype="<u4")
        return found

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        self.db.executemany(
            f"INSERT OR REPLACE INTO {self._table} (key, sig) VALUES (?, ?)",
            ((self._int(k), v.astype("<u4").tobytes()) for k, v in items.items()),
        )
        self.db.commit()

    def keep_only(self, keys: Iterable[str]) -> int:
        """Delete signatures of bodies no longer indexed; return how many went."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key INTEGER PRIMARY KEY)")
        self.db.execute("DELETE FROM live")
        self.db.executemany("INSERT OR IGNORE INTO live VALUES (?)", ((self._int(k),) for k in keys))
        gone = self.db.execute(f"DELETE FROM {self._table} WHERE key NOT IN (SELECT key FROM live)").rowcount
        self.db.commit()
        return gone

    def close(self) -> None:
        self.db.close()


class ClusterSketches:
    """The signature side of one reindex run: a key per body, a signature per new key."""

    def __init__(self, root: Path, params: ClusterParams = DEFAULT_PARAMS):
        self.params = params
        self.sketcher = Sketcher(params)
        self.store = SignatureStore(Path(root) / SIGNATURES_FILE, params)
        self.pending: dict[str, np.ndarray] = {}
        self.computed = 0

    def add(self, body: str) -> str:
        """Return the body's key, computing (and queueing) its signature if it is new."""
        words = body_words(body)
        key = body_key(words)
        if key not in self.pending and not self.store.has(key):
            self.pending[key] = self.sketcher.sketch(words)
            self.computed += 1
            if len(self.pending) >= 5000:
                self.flush()
        return key

    def add_sketched(self, key: str, sketch: np.ndarray | None) -> str:
        """``add`` for a body whose key (and signature, unless the store had it) a
        ``BodySketcher`` in another process computed."""
        if sketch is not None and key not in self.pending and not self.store.has(key):
            self.pending[key] = sketch
            self.computed += 1
            if len(self.pending) >= 5000:
                self.flush()
        return key

    def flush(self) -> None:
        if self.pending:
            self.store.put_many(self.pending)
            self.pending = {}

    def sketches(self, keys: set[str], body_of) -> dict[str, np.ndarray]:
        """Sketches for ``keys``; one missing from the store is computed from ``body_of(key)``."""
        self.flush()
        found = self.store.get_many(keys)
        missing = {k: self.sketcher.sketch(body_words(body_of(k))) for k in keys - found.keys()}
        if missing:
            self.computed += len(missing)
            self.store.put_many(missing)
            found.update(missing)
        return found

    def close(self) -> None:
        self.flush()
        self.store.close()


class BodySketcher:
    """``ClusterSketches.add``'s computation, for an indexing process: a body's key, and
    its signature unless the store (read-only here) already has it."""

    def __init__(self, root: Path, params: ClusterParams = DEFAULT_PARAMS):
        self.sketcher = Sketcher(params)
        self.path = Path(root) / SIGNATURES_FILE
        self.table = "sig_" + re.sub(r"\W", "_", params.tag)
        self.db: sqlite3.Connection | None = None

    def __call__(self, body: str) -> tuple[str, np.ndarray | None]:
        words = body_words(body)
        key = body_key(words)
        if self.db is None:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            known = self.db.execute(f"SELECT 1 FROM {self.table} WHERE key=?",
                                    (SignatureStore._int(key),)).fetchone() is not None
        except sqlite3.Error:
            known = False
        return key, None if known else self.sketcher.sketch(words)


def find_clusters(sketches: dict[str, np.ndarray], params: ClusterParams = DEFAULT_PARAMS,
                  exclude: frozenset[str] | set[str] = frozenset(),
                  agree: Callable[[str, str], bool] | None = None) -> list[set[str]]:
    """Group body keys into components of pairs with estimated Jaccard >= threshold.

    LSH (banded signatures, datasketch) proposes candidates; each candidate is confirmed
    against the signatures, which drops most of LSH's false positives. Bodies with fewer
    than ``MIN_NEAR_SHINGLES`` shingles take no part (exact copies still share a key).
    Returns only groups of two or more keys; ``exclude`` (crawl junk) takes no part. With
    ``agree``, a near pair joins only when ``agree(key, other)`` also says so.
    """
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=params.threshold, num_perm=params.num_perm)
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    signatures = {key: sketch[1:] for key, sketch in sketches.items()
                  if sketch[0] >= max(MIN_NEAR_SHINGLES, MIN_STORY_SHINGLES) and key not in exclude}
    for key in sorted(signatures):
        sig = signatures[key]
        parent[key] = key
        lean = LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)
        for other in lsh.query(lean):
            a, b = find(key), find(other)
            # Already joined through another copy: no need to compare (keeps big clusters linear).
            if a != b and float(np.mean(sig == signatures[other])) >= params.threshold \
                    and (agree is None or agree(key, other)):
                parent[max(a, b)] = min(a, b)
        lsh.insert(key, lean, check_duplication=False)
    groups: dict[str, set[str]] = defaultdict(set)
    for key in parent:
        groups[find(key)].add(key)
    return [g for g in groups.values() if len(g) > 1]


@dataclasses.dataclass(frozen=True)
class BodyGroup:
    """The articles that share one body: its shingle count and each one's (title, outlet)."""

    shingles: int
    members: tuple[tuple[str, str], ...]


def boilerplate_keys(groups: dict[str, BodyGroup], min_shingles: int = MIN_STORY_SHINGLES) -> dict[str, dict]:
    """Body keys that are crawl junk, each with what says so (articles, titles, outlets, reason)."""
    out: dict[str, dict] = {}
    for key, group in groups.items():
        titles_by_outlet: dict[str, set[str]] = defaultdict(set)
        for title, outlet in group.members:
            titles_by_outlet[outlet].add(" ".join(title.casefold().split()))
        most_titles = max((len(t) for t in titles_by_outlet.values()), default=0)
        if most_titles >= JUNK_TITLES:
            reason = "titles"
        elif group.shingles < min_shingles and len(group.members) >= JUNK_ARTICLES:
            reason = "short"
        else:
            continue
        out[key] = {
            "reason": reason, "articles": len(group.members),
            "titles": len({" ".join(t.casefold().split()) for t, _ in group.members}),
            "outlets": len(titles_by_outlet),
        }
    return out


@dataclasses.dataclass(frozen=True)
class Heading:
    """What near copies must share one of: a title (as word sets) or the lead's shingles."""

    titles: tuple[frozenset[str], ...]
    lead: frozenset[bytes]


def heading(titles: Iterable[str], body: str) -> Heading:
    words = {frozenset(body_words(t)) for t in titles}
    return Heading(tuple(w for w in words if w), frozenset(shingles(body_words(body)[:LEAD_WORDS], SHINGLE_WORDS)))


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def headings_agree(a: Heading, b: Heading) -> bool:
    """Do two bodies' articles share a title, or do the bodies open alike?"""
    if any(_jaccard(x, y) >= TITLE_AGREE for x in a.titles for y in b.titles):
        return True
    return _jaccard(a.lead, b.lead) >= LEAD_AGREE


def cluster_id(member_ids: Iterable[str]) -> str:
    """A short, URL-safe id that depends only on the cluster's smallest article id."""
    return "c" + hashlib.blake2b(min(member_ids).encode("utf-8"), digest_size=6).hexdigest()


def assign_cluster_ids(keys_by_id: dict[str, str], groups: list[set[str]],
                       unfit: frozenset[str] | set[str] = frozenset()) -> dict[str, str]:
    """Map article id -> cluster id for every article that has at least one copy.

    Articles with equal bodies share a key, so a key with several articles is a cluster
    even when no other body is near it, unless the key is ``unfit`` (too short to make
    a story, or crawl junk).
    """
    ids_by_key: dict[str, list[str]] = defaultdict(list)
    for article_id, key in keys_by_id.items():
        ids_by_key[key].append(article_id)
    grouped = {k for g in groups for k in g}
    components = [[i for k in g for i in ids_by_key[k]] for g in groups]
    components += [ids for k, ids in ids_by_key.items() if k not in grouped and k not in unfit and len(ids) > 1]
    out: dict[str, str] = {}
    for members in components:
        cid = cluster_id(members)
        for article_id in members:
            out[article_id] = cid
    return out


def aware_utc(value) -> datetime | None:
    """A stored (naive UTC) datetime as an aware one; anything else is no date."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return None


def article_from_stored(fields: dict) -> Article:
    """Rebuild an ``Article`` from a document's stored fields (all of them are stored)."""
    return Article(
        id=fields["id"], title=fields.get("title", ""), body=fields.get("body", ""),
        slug=fields.get("slug", ""), authors=tuple(fields.get("authors") or ()),
        outlet=fields.get("outlet", ""), published=aware_utc(fields.get("published")),
        url=fields.get("url", ""), language=fields.get("language", ""),
        date_kind=fields.get("date_kind", ""), date_reason=fields.get("date_reason", ""),
        date_note=fields.get("date_note", ""), date_bound=stored_bound(fields),
        date_only=bool(fields.get("date_only", False)),
    )


def stored_bound(fields: dict) -> datetime | None:
    """The stored upper bound of an article's date (ISO text), as an aware datetime."""
    value = fields.get("date_bound") or ""
    try:
        return aware_utc(datetime.fromisoformat(value)) if value else None
    except ValueError:
        return None
