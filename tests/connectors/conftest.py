"""Fixtures for the connector tests; the helpers live in connector_testkit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from connector_testkit import FakeHttp, LocalServer


@pytest.fixture
def fake_http() -> FakeHttp:
    return FakeHttp()


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server
