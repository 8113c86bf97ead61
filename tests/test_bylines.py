"""Bylines through ``artsearch reindex``: every common format keeps the person's name in the
author facet, and a byline that yields no name is a warning with file and line."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from index.config import Config
from tests.reindex_helpers import assert_ok, problems, reindex, stored
from web.app import create_app

FIRST = ["John", "Mary", "José", "Anne-Marie", "Robert", "Chen", "Aoife", "Jimmy", "Sean", "Ingrid",
         "Kwame", "Lucía", "Pat", "Dmitri", "Fatima", "Björn", "Nadia", "Oluwaseun", "Ruth", "Tomás"]
# Initials include "Y." and "E.", which a Spanish "y" / French "et" splitter used to eat.
MIDDLE = ["", "", "", "Y.", "E.", "A.", "J.", "T."]
LAST = ["Smith", "O'Neil", "García", "Nakamura", "Okafor", "Cochrane", "Müller", "Lee", "Kowalski",
        "Fitzgerald", "Nguyen", "Petrov", "Haddad", "Lindqvist", "Brennan", "Ito", "Mensah", "Rossi"]


def make_mail_archive(path, n: int, seed: int = 9):
    """``n`` mail-archive records, mostly ``address (Name)``; return the expected name per id
    (None where the byline is a bare address and so has no name)."""
    rng = random.Random(seed)
    rows, expected = [], {}
    for i in range(n):
        first, middle, last = rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)
        name = " ".join(p for p in (first, middle, last) if p)
        address = f"{first[0].lower()}{last.lower().replace(chr(39), '')}{i % 97}@cs.example.edu"
        shape = rng.random()
        if shape < 0.80:
            byline = f"{address} ({name})"
        elif shape < 0.90:
            byline = f"{name} <{address}>"
        elif shape < 0.95:
            byline = f'"{last}, {" ".join(p for p in (first, middle) if p)}" <{address}>'
        else:
            byline, name = address, None
        rows.append({"id": f"m{i}", "title": f"Re: question {i}", "author": byline,
                     "body": f"Message {i} in the thread about compilers and parsers."})
        expected[f"m{i}"] = name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return expected


@pytest.fixture(scope="module")
def mail_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mail")
    source = tmp / "mail-archive.jsonl"
    expected = make_mail_archive(source, 3000)
    done, report = reindex(tmp / "ix", source)
    assert_ok(done)
    return expected, report, tmp / "ix"


def test_mail_archive_bylines_keep_the_name(mail_run):
    expected, _, index = mail_run
    docs = stored(index)
    kept = sum(1 for i, name in expected.items() if name and tuple(docs[i].get("authors") or ()) == (name,))
    named = sum(1 for name in expected.values() if name)
    assert named > 2700
    assert kept == named, [(i, n, docs[i].get("authors")) for i, n in expected.items()
                           if n and tuple(docs[i].get("authors") or ()) != (n,)][:5]


def test_mail_archive_author_facet_counts_match_the_source(mail_run):
    expected, _, index = mail_run
    counts = Counter(name for name in expected.values() if name)
    app = create_app(Config(index_dir=index, facet_size=5000))
    data = app.test_client().get("/api/search?q=compilers").get_json()
    facet = {v["value"]: v["count"] for v in data["facets"]["author"]}
    assert facet == dict(counts)


def test_bylines_without_a_name_are_warnings_with_file_and_line(mail_run):
    expected, report, _ = mail_run
    bare = {int(i[1:]) + 1 for i, name in expected.items() if name is None}
    warned = {p["line"] for p in problems(report, "warning") if p["reason"].startswith("no author")}
    assert bare and warned == bare
    assert all(p["source"].endswith("mail-archive.jsonl") for p in problems(report, "warning"))


BYLINES = [
    ("jsmith@example.com (John Smith)", ["John Smith"]),
    ("John Smith <jsmith@example.com>", ["John Smith"]),
    ("Smith, John", ["John Smith"]),
    ("SMITH, JOHN", ["John Smith"]),
    ("COCHRANE, JAMES SHAPLEIGH", ["James Shapleigh Cochrane"]),
    ("MILLER, JIMMY A.", ["Jimmy A. Miller"]),
    ('<a href="https://example.com/staff/jsmith">John Smith</a>', ["John Smith"]),
    ("By Ann Lee and Bob Ray", ["Ann Lee", "Bob Ray"]),
    ("Ann Lee, Bob Ray and Cy Dee", ["Ann Lee", "Bob Ray", "Cy Dee"]),
    ("By Ann Lee | Reuters", ["Ann Lee"]),
    ("Robert Y. Chen", ["Robert Y. Chen"]),
    ("Jane E. Brody", ["Jane E. Brody"]),
    ("María López y Juan Pérez", ["María López", "Juan Pérez"]),
]


def test_common_byline_formats_through_the_cli(tmp_path):
    source = tmp_path / "bylines.jsonl"
    rows = [{"id": f"b{n}", "author": byline, "body": f"Text {n} about bylines."}
            for n, (byline, _) in enumerate(BYLINES)]
    rows.append({"id": "junk", "author": "Min Read", "body": "Text with no real author."})
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    docs = stored(tmp_path / "ix")
    got = {byline: list(docs[f"b{n}"].get("authors") or []) for n, (byline, _) in enumerate(BYLINES)}
    assert got == dict(BYLINES)
    junk_line = len(rows)
    assert f"bylines.jsonl:{junk_line}: warning: no author: no person's name in byline 'Min Read'" in done.stderr
