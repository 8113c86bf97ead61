"""Rebuild corpus/articles/*.txt from the user's sample page in ../shared/seeds/.

The seed is one listing page of Inside Syria Media Center: nine article teasers, each
ending in "Read more", the first five with the byline "Mehmet Ersoy". The page has no
markup left, so where each headline ends was decided by reading it; TITLES records it.

    python corpus/build_from_seed.py ../shared/seeds/000_44ca61ffaa9a612a.txt
"""

import sys
from pathlib import Path

from slugify import slugify

OUTLET = "Inside Syria Media Center"
BYLINE = "Mehmet Ersoy Inside Syria Media Center "
TITLES = [
    "ISIS Time Gone. Soon Syria Will Become Free",
    "Turkey to Aggravate Situation in Northern Syria",
    "Covert Rivalry between Damascus and Washington-led SDF",
    "U.S. Expands Military Budget – How This Will Affect Syria",
    "Israel Against Peace in Syria",
    "What for does the opposition need comprehensive truce",
    "BREAKING: How the U.S. and the Terrorists Were Trying to Affect the Outcome of the Talks in Astana?",
    "The Fifth Round of Astana: a Couple of Words of the Proposals and of the Preliminary Results",
    "Israeli Values: Lieberman on the Side of the Terrorists",
]


def main(seed: Path, out: Path) -> None:
    text = seed.read_text(encoding="utf-8")
    page_title, _, body = text.partition("\n\n")
    chunks = [c.strip() for c in body.split("Read more") if c.strip()]
    assert len(chunks) == len(TITLES), f"expected {len(TITLES)} teasers, found {len(chunks)}"
    out.mkdir(parents=True, exist_ok=True)
    for n, (chunk, title) in enumerate(zip(chunks, TITLES, strict=True), start=1):
        headers = {"Outlet": OUTLET, "Seed page": f"{seed.name}: {page_title.strip()}"}
        if chunk.startswith(BYLINE):
            chunk = chunk[len(BYLINE):]
            headers = {"Author": "Mehmet Ersoy", **headers}
        assert chunk.startswith(title), (title, chunk[:80])
        teaser = chunk[len(title):].strip()
        lines = [title] + [f"{k}: {v}" for k, v in headers.items()] + ["", teaser + " […]", ""]
        (out / f"{n:02d}-{slugify(title, max_length=50, word_boundary=True)}.txt").write_text(
            "\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).parent / "articles")
