"""One frozen configuration object shared by the CLI, the web app and the tests.

Precedence: code defaults < environment variables (``Config.from_env``) < CLI flags
(``dataclasses.replace``) < explicit test overrides.

Every limit that bounds the cost of one request lives here, in the "Limits" section,
with its environment variable in ``LIMITS`` (documented in README.md, "Limits").
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = Path("instance") / "index"


@dataclasses.dataclass(frozen=True)
class Limit:
    """One cost limit: its Config field, environment variable and a line of help."""

    field: str
    env: str
    help: str


@dataclasses.dataclass(frozen=True)
class Config:
    index_dir: Path = DEFAULT_INDEX
    page_size: int = 10
    max_page_size: int = 100
    facet_size: int = 10
    teaser_chars: int = 240
    # The public address the site is reached at ("https://news.example.org"), for the
    # absolute links of Atom feeds; empty: feeds link with host-relative URLs. Never taken
    # from a request's Host header (a forged Host would put its links into cached feeds).
    base_url: str = ""

    # Limits (see LIMITS below for what each one bounds) ------------------------------
    timeout: float = 2.0
    max_query_chars: int = 1000
    max_expansions: int = 500
    max_query_expansions: int = 2000
    max_filter_values: int = 50
    max_suggest_words: int = 5
    max_suggest_word_chars: int = 30
    cache_mb: int = 96

    # Backend (see BACKENDS): the embedded Whoosh index, or a Typesense cluster reached at
    # ``typesense_nodes`` with the API key read from ``typesense_api_key_file``. Only the
    # file's path is held here: the key itself is read by the backend and never kept in a
    # config that might be printed, logged or rendered.
    backend: str = "whoosh"
    typesense_nodes: tuple[str, ...] = ()
    typesense_api_key_file: Path | None = None
    typesense_collection: str = "articles"

    def __post_init__(self):
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        if self.backend not in BACKENDS:
            raise ValueError(f"ARTSEARCH_BACKEND must be one of {', '.join(BACKENDS)}; got {self.backend!r}")
        nodes = self.typesense_nodes
        if isinstance(nodes, str):
            nodes = split_nodes(nodes)
        object.__setattr__(self, "typesense_nodes", tuple(_check_node(n) for n in nodes))
        if self.typesense_api_key_file is not None:
            object.__setattr__(self, "typesense_api_key_file", Path(self.typesense_api_key_file))
        if self.backend == "typesense" and not self.typesense_nodes:
            raise ValueError("The typesense backend needs its nodes: --nodes http://host:8108,... "
                             "or ARTSEARCH_TYPESENSE_NODES")
        if self.backend == "typesense" and self.typesense_api_key_file is None:
            raise ValueError("The typesense backend needs its API key file: --api-key-file FILE "
                             "or ARTSEARCH_TYPESENSE_API_KEY_FILE")
        if not 1 <= self.page_size <= self.max_page_size:
            raise ValueError(f"page_size must be between 1 and {self.max_page_size}")
        if self.facet_size < 1:
            raise ValueError("facet_size must be at least 1")
        if not 0 < self.timeout <= 3600:
            raise ValueError(f"timeout must be between 0 and 3600 seconds; got {self.timeout}")
        object.__setattr__(self, "base_url", _check_base_url(self.base_url))
        for limit in LIMITS:
            value = getattr(self, limit.field)
            if limit.field != "timeout" and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{limit.field} ({limit.env}) must be a whole number of at least 1; got {value!r}")

    @property
    def cache_bytes(self) -> int:
        return self.cache_mb * 1024 * 1024

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> Config:
        """Build a config from ``ARTSEARCH_*`` environment variables plus overrides.

        Raise ``ValueError`` naming the variable when a value is not a number.
        """
        env = os.environ if environ is None else environ
        values: dict = {}
        index = env.get("ARTSEARCH_INDEX") or env.get("ARTSEARCH_INDEX_DIR")
        if index:
            values["index_dir"] = Path(index)
        if env.get("ARTSEARCH_BASE_URL", "").strip():
            values["base_url"] = env["ARTSEARCH_BASE_URL"].strip()
        for field, name in BACKEND_ENV:
            if env.get(name, "").strip():
                values[field] = env[name].strip()
        numeric = [("page_size", "ARTSEARCH_PAGE_SIZE")] + [(limit.field, limit.env) for limit in LIMITS]
        for field, name in numeric:
            text = env.get(name, "").strip()
            if not text:
                continue
            kind = float if field == "timeout" else int
            try:
                values[field] = kind(text)
            except ValueError:
                raise ValueError(f"{name} must be a {'number' if kind is float else 'whole number'}; got {text!r}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


BACKENDS = ("whoosh", "typesense")
# The backend settings' Config fields and environment variables (README.md, "A Typesense cluster").
BACKEND_ENV = (
    ("backend", "ARTSEARCH_BACKEND"),
    ("typesense_nodes", "ARTSEARCH_TYPESENSE_NODES"),
    ("typesense_api_key_file", "ARTSEARCH_TYPESENSE_API_KEY_FILE"),
    ("typesense_collection", "ARTSEARCH_TYPESENSE_COLLECTION"),
)


def split_nodes(text: str) -> tuple[str, ...]:
    """``"http://h1:8108, http://h2:8108"`` as its node URLs."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _check_node(text: str) -> str:
    """A Typesense node URL without its trailing slash; ``ValueError`` unless it is
    http(s)://host:port with nothing after."""
    text = text.strip().rstrip("/")
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None or parts.path \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"A Typesense node is written http://host:port (ARTSEARCH_TYPESENSE_NODES, --nodes); "
                         f"got {text[:100]!r}")
    return text


def _check_base_url(text: str) -> str:
    """``text`` as a base URL without its trailing slash; ``ValueError`` unless it is an
    http(s) URL with a host and no query or fragment."""
    text = (text or "").strip()
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"ARTSEARCH_BASE_URL must be an http(s) URL such as https://news.example.org; got {text!r}")
    return text.rstrip("/")


LIMITS = (
    Limit("timeout", "ARTSEARCH_TIMEOUT",
          "Seconds one search may take (also --timeout); past it the answer is a 503 naming the slow part."),
    Limit("max_query_chars", "ARTSEARCH_MAX_QUERY_CHARS",
          "Characters of a query kept, on every route; longer queries are cut, with a note."),
    Limit("max_expansions", "ARTSEARCH_MAX_EXPANSIONS",
          "Words one wildcard or range may stand for (vacc*, [a TO c]); more is refused with a message."),
    Limit("max_query_expansions", "ARTSEARCH_MAX_QUERY_EXPANSIONS",
          "Words all wildcards and ranges of one query may stand for together."),
    Limit("max_filter_values", "ARTSEARCH_MAX_FILTER_VALUES",
          "Author, outlet and year values in one request, all facets together."),
    Limit("max_suggest_words", "ARTSEARCH_MAX_SUGGEST_WORDS",
          "Unknown words of one query that \"Did you mean\" tries to respell."),
    Limit("max_suggest_word_chars", "ARTSEARCH_MAX_SUGGEST_WORD_CHARS",
          "Longest word \"Did you mean\" tries to respell (its variants grow with the square of the length)."),
    Limit("cache_mb", "ARTSEARCH_CACHE_MB",
          "Megabytes of result sets, facet counts and suggestions cached per index generation."),
)


def cpu_count() -> int:
    """The CPUs this process may run on (its affinity mask), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
