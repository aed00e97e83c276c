"""Every docstring example of kg/extraction runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kg.extraction

MODULES = ["kg.extraction"] + sorted(f"kg.extraction.{m.name}"
                                     for m in pkgutil.iter_modules(kg.extraction.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0

