"""Hostile input to the CLI ends in one ``Error: …`` line or a reported skip, never a
traceback or a bare "Aborted!": broken gzip, absurdly nested JSON, files that vanish or
cannot be read in the middle of a directory run, and ``serve`` options that cannot work."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS, REPO
from tests.reindex_helpers import (
    artsearch,
    assert_ok,
    assert_one_line_error,
    problems,
    reindex,
    stored,
)

DEEP = 100_000


def article(n: int, prefix: str = "d") -> str:
    return json.dumps({"id": f"{prefix}{n}", "title": f"Article {n}", "body": f"Body text of article {n}."})


def no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stderr and "Aborted!" not in done.stderr, done.stderr


# --- gzip -------------------------------------------------------------------------------


def gzipped_fixture() -> bytes:
    return gzip.compress(FIXTURE_CORPUS.read_bytes())


def test_truncated_gzip_is_one_error_line(tmp_path):
    source = tmp_path / "cut.jsonl.gz"
    source.write_bytes(gzipped_fixture()[:60])
    done, _ = reindex(tmp_path / "ix", source)
    assert_one_line_error(done, "cut.jsonl.gz", "truncated or corrupt")


def test_corrupt_gzip_is_one_error_line(tmp_path):
    data = bytearray(gzipped_fixture())
    data[40:240] = bytes(200)  # a hole in the deflate stream, header and trailer intact
    source = tmp_path / "holed.jsonl.gz"
    source.write_bytes(bytes(data))
    done, _ = reindex(tmp_path / "ix", source)
    no_traceback(done)
    assert_one_line_error(done, "holed.jsonl.gz", "corrupt")


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".csv.gz", ".json.gz", ".txt.gz"])
def test_plain_file_named_gz_is_one_error_line(tmp_path, suffix):
    source = tmp_path / f"plain{suffix}"
    source.write_bytes(FIXTURE_CORPUS.read_bytes())
    done, _ = reindex(tmp_path / "ix", source)
    assert_one_line_error(done, f"plain{suffix}", "not gzip")


def test_corrupt_gzip_in_a_directory_is_skipped_and_the_rest_indexed(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.jsonl").write_text(article(1) + "\n")
    (folder / "b.jsonl.gz").write_bytes(gzipped_fixture()[:60])
    (folder / "c.jsonl.gz").write_bytes(b"not gzip at all\n")
    (folder / "d.jsonl").write_text(article(2) + "\n")
    done, report = reindex(tmp_path / "ix", folder)
    assert_ok(done)
    skipped = {Path(p["source"]).name for p in problems(report, "skipped")}
    assert skipped == {"b.jsonl.gz", "c.jsonl.gz"}
    assert set(stored(tmp_path / "ix")) == {"d1", "d2"}


# --- deep JSON --------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["array", "object"])
def test_deeply_nested_jsonl_line_is_skipped(tmp_path, shape):
    deep = "[" * DEEP + "]" * DEEP if shape == "array" else '{"a":' * DEEP + "1" + "}" * DEEP
    source = tmp_path / "deep.jsonl"
    source.write_text("\n".join([article(1), deep, article(2)]) + "\n")
    done, report = reindex(tmp_path / "ix", source)
    assert_ok(done)
    [problem] = problems(report, "skipped")
    assert problem["line"] == 2 and "nested too deeply" in problem["reason"]
    assert set(stored(tmp_path / "ix")) == {"d1", "d2"}


def test_deeply_nested_json_array_file_is_one_error_line(tmp_path):
    source = tmp_path / "deep.json"
    source.write_text("[" * DEEP + "]" * DEEP)
    done, _ = reindex(tmp_path / "ix", source)
    assert_one_line_error(done, "deep.json", "nested too deeply")


def test_deeply_nested_json_on_stdin(tmp_path):
    lines = "\n".join([article(1), '{"body":' + "[" * DEEP + "]" * DEEP + "}"]) + "\n"
    done, report = reindex(tmp_path / "ix", "-", input=lines)
    assert_ok(done)
    assert any("nested too deeply" in p["reason"] for p in problems(report, "skipped"))


# --- files that vanish or cannot be read mid-run ----------------------------------------


def without_root_override() -> list[str]:
    """A command prefix under which file permissions apply (root ignores them otherwise)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def reindex_as_user(index: Path, *args) -> tuple[subprocess.CompletedProcess, dict]:
    report = index.parent / "report.json"
    done = subprocess.run(
        [*without_root_override(), sys.executable, "-m", "web.cli", "reindex", *map(str, args),
         "--index", str(index), "--report", str(report)],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    return done, json.loads(report.read_text()) if report.exists() else {}


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "src"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_text(article(1) + "\n")
    (folder / "b.txt").write_text("Second article\n\nIts body.\n")
    (folder / "sub" / "c.jsonl").write_text(article(3) + "\n")
    (folder / "z.jsonl").write_text(article(4) + "\n")
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if path.exists() and not path.is_symlink():
            path.chmod(0o755)


@pytest.mark.parametrize("name", ["a.jsonl", "b.txt"])
def test_unreadable_file_in_a_directory_is_skipped_and_reported(tmp_path, folder, name):
    (folder / name).chmod(0)
    done, report = reindex_as_user(tmp_path / "ix", folder)
    assert_ok(done)
    [problem] = problems(report, "skipped")
    assert Path(problem["source"]).name == name and "Permission denied" in problem["reason"]
    assert f"{name}: skipped:" in done.stderr
    expected = {"d1", "b", "d3", "d4"} - {"d1" if name == "a.jsonl" else "b"}
    assert set(stored(tmp_path / "ix")) == expected


def test_unreadable_subdirectory_is_reported(tmp_path, folder):
    (folder / "sub").chmod(0)
    done, report = reindex_as_user(tmp_path / "ix", folder)
    assert_ok(done)
    [problem] = problems(report, "skipped")
    assert Path(problem["source"]).name == "sub" and "Permission denied" in problem["reason"]
    assert "sub: skipped: unreadable directory" in done.stderr
    assert set(stored(tmp_path / "ix")) == {"d1", "b", "d4"}


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to see the open file")
def test_file_deleted_during_a_directory_run_is_skipped(tmp_path):
    """A big first file keeps the run busy; once the reader has it open, a later file goes."""
    folder = tmp_path / "src"
    folder.mkdir()
    big = folder / "a-big.jsonl"
    big.write_text("\n".join(article(n, "big") for n in range(6000)) + "\n")
    for name in ("m.jsonl", "z.jsonl"):
        (folder / name).write_text(article(1, name[0]) + "\n")
    report = tmp_path / "report.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "reindex", str(folder), "--index", str(tmp_path / "ix"),
         "--report", str(report)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            targets = {os.readlink(f"/proc/{process.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{process.pid}/fd")}
        except OSError:
            targets = set()
        if str(big) in targets:
            (folder / "m.jsonl").unlink()
            break
        time.sleep(0.002)
    stdout, stderr = process.communicate(timeout=300)
    assert not (folder / "m.jsonl").exists(), "the reader never had the big file open"
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    data = json.loads(report.read_text())
    [problem] = problems(data, "skipped")
    assert Path(problem["source"]).name == "m.jsonl" and "No such file" in problem["reason"]
    ids = set(stored(tmp_path / "ix"))
    assert len(ids) == 6001 and "z1" in ids and "m1" not in ids


# --- serve start-up ---------------------------------------------------------------------


def serve(*args, timeout: float = 30) -> subprocess.CompletedProcess:
    return artsearch("serve", *args, timeout=timeout)


def test_port_in_use_is_one_line(index_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve("--index", index_dir, "--port", port)
    assert_one_line_error(done, str(port), "in use")


@pytest.mark.parametrize("port", ["-5", "84131", "65536", "http"])
def test_impossible_port_is_one_line(index_dir, port):
    done = serve("--index", index_dir, "--port", port)
    no_traceback(done)
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: ") and "--port" in lines[-1], done.stderr
    assert "Serving" not in done.stderr


@pytest.mark.parametrize("host", ["999.1.1.1", "no-such-host.invalid"])
def test_impossible_host_is_one_line(index_dir, host):
    done = serve("--index", index_dir, "--host", host, "--port", "8080")
    assert_one_line_error(done, host)
