"""The pytest plugin httpwire installs (entry point ``pytest11``): the ``httpwire_mock`` fixture.

``httpwire_mock`` is a fresh :class:`~httpwire.testing.MockRouter` per test; pass
``connector=httpwire_mock.connector()`` to the session under test.
"""

from __future__ import annotations

import pytest

from .testing import MockRouter

__all__ = ["httpwire_mock"]


@pytest.fixture
def httpwire_mock() -> MockRouter:
    """A router of mocked routes for the test; its connector answers without a network."""
    return MockRouter()
