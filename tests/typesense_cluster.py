"""Real Typesense clusters for the tests (never a mock): 3 ``typesense-server`` processes
on free loopback ports, each with its own data directory, joined by one ``--nodes`` file.

Without the server wheels the Typesense tests skip with the command that installs them;
with ``ARTSEARCH_REQUIRE_TYPESENSE=1`` (set by .ci/run) a missing server fails instead, so
CI never passes by skipping them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from search.typesense_local import LocalCluster, ServerMissingError, server_binary

REQUIRE_ENV = "ARTSEARCH_REQUIRE_TYPESENSE"


def typesense_binary() -> Path:
    """The server executable, or a skip (a failure under ``ARTSEARCH_REQUIRE_TYPESENSE=1``)."""
    try:
        return server_binary()
    except ServerMissingError as e:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{e} ({REQUIRE_ENV}=1, so this is an error, not a skip)")
        pytest.skip(str(e))


def start_cluster(root: Path, size: int = 3) -> LocalCluster:
    """A started cluster of ``size`` nodes under ``root``, with a leader; stop it after use."""
    cluster = LocalCluster(root, size, binary=typesense_binary())
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
