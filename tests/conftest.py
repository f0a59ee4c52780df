"""Fixtures shared by several test modules."""

from __future__ import annotations

import pytest

from farm.server import run_farm


@pytest.fixture(scope="module")
def farm(request, tmp_path_factory):
    """The portal farm (seed 0) on free loopback ports, one per test module: modules may change its documents.

    Renderings are cached in pytest's cache directory, so only the first farm of a session renders.
    """
    cache = request.config.cache.mkdir("farm-render-cache")
    with run_farm(tmp_path_factory.mktemp("farm"), seed=0, cache_dir=cache) as running:
        yield running
