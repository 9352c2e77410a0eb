"""Fixtures for the injuries tests: the people around an injury (see factories.py)."""

from typing import Any

import pytest

from .factories import People, people_of


@pytest.fixture
def people(world: Any) -> People:
    return people_of(world)
