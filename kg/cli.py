"""The ``kg`` command line: each command calls one library function.

Commands are grouped by stage; every command reads or writes plain files,
the RDF store, or standard output, and fails with a one-line message.
"""

from __future__ import annotations

import os
import sys

import click

from kg import __version__

#: Where the RDF store lives unless --store says otherwise.
DEFAULT_STORE = os.environ.get("KG_STORE", "kg-store")

store_option = click.option(
    "--store", default=DEFAULT_STORE, show_default=True,
    help="Store directory, or the URL of a SPARQL 1.1 server.")


@click.group()
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Knowledge graph of university–industry–government collaboration."""


# --- extraction (text → entities and relations) -----------------------------

# --- RDF store and SPARQL ----------------------------------------------------

# --- graph analysis -----------------------------------------------------------

# --- viewer -------------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
