"""The backend settings: ``Config``'s backend fields from the environment and the flags."""

from __future__ import annotations

import subprocess
import sys

import pytest

from index.config import Config
from search.backend import open_backend
from search.whoosh_backend import WhooshBackend


def test_the_default_backend_is_the_embedded_index(index_dir):
    backend = open_backend(Config(index_dir=index_dir))
    assert isinstance(backend, WhooshBackend)
    assert backend.status()["backend"] == "whoosh"


def test_typesense_settings_come_from_the_environment(tmp_path):
    key = tmp_path / "key"
    config = Config.from_env({"ARTSEARCH_BACKEND": "typesense",
                              "ARTSEARCH_TYPESENSE_NODES": "http://127.0.0.1:8108, https://h2.example:443/",
                              "ARTSEARCH_TYPESENSE_API_KEY_FILE": str(key)})
    assert config.backend == "typesense"
    assert config.typesense_nodes == ("http://127.0.0.1:8108", "https://h2.example:443")
    assert config.typesense_api_key_file == key


@pytest.mark.parametrize(("env", "message"), [
    ({"ARTSEARCH_BACKEND": "elastic"}, "ARTSEARCH_BACKEND must be one of whoosh, typesense"),
    ({"ARTSEARCH_BACKEND": "typesense", "ARTSEARCH_TYPESENSE_API_KEY_FILE": "k"}, "needs its nodes"),
    ({"ARTSEARCH_BACKEND": "typesense", "ARTSEARCH_TYPESENSE_NODES": "http://h:8108"}, "needs its API key file"),
    ({"ARTSEARCH_TYPESENSE_NODES": "h1:8108"}, "written http://host:port"),
    ({"ARTSEARCH_TYPESENSE_NODES": "http://h1"}, "written http://host:port"),
    ({"ARTSEARCH_TYPESENSE_NODES": "http://h1:8108/collections"}, "written http://host:port"),
])
def test_bad_backend_settings_name_the_fix(env, message):
    with pytest.raises(ValueError, match=message):
        Config.from_env(env)


def test_a_bad_backend_flag_is_one_error_line(index_dir):
    run = subprocess.run([sys.executable, "-m", "web.cli", "search", "x", "--index", str(index_dir),
                          "--backend", "typesense", "--api-key-file", "k"], capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "Error: The typesense backend needs its nodes: --nodes http://host:8108,... or ARTSEARCH_TYPESENSE_NODES"]
