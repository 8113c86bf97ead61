"""One frozen configuration object shared by the CLI, the web app and the tests.

Precedence: code defaults < environment variables (``Config.from_env``) < CLI flags
(``dataclasses.replace``) < explicit test overrides.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "corpus"
DEFAULT_INDEX = Path("instance") / "index"


@dataclasses.dataclass(frozen=True)
class Config:
    index_dir: Path = DEFAULT_INDEX
    page_size: int = 10
    max_page_size: int = 100
    facet_size: int = 10
    teaser_chars: int = 240

    def __post_init__(self):
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        if not 1 <= self.page_size <= self.max_page_size:
            raise ValueError(f"page_size must be between 1 and {self.max_page_size}")
        if self.facet_size < 1:
            raise ValueError("facet_size must be at least 1")

    @classmethod
    def from_env(cls, environ: dict | None = None, **overrides) -> Config:
        """Build a config from ``ARTSEARCH_*`` environment variables plus overrides."""
        env = os.environ if environ is None else environ
        values: dict = {}
        index = env.get("ARTSEARCH_INDEX") or env.get("ARTSEARCH_INDEX_DIR")
        if index:
            values["index_dir"] = Path(index)
        if env.get("ARTSEARCH_PAGE_SIZE"):
            values["page_size"] = int(env["ARTSEARCH_PAGE_SIZE"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
