"""Encodings through ``artsearch reindex``: decided per file, every repair reported with its
file and line, for JSON Lines, CSV/TSV, HTML and stdin alike."""

from __future__ import annotations

import json

from tests.reindex_helpers import assert_ok, problems, reindex, stored


def repairs(report: dict) -> dict[int, str]:
    return {p["line"]: p["reason"] for p in problems(report, "repaired")}


def jsonl_bytes(*rows: dict, encoding: str = "utf-8") -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode(encoding)


def test_one_bad_byte_does_not_turn_a_utf8_line_into_mojibake(tmp_path):
    source = tmp_path / "mixed.jsonl"
    good = jsonl_bytes({"id": "m1", "title": "Café 3€", "body": "Un café coûte 3€ à Paris."})
    bad = jsonl_bytes({"id": "m2", "title": "Café 3€ again", "body": "Un café coûte 3€ BAD"}).replace(b"BAD", b"\xff")
    clean = jsonl_bytes({"id": "m3", "title": "Plain", "body": "Nothing special about tea."})
    source.write_bytes(good + bad + clean)
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    docs = stored(tmp_path / "ix")
    assert docs["m2"]["title"] == "Café 3€ again"
    assert docs["m2"]["body"] == "Un café coûte 3€ \ufffd"
    assert docs["m1"]["body"] == "Un café coûte 3€ à Paris."
    assert set(repairs(report)) == {2}
    assert "invalid UTF-8" in repairs(report)[2] and "1 undecodable bytes replaced" in repairs(report)[2]
    assert "mixed.jsonl:2: repaired: invalid UTF-8" in done.stderr


def test_a_windows_1252_csv_is_decoded_whole_and_every_repaired_row_reported(tmp_path):
    source = tmp_path / "legacy.csv"
    text = ('id,title,body\r\n'
            'c1,Café prices,"A café charges 3€ for an espresso."\r\n'
            'c2,Plain row,Only ASCII here about tea.\r\n'
            'c3,Two lines,"First line plain\r\nsecond line naïve ‘quoted’"\r\n')
    source.write_bytes(text.encode("cp1252"))
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    docs = stored(tmp_path / "ix")
    assert docs["c1"]["title"] == "Café prices" and "3€" in docs["c1"]["body"]
    assert "naïve ‘quoted’" in docs["c3"]["body"]
    found = repairs(report)
    assert set(found) == {2, 4}  # c1 on line 2; c3 starts on line 4, its repair is on line 5
    assert "decoded as Windows-1252" in found[2]
    assert found[4].startswith("line 5: ") and "Windows-1252" in found[4]


def test_a_utf8_tsv_with_a_bad_byte_reports_that_row(tmp_path):
    source = tmp_path / "mixed.tsv"
    rows = ["id\ttitle\tbody", "t1\tZürich\tCafés in Zürich.", "t2\tBroken\tA stray BAD byte.", "t3\tFine\tTea."]
    source.write_bytes("\n".join(rows).encode("utf-8").replace(b"BAD", b"\x92") + b"\n")
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    assert set(repairs(report)) == {3} and "invalid UTF-8" in repairs(report)[3]
    docs = stored(tmp_path / "ix")
    assert docs["t1"]["title"] == "Zürich" and docs["t2"]["body"] == "A stray \ufffd byte."


def test_declared_html_charset_and_detected_cyrillic(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "news.html").write_bytes(
        '<html><head><meta charset="windows-1251"><title>Новости дня</title></head>'
        '<body><p>Сегодня в Москве было солнечно.</p></body></html>'.encode("cp1251"))
    source = tmp_path / "russian.jsonl"
    source.write_bytes(jsonl_bytes(
        {"id": "r1", "title": "Погода в Москве", "body": "Сегодня в Москве было солнечно и тепло, сообщают синоптики."},
        {"id": "r2", "title": "Новости экономики", "body": "Курс рубля укрепился по отношению к доллару и евро."},
        encoding="cp1251"))
    done, report = reindex(tmp_path / "ix", pages, source)
    assert_ok(done)
    docs = stored(tmp_path / "ix")
    assert docs["news"]["title"] == "Новости дня" and "солнечно" in docs["news"]["body"]
    assert docs["r1"]["title"] == "Погода в Москве" and docs["r2"]["title"] == "Новости экономики"
    reasons = [p["reason"] for p in problems(report, "repaired")]
    assert len(reasons) == 3 and all("Windows-1251" in r for r in reasons)


def test_stdin_and_utf16_are_decoded_as_files(tmp_path):
    latin = jsonl_bytes({"id": "s1", "title": "Crème brûlée", "body": "A dessert from France."}, encoding="cp1252")
    done, report = reindex(tmp_path / "ix", "-", input=latin)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    assert stored(tmp_path / "ix")["s1"]["title"] == "Crème brûlée"
    assert set(repairs(report)) == {1}
    utf16 = tmp_path / "wide.csv"
    utf16.write_bytes("id,title,body\nw1,Ångström,Units of length.\n".encode("utf-16"))
    done, report = reindex(tmp_path / "ix2", utf16)
    assert_ok(done)
    assert stored(tmp_path / "ix2")["w1"]["title"] == "Ångström" and repairs(report) == {}
