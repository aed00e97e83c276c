"""Where the models shipped with the package live (``kg/models``).

A leaf module: the learned components (:mod:`kg.extraction.components`) and
training read it, and it imports nothing of the package.

>>> (default_model_dir() / "names.crfsuite").exists()
True
"""

from __future__ import annotations

from pathlib import Path


def default_model_dir() -> Path:
    """The folder of the models shipped with the package (``kg/models``)."""
    return Path(__file__).parent.parent / "models"
