"""The ``kg`` command line (:mod:`kg.cli.commands`)."""

from kg.cli.commands import main

__all__ = ["main"]
