"""The persistent RDF store: an on-disk Oxigraph store or a SPARQL server.

One interface, two backends:

* :class:`LocalStore` — a directory holding a :mod:`pyoxigraph` store
  (RocksDB); no server needed.  This is the default.
* :class:`RemoteStore` — any SPARQL 1.1 server, selected by its URL: queries
  go to ``URL/query`` and updates to ``URL/update`` (the layout of Oxigraph
  and Fuseki).

Every SPARQL query is evaluated by Oxigraph or by the server; nothing falls
back to rdflib's in-memory engine (which does not finish a 4-pattern join
with GROUP BY over 200 k triples in ten minutes).

Each document lives in its own named graph, and the entities and the plain
relation triples once in the entity graph (see :mod:`kg.store.rdf`); user queries
see the union of all graphs as their default graph, where a relation that
ten documents state is one triple (its ten evidence nodes are in the ten
document graphs).  A document is written by a single SPARQL update (``DROP
GRAPH`` + ``DELETE DATA`` of what only its old version supported in the
entity graph + ``INSERT DATA``), which Oxigraph applies in one transaction,
so a crash leaves either the previous version of the document or the new
one, never half of it.

Analysis reads the store through plain records, never through RDF::

    >>> store = open_store("kg-store")                    # doctest: +SKIP
    >>> store.entities()[0]                               # doctest: +SKIP
    {'name': '西安交通大学', 'type': 'University', 'aliases': ['西安交大'],
     'docs': ['000_x.txt'], 'pinyin': 'xī ān jiāo tōng dà xué', 'iri': '…'}

Examples
--------
>>> import tempfile, os
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> store.stats()["documents"]
0
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator

import pyoxigraph as ox

from kg.columns import clipped, display_width
from kg.messages import KGError
from kg.store.rdf import (DCTERMS, DESCRIPTION_PREDICATES, ENTITIES_GRAPH, KG, ORG, PINYIN,
                    PREFIXES, PROV, RDF, SKOS, UIC, ZH, document_iri, entity_description,
                    insert_data, sparql_prefixes)
from kg.records import ENTITY_TYPES, PREDICATES
from kg.store.sparql_text import dataset_clauses, federation, unknown_prefixes


class StoreError(KGError, RuntimeError):
    """A store problem: a code of :mod:`kg.messages` and its one-line message.

    >>> str(StoreError("E102", path="notes.txt"))
    'E102 notes.txt is a file, not a store directory; nothing was changed'
    """


def syntax_error(exc: SyntaxError, skip_lines: int = 0) -> StoreError:
    """A :class:`StoreError` (E302) for Oxigraph's syntax error ``exc``, its
    ``line:column`` moved up by the ``skip_lines`` lines put before the
    user's text (the predeclared prefixes), so it points at the user's line.

    >>> str(syntax_error(SyntaxError("error at 12:3: expected WHERE"), 10))
    'E302 SPARQL syntax error at line 2, column 3: expected WHERE'
    """
    first = str(exc).splitlines()[0] if str(exc) else "invalid SPARQL"
    found = re.match(r"error at (\d+):(\d+): (.*)", first)
    if not found:
        return StoreError("E302", where="", detail=first)
    row, col = int(found.group(1)) - skip_lines, int(found.group(2))
    where = f" at line {row}, column {col}" if row >= 1 else ""
    return StoreError("E302", where=where, detail=found.group(3))


# --- query results ----------------------------------------------------------------

_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PROLOGUE = re.compile(
    r"\A(?:\s+|#[^\n]*(?:\n|\Z)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*",
    re.IGNORECASE)


def query_kind(sparql: str) -> str:
    """``"select"``, ``"ask"``, ``"construct"``, ``"describe"`` or ``"update"``.

    Anything whose first keyword after the prologue is not a query form is an
    update, so it is refused unless updates are allowed.

    Examples
    --------
    >>> query_kind("PREFIX a: <http://a/> # hi\\n select * { ?s ?p ?o }")
    'select'
    >>> query_kind("DELETE WHERE { ?s ?p ?o }")
    'update'
    """
    rest = sparql[_PROLOGUE.match(sparql).end():]
    word = re.match(r"[A-Za-z]*", rest).group(0).upper()
    return word.lower() if word in _QUERY_FORMS else "update"


#: First keywords of SPARQL 1.1 updates.
_UPDATE_FORMS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY",
                 "MOVE", "ADD", "WITH")


def check_query(sparql: str, allow_update: bool = False, allow_federation: bool = False) -> str:
    """:func:`query_kind` of ``sparql``, refusing what cannot run.

    Raises :class:`StoreError`: E302 when the first keyword is neither a
    query form nor an update (``SELEC * …`` is a typo, not an update), E303
    for an update without ``allow_update``, E311 for ``SERVICE`` or
    ``LOAD`` (which make Oxigraph open a connection to any address the text
    names) without ``allow_federation``.

    >>> try:
    ...     check_query("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    ... except StoreError as exc:
    ...     print(exc.code)
    E311

    >>> check_query("ASK {}")
    'ask'
    >>> try:
    ...     check_query("# typo\\nSELEC * WHERE { ?s ?p ?o }")
    ... except StoreError as exc:
    ...     print(exc)
    E302 SPARQL syntax error at line 2, column 1: 'SELEC' is neither a query form (SELECT, ASK, CONSTRUCT, DESCRIBE) nor an update (INSERT, DELETE, …)
    """
    kind = query_kind(sparql)
    fetch = None if allow_federation else federation(sparql)
    if fetch is not None:
        raise StoreError("E311", keyword=fetch.text.upper(),
                         line=sparql.count("\n", 0, fetch.start) + 1)
    if kind != "update":
        return kind
    start = _PROLOGUE.match(sparql).end()
    word = re.match(r"\S*", sparql[start:]).group(0)
    if word.upper() not in _UPDATE_FORMS:
        row = sparql.count("\n", 0, start) + 1
        col = start - (sparql.rfind("\n", 0, start) + 1) + 1
        detail = (f"{word[:30]!r} is neither a query form (SELECT, ASK, CONSTRUCT, "
                  "DESCRIBE) nor an update (INSERT, DELETE, …)" if word else
                  "no query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
        raise StoreError("E302", where=f" at line {row}, column {col}", detail=detail)
    if not allow_update:
        raise StoreError("E303")
    return kind


def load_query(query: str) -> str:
    """The text of ``query``: the contents of the file it names, or itself.

    A single word without braces (``nonexistent.rq``) that is not an
    existing file is an error (E301), not a query to run.

    >>> load_query("ASK {}")
    'ASK {}'
    >>> try:
    ...     load_query("nonexistent.rq")
    ... except StoreError as exc:
    ...     print(exc)
    E301 no query file nonexistent.rq (give a .rq file or the text of a query)
    """
    path = Path(query)
    looks_like_file = len(query.split()) == 1 and "{" not in query
    try:
        is_file = (looks_like_file or len(query) < 256) and path.is_file()
    except (OSError, ValueError):       # too long or odd to be a path: a query's text
        is_file = False
    try:
        if is_file:
            return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError("E305", path=query,
                         detail=getattr(exc, "strerror", None) or str(exc)) from None
    except ValueError:      # a query text too long or odd to be a path
        pass
    if looks_like_file:
        raise StoreError("E301", path=query)
    return query


@dataclass
class Result:
    """The result of a query.

    ``vars`` and ``rows`` for SELECT (each cell a SPARQL-JSON term dict such
    as ``{"type": "uri", "value": "…"}``, or ``None`` when unbound),
    ``boolean`` for ASK, ``ntriples`` for CONSTRUCT and DESCRIBE.
    """

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[list[dict | None]] = field(default_factory=list)
    boolean: bool | None = None
    ntriples: str = ""

    def values(self) -> list[tuple]:
        """Rows as tuples of Python values (see :func:`term_value`)."""
        return [tuple(term_value(c) for c in row) for row in self.rows]


@dataclass
class Stream:
    """A query's answer read lazily (:meth:`KGStore.stream`): ``rows`` an
    iterator of SELECT rows (SPARQL-JSON term dicts, ``None`` unbound),
    ``triples`` an iterator of :class:`pyoxigraph.Triple` for CONSTRUCT and
    DESCRIBE, ``boolean`` for ASK."""

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: Iterator = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    triples: Iterator = field(default_factory=lambda: iter(()))


def term_value(term: dict | None):
    """The Python value of a SPARQL-JSON term: IRI or string, int, float."""
    if term is None:
        return None
    if term["type"] == "literal" or term["type"] == "typed-literal":
        dt = term.get("datatype", "")
        if dt in (_XSD + "integer", _XSD + "int", _XSD + "long"):
            return int(term["value"])
        if dt in (_XSD + "double", _XSD + "decimal", _XSD + "float"):
            return float(term["value"])
        if dt == _XSD + "boolean":
            return term["value"] in ("true", "1")
    return term["value"]


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _compact(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(ns):
            return f"{prefix}:{urllib.parse.unquote(iri[len(ns):])}"
    return f"<{iri}>"


def format_result(result: Result, fmt: str = "table", width: int | None = 60) -> str:
    """Render ``result`` as ``table`` (aligned text), ``csv`` or ``json``.

    A table's cells are cut at ``width`` display columns (``None`` or 0:
    whole cells).

    JSON is the W3C SPARQL 1.1 Query Results JSON format; CONSTRUCT and
    DESCRIBE results are N-Triples, only as ``table`` (E304 otherwise).
    Every format ends with a line break.
    """
    if result.kind in ("construct", "describe"):
        if fmt != "table":
            raise StoreError("E304", kind=result.kind.upper(), fmt=fmt)
        return result.ntriples
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        bindings = [{v: c for v, c in zip(result.vars, row) if c is not None}
                    for row in result.rows]
        return json.dumps({"head": {"vars": result.vars},
                           "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1) + "\n"
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.vars)
        for row in result.rows:
            writer.writerow(["" if c is None else c["value"] for c in row])
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    # each distinct cell is measured once (a 9 000-row answer has 27 000
    # cells, most of them names repeated from row to row)
    measured: dict[str, tuple[str, int]] = {}
    cells = []
    for row in result.rows:
        out = []
        for c in row:
            if c is None:
                text = ""
            elif c["type"] == "uri":
                text = _compact(c["value"])
            else:
                text = c["value"].replace("\n", " ")
            cell = measured.get(text)
            if cell is None:
                cell = measured[text] = (clipped(text, width) if width
                                         else (text, display_width(text)))
            out.append(cell)
        cells.append(out)
    widths = [max([display_width(v)] + [r[i][1] for r in cells])
              for i, v in enumerate(result.vars)]
    lines = ["  ".join(_pad(v, w) for v, w in zip(result.vars, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(text + " " * (w - width) for (text, width), w in zip(row, widths))
              for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


_XSD_STRING = _XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(term) -> dict | None:
    """The SPARQL-JSON dict of a pyoxigraph term (what the JSON results
    format would hold), without serialising and parsing JSON."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": dt}
    return {"type": "triple", "value": str(term)}


def _to_term(term: dict):
    """A pyoxigraph term from a SPARQL-JSON term dict."""
    kind = term["type"]
    if kind == "uri":
        return ox.NamedNode(term["value"])
    if kind == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if term.get("datatype"):
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


# --- the store ------------------------------------------------------------------------

#: The node that carries the store's :meth:`KGStore.state` (default graph).
STATE_NODE = KG + "store"

#: Prefixes for exports: vocabularies only (data IRIs hold '/').
_VOCAB_PREFIXES = {p: ns for p, ns in PREFIXES.items() if not ns.startswith(KG)}

_TYPES = " ".join(f"uic:{t}" for t in ENTITY_TYPES)
_PREDS = " ".join(f"uic:{p}" for p in PREDICATES)


class KGStore:
    """The knowledge-graph store: documents as named graphs, SPARQL, records.

    Subclasses provide the four primitives :meth:`_select`, :meth:`_ask`,
    :meth:`_construct` and :meth:`update`; everything else is SPARQL.
    """

    location: str
    #: Whether a user's query may use ``SERVICE`` or ``LOAD`` (Oxigraph would
    #: fetch whatever address the text names): only when the command was
    #: started with ``--allow-federation``.
    allow_federation: bool = False

    # -- primitives (backend) --
    def _select(self, query: str, union: bool) -> tuple[list[str], list[list]]:
        raise NotImplementedError

    def _ask(self, query: str, union: bool) -> bool:
        raise NotImplementedError

    def _construct(self, query: str, union: bool) -> str:
        raise NotImplementedError

    def update(self, update: str) -> None:
        """Run a SPARQL 1.1 update (in one transaction on Oxigraph)."""
        raise NotImplementedError

    def generation(self) -> int:
        """How many updates the store has had: whatever was computed from an
        earlier generation is stale.  Those who keep results of the store
        (:mod:`kg.analysis.cache`) read it; the store knows none of them.
        A server's store counts nothing (``0``): nothing is kept for it.
        """
        return 0

    def close(self) -> None:
        """Release the store (the on-disk store is locked while open)."""

    def compact(self) -> None:
        """Make the store's files compact after many writes (a server's
        business for a remote store)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- queries --
    def query(self, sparql: str, *, union: bool = True,
              allow_update: bool = False) -> Result:
        """Run a SPARQL query (or, with ``allow_update``, an update).

        Parameters
        ----------
        sparql : str
            The query; the prefixes of :data:`kg.store.rdf.PREFIXES` are predeclared.
        union : bool
            Query the union of all document graphs as the default graph.
        allow_update : bool
            Without it an update is refused with :class:`StoreError`.

        Returns
        -------
        Result
        """
        kind = check_query(sparql, allow_update, self.allow_federation)
        if kind == "update":
            self.update(sparql_prefixes() + sparql)
            return Result(kind="update")
        union = union and not dataset_clauses(sparql)    # FROM / FROM NAMED govern
        full = sparql_prefixes() + sparql
        if kind == "select":
            names, rows = self._select(full, union)
            return Result(kind=kind, vars=names, rows=rows)
        if kind == "ask":
            return Result(kind=kind, boolean=self._ask(full, union))
        return Result(kind=kind, ntriples=self._construct(full, union))

    def stream(self, sparql: str, *, union: bool = True) -> "Stream":
        """Run a query (never an update: E303) and give its answer lazily.

        For a caller that stops reading early: the SPARQL endpoint of ``kg
        serve`` stops at its row limit or its deadline without holding the
        whole answer.  On a directory store the rows come from Oxigraph as
        they are found; a server's answer is read whole, then streamed.

        >>> import os, tempfile
        >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
        >>> answer = store.stream("SELECT ?x WHERE { VALUES ?x { 1 2 3 } }")
        >>> answer.kind, answer.vars, next(answer.rows)
        ('select', ['x'], [{'type': 'literal', 'value': '1', 'datatype': 'http://www.w3.org/2001/XMLSchema#integer'}])
        """
        result = self.query(sparql, union=union)
        triples = iter(())
        if result.ntriples:
            triples = iter(list(ox.parse(result.ntriples.encode("utf-8"),
                                         format=ox.RdfFormat.N_TRIPLES)))
        return Stream(kind=result.kind, vars=result.vars, rows=iter(result.rows),
                      boolean=result.boolean, triples=triples)

    def select(self, sparql: str, union: bool = False) -> list[dict]:
        """SELECT rows as dicts of Python values (unbound variables omitted)."""
        names, rows = self._select(sparql_prefixes() + sparql, union)
        return [{n: term_value(c) for n, c in zip(names, row) if c is not None}
                for row in rows]

    # -- state --
    def state(self) -> str:
        """A digest that changes with every document written or removed.

        Kept in the store's default graph (in no document's graph, so
        exports leave it out): ``<kg:store> uic:state``, rewritten in the
        same transaction as each document.  Two builds of
        the same files in the same order reach the same state.
        """
        rows = self.select(f"SELECT ?s WHERE {{ <{STATE_NODE}> uic:state ?s }}")
        return rows[0]["s"] if rows else ""

    def _next_state(self, doc_id: str, change: str) -> str:
        """The update that moves :meth:`state` on past ``change`` to the
        document ``doc_id``: ``=`` written, ``-`` removed, ``+path`` /
        ``-path`` a path recorded or forgotten."""
        import hashlib

        new = hashlib.sha256(f"{self.state()}\t{doc_id}\t{change}".encode()).hexdigest()
        return (f"DELETE WHERE {{ <{STATE_NODE}> <{UIC}state> ?s }} ;\n"
                f"INSERT DATA {{ <{STATE_NODE}> <{UIC}state> \"{new}\" }}")

    # -- documents --
    def doc_paths(self) -> dict[str, str]:
        """``{path: doc_id}``: every path a stored document was read from.

        A document read under several paths has them all; this is what an
        incremental build compares a file with.
        """
        rows = self.select("SELECT ?path ?hash WHERE { GRAPH ?g { ?g a uic:Document ; "
                           "uic:contentHash ?hash ; uic:path ?path } }")
        return {r["path"]: r["hash"] for r in rows}

    def doc_ids(self) -> set[str]:
        """The content hashes (``doc_id``) of the stored documents."""
        rows = self.select("SELECT ?hash WHERE { GRAPH ?g { ?g a uic:Document ; "
                           "uic:contentHash ?hash } }")
        return {r["hash"] for r in rows}

    def is_legacy(self) -> bool:
        """Whether documents are stored by file name (kg before issue 13):
        graph IRIs that are not :func:`kg.store.rdf.document_iri` of the hash."""
        return self._ask(f"""ASK {{ GRAPH ?g {{ ?g a <{UIC}Document> ; <{UIC}contentHash> ?h }}
            FILTER(STR(?g) != CONCAT("{KG}document/", STR(?h))) }}""", False)

    def check_writable(self) -> None:
        """Raise :class:`StoreError` E108 for a store of an earlier version,
        which can be read but must be rebuilt before it is changed."""
        if self.is_legacy():
            raise StoreError("E108", path=self.location)

    def replace_document(self, doc_id: str, quads: Iterable[ox.Quad]) -> None:
        """Replace the graph of the document ``doc_id`` by ``quads``, in one update.

        ``quads`` are those of :func:`kg.store.rdf.document_quads`: in the
        document's graph, which must record the document
        (``uic:contentHash``), and in the entity graph.  What the entity
        graph held only for the old version of the document (an entity no
        other document mentions, an alias no other document used, a triple
        no other document states) is deleted in the same update.
        """
        graph = document_iri(doc_id)
        quads = list(quads)
        allowed = {f"<{graph}>", f"<{ENTITIES_GRAPH}>"}
        if any(str(q.graph_name) not in allowed for q in quads):
            raise ValueError(f"{doc_id}: quads outside the document's graph")
        stale = self._stale_shared(graph, quads)
        update = f"DROP SILENT GRAPH <{graph}>"
        if stale:
            update += " ;\nDELETE DATA {\nGRAPH <%s> {\n%s\n}\n}" % (
                ENTITIES_GRAPH, "\n".join(f"{s} {p} {o} ." for s, p, o in stale))
        if quads:
            update += " ;\n" + insert_data(quads)
        self.update(update + " ;\n" + self._next_state(doc_id, "=" if quads else "-"))

    def add_path(self, doc_id: str, path: str) -> None:
        """Record that the stored document ``doc_id`` was also read from
        ``path`` (in one update with the move of :meth:`state`)."""
        graph = document_iri(doc_id)
        self.update(f"INSERT DATA {{ GRAPH <{graph}> {{ <{graph}> <{UIC}path> "
                    f"{_literal(path)} }} }} ;\n" + self._next_state(doc_id, "+" + path))

    def drop_path(self, doc_id: str, path: str) -> bool:
        """Forget that ``doc_id`` was read from ``path`` (that file now holds
        another text); the document goes when no path is left, with what
        only it supported in the entity graph (as :meth:`remove_document`).
        Returns whether the document was removed."""
        graph = document_iri(doc_id)
        if self._ask(f"ASK {{ GRAPH <{graph}> {{ <{graph}> <{UIC}path> ?p "
                     f"FILTER(?p != {_literal(path)}) }} }}", False):
            self.update(f"DELETE DATA {{ GRAPH <{graph}> {{ <{graph}> <{UIC}path> "
                        f"{_literal(path)} }} }} ;\n" + self._next_state(doc_id, "-" + path))
            return False
        self.replace_document(doc_id, [])
        return True

    def remove_document(self, doc_id: str) -> bool:
        """Remove the document ``doc_id`` (its content hash, or its IRI) and
        all it stated.

        Entities that only this document mentioned disappear with their
        descriptions, and so do aliases only it used and relations only it
        stated; entities other documents mention stay.  Returns whether it
        was there.
        """
        graph = doc_id if doc_id.startswith(KG) else document_iri(doc_id)
        if not self._ask(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", False):
            return False
        self.replace_document(doc_from_graph(graph), [])
        return True

    def _stale_shared(self, graph: str, quads: list) -> list[tuple]:
        """The triples of the entity graph that the stored version of the
        document ``graph`` supports and that no other document, nor the new
        version ``quads``, does: ``[(s, p, o)]`` as N-Triples terms."""
        shared = f"<{ENTITIES_GRAPH}>"
        new = {(str(q.subject), str(q.predicate), str(q.object))
               for q in quads if str(q.graph_name) == shared}
        rows = self._rows(f"""
            SELECT ?kind ?x ?p ?y WHERE {{ GRAPH <{graph}> {{
              {{ ?d uic:mentions ?x . BIND("entity" AS ?kind) }}
              UNION {{ ?e rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?y .
                       BIND("triple" AS ?kind) }}
              UNION {{ ?e uic:membership ?x . BIND("membership" AS ?kind) }}
              UNION {{ ?a prov:wasAssociatedWith ?x . BIND("agent" AS ?kind) }} }} }}""")
        if not rows:
            return []
        old: dict[str, set] = defaultdict(set)
        for kind, x, p, y in rows:
            kind = _parse_literal(kind)
            old[kind].add((x, p, y) if kind == "triple" else x)
        other = f"FILTER(?g != <{graph}>)"
        stale: list[tuple] = []

        def current(nodes, preds=None) -> list[tuple]:
            values = " ".join(sorted(nodes))
            restrict = f"VALUES ?p {{ {' '.join(preds)} }}" if preds else ""
            return [(s_, p_, o_) for s_, p_, o_ in self._rows(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} {restrict} "
                f"GRAPH {shared} {{ ?s ?p ?o }} }}")]

        def used(nodes, pattern) -> set:
            values = " ".join(sorted(nodes))
            return {r[0] for r in self._rows(
                f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} "
                f"GRAPH ?g {{ {pattern} }} {other} }}")}

        # relations: a triple goes with the last evidence for it
        if old["triple"]:
            values = " ".join(f"({s_} {p_} {o_})" for s_, p_, o_ in sorted(old["triple"]))
            kept = {tuple(r) for r in self._rows(
                f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {values} }} "
                f"GRAPH ?g {{ ?e rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} {other} }}")}
            stale += [t for t in sorted(old["triple"]) if t not in kept and t not in new]
        # memberships, their roles, extractors: fixed descriptions, gone with the last use
        removed_memberships: set = set()
        if old["membership"]:
            kept = used(old["membership"], "?e uic:membership ?x")
            for t in current(old["membership"] - kept):
                if t not in new:
                    stale.append(t)
                    removed_memberships.add(t[0])
            roles = {o_ for s_, p_, o_ in stale if p_ == f"<{ORG}role>"}
            if roles:
                holders = self._rows(
                    f"SELECT DISTINCT ?m ?r WHERE {{ VALUES ?r {{ {' '.join(sorted(roles))} }} "
                    f"GRAPH {shared} {{ ?m org:role ?r }} }}")
                kept_roles = {r for m, r in holders if m not in removed_memberships}
                stale += [t for t in current(roles - kept_roles) if t not in new]
        if old["agent"]:
            kept = used(old["agent"], "?a prov:wasAssociatedWith ?x")
            stale += [t for t in current(old["agent"] - kept) if t not in new]
        # entities: the description is the union of what each remaining
        # document contributes (kg.store.rdf.entity_description)
        if old["entity"]:
            preds = [f"<{p_}>" for p_ in DESCRIPTION_PREDICATES]
            have = current(old["entity"], preds)
            info: dict[str, dict] = defaultdict(dict)
            for s_, p_, o_ in have:
                if p_ == f"<{RDF}type>" and o_.startswith(f"<{UIC}"):
                    info[s_]["type"] = o_[len(UIC) + 1:-1]
                elif p_ == f"<{SKOS}prefLabel>":
                    info[s_]["pref"] = _parse_literal(o_)
            names: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
            values = " ".join(sorted(old["entity"]))
            for e, g, n in self._rows(
                    f"SELECT ?e ?g ?n WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ "
                    f"?g uic:mentions ?e OPTIONAL {{ ?e uic:mentionedAs ?n }} }} {other} }}"):
                names[e][g].update([_parse_literal(n)] if n else [])
            want = set()
            for e, by_doc in names.items():
                if "type" not in info[e] or "pref" not in info[e]:
                    continue
                for used_names in by_doc.values():
                    want.update((str(_term(x)), str(_term(p_)), str(_term(o_)))
                                for x, p_, o_ in entity_description(
                                    e[1:-1], info[e]["type"], info[e]["pref"], used_names))
            stale += [t for t in have if t not in want and t not in new]
        return stale

    def _rows(self, query: str) -> list[tuple]:
        """SELECT rows as tuples of N-Triples terms (``None`` when unbound)."""
        names, rows = self._select(sparql_prefixes() + query, False)
        return [tuple(None if c is None else str(_to_term(c)) for c in row) for row in rows]

    def resolver(self, result: dict):
        """An entity resolver for :func:`kg.store.rdf.document_quads`.

        Looks up, in one query, every name and alias of ``result``'s entities
        (and the core names of its companies) among the labels of entities
        stored by *other* documents; see :func:`_resolver_over` for when a
        stored entity is reused.
        """
        doc_id = result["document"]["doc_id"]
        labels = _lookup_labels(result)
        if not labels:
            return None
        values = " ".join(_literal(label, ZH) for label in sorted(labels))
        own = document_iri(doc_id)
        rows = self.select(f"""
            SELECT DISTINCT ?e ?type ?pref ?label ?kind WHERE {{
              VALUES ?label {{ {values} }}
              GRAPH <{ENTITIES_GRAPH}> {{ {_LABEL_PATTERN} }}
              FILTER EXISTS {{ GRAPH ?g {{ ?g uic:mentions ?e }} FILTER(?g != <{own}>) }}
              FILTER(?alt = false || EXISTS {{
                GRAPH ?h {{ ?e uic:mentionedAs ?label }} FILTER(?h != <{own}>) }})
            }}""")
        found: dict[tuple[str, str], set] = defaultdict(set)
        for r in rows:
            type_ = r["type"][len(UIC):] if r["type"].startswith(UIC) else None
            if type_:
                found[(type_, r["label"])].add((r["e"], r["pref"], r["kind"]))
        return _resolver_over(found)

    # -- records --
    def documents(self) -> list[dict]:
        """Document records ``{"doc", "doc_id", "path", "paths", "chars",
        "encoding", "text", "date", "date_precision", "date_source",
        "date_missing"}``; ``path`` is the first of ``paths``."""
        rows = self.select("""
            SELECT ?file ?hash ?path ?chars ?encoding ?format ?text ?date ?precision ?source
                   ?missing WHERE { GRAPH ?g {
              ?g a uic:Document ; uic:fileName ?file ; uic:contentHash ?hash .
              OPTIONAL { ?g uic:path ?path } OPTIONAL { ?g uic:chars ?chars }
              OPTIONAL { ?g uic:encoding ?encoding } OPTIONAL { ?g uic:format ?format }
              OPTIONAL { ?g uic:text ?text } OPTIONAL { ?g dcterms:issued ?date }
              OPTIONAL { ?g uic:datePrecision ?precision } OPTIONAL { ?g uic:dateSource ?source }
              OPTIONAL { ?g uic:undatedBecause ?missing } } } ORDER BY ?file""")
        out: dict[str, dict] = {}
        for r in rows:
            rec = out.get(r["hash"])
            if rec is None:
                rec = out[r["hash"]] = {
                    "doc": r["file"], "doc_id": r["hash"], "path": None, "paths": [],
                    "chars": r.get("chars"), "encoding": r.get("encoding"),
                    "text": r.get("text"), "date": r.get("date"),
                    "date_precision": r.get("precision"), "date_source": r.get("source"),
                    "date_missing": r.get("missing")}
                if "format" in r:
                    rec["format"] = r["format"]
            if r.get("path") and r["path"] not in rec["paths"]:
                rec["paths"].append(r["path"])
        for rec in out.values():
            rec["paths"].sort()
            rec["path"] = rec["paths"][0] if rec["paths"] else None
        return sorted(out.values(), key=lambda rec: (rec["doc"], rec["path"] or "", rec["doc_id"]))

    def _entity_names(self) -> dict[str, dict]:
        """``{entity IRI: {"name": prefLabel, "type": class IRI}}`` of the entity graph."""
        rows = self.select(f"""
            SELECT ?e ?type ?name WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{
              VALUES ?type {{ {_TYPES} }} ?e a ?type ; skos:prefLabel ?name }} }}""")
        return {r["e"]: {"name": r["name"], "type": r["type"]} for r in rows}

    def entities(self) -> list[dict]:
        """Entity records ``{"name", "type", "aliases", "docs", "pinyin", "iri"}``.

        ``name`` is the canonical name (``skos:prefLabel``), ``aliases`` every
        other label any document used, ``docs`` the documents mentioning it.
        """
        names = self._entity_names()
        rows = [dict(names[r["e"]], e=r["e"], file=r["file"]) for r in self.select("""
            SELECT ?e ?file WHERE { GRAPH ?g { ?g uic:mentions ?e ; uic:fileName ?file } }""")
                if r["e"] in names]
        labels = self.select(f"""
            SELECT ?e ?label ?lang WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{
              VALUES ?type {{ {_TYPES} }}
              ?e a ?type ; skos:altLabel|rdfs:label ?label . BIND(LANG(?label) AS ?lang) }} }}""")
        ents: dict[str, dict] = {}
        for r in rows:
            ent = ents.setdefault(r["e"], {
                "name": r["name"], "type": r["type"][len(UIC):], "aliases": set(),
                "docs": set(), "pinyin": None, "iri": r["e"]})
            ent["docs"].add(r["file"])
        for r in labels:
            ent = ents.get(r["e"])
            if ent is None:
                continue
            if (r.get("lang") or "").lower() == PINYIN.lower():
                ent["pinyin"] = r["label"]
            elif r["label"] != ent["name"]:
                ent["aliases"].add(r["label"])
        out = []
        for ent in ents.values():
            ent["aliases"] = sorted(ent["aliases"])
            ent["docs"] = sorted(ent["docs"])
            out.append(ent)
        return sorted(out, key=lambda e: (e["type"], e["name"]))

    def relations(self) -> list[dict]:
        """Relation records with their evidence, one per evidence node.

        Keys: ``doc, doc_id, subject, predicate, object, subject_type,
        object_type, evidence, start, end, trigger, confidence, title,
        date, date_precision, date_source`` (the date of the statement,
        ``None`` when nothing dates it).
        """
        # Evidence from the document graphs, then names and types from the
        # entity graph by lookup (joining the two in one query lets the
        # engine pair every subject with every object first).
        names = {e: (r["name"], r["type"]) for e, r in self._entity_names().items()}
        rows = self.select("""
            SELECT ?file ?hash ?s ?p ?o ?sentence ?start ?end ?trigger ?confidence ?title
                   ?date ?precision ?source
            WHERE { GRAPH ?g {
              ?ev a uic:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
              ?g uic:fileName ?file ; uic:contentHash ?hash .
              OPTIONAL { ?ev uic:sentence ?sentence } OPTIONAL { ?ev uic:start ?start }
              OPTIONAL { ?ev uic:end ?end } OPTIONAL { ?ev uic:trigger ?trigger }
              OPTIONAL { ?ev uic:confidence ?confidence } OPTIONAL { ?ev uic:title ?title }
              OPTIONAL { ?ev dcterms:date ?date } OPTIONAL { ?ev uic:datePrecision ?precision }
              OPTIONAL { ?ev uic:dateSource ?source } } }""")
        rows = [dict(r, sname=names[r["s"]][0], stype=names[r["s"]][1],
                     oname=names[r["o"]][0], otype=names[r["o"]][1])
                for r in rows if r["s"] in names and r["o"] in names]
        out = [{"doc": r["file"], "doc_id": r["hash"], "subject": r["sname"],
                "predicate": r["p"][len(UIC):], "object": r["oname"],
                "subject_type": r["stype"][len(UIC):],
                "object_type": r["otype"][len(UIC):],
                "evidence": r.get("sentence"), "start": r.get("start"),
                "end": r.get("end"), "trigger": r.get("trigger"),
                "confidence": r.get("confidence"), "title": r.get("title"),
                "date": r.get("date"), "date_precision": r.get("precision"),
                "date_source": r.get("source")}
               for r in rows]
        return sorted(out, key=lambda r: (r["doc"], r["start"] if r["start"] is not None else -1,
                                          r["subject"], r["predicate"], r["object"]))

    def stats(self) -> dict:
        """Counts: documents (and per year of publication, and how many are
        undated), entities per type, relations per predicate.

        ``relations`` counts distinct (subject, predicate, object) triples,
        ``evidence`` the statements supporting them.
        """
        docs = self.select("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a uic:Document } }")
        years = self.select("""SELECT ?year (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {
            ?g a uic:Document OPTIONAL { ?g dcterms:issued ?date } }
            BIND(COALESCE(SUBSTR(STR(?date), 1, 4), "undated") AS ?year) } GROUP BY ?year""")
        ents = self.select(f"""SELECT ?type (COUNT(?e) AS ?n) WHERE {{
            GRAPH <{ENTITIES_GRAPH}> {{ VALUES ?type {{ {_TYPES} }} ?e a ?type }} }} GROUP BY ?type""")
        rels = self.select(f"""SELECT ?p (COUNT(*) AS ?n) WHERE {{
            GRAPH <{ENTITIES_GRAPH}> {{ VALUES ?p {{ {_PREDS} }} ?s ?p ?o }} }} GROUP BY ?p""")
        evs = self.select("SELECT (COUNT(?ev) AS ?n) WHERE { GRAPH ?g { ?ev a uic:Evidence } }")
        quads = [{"n": self.quad_count()}]
        entities = {r["type"][len(UIC):]: r["n"] for r in ents}
        relations = {r["p"][len(UIC):]: r["n"] for r in rels}
        by_year = {r["year"]: r["n"] for r in years}
        undated = by_year.pop("undated", 0)
        return {"documents": docs[0]["n"] if docs else 0,
                "documents_by_year": dict(sorted(by_year.items())),
                "undated": undated,
                "entities": sum(entities.values()),
                "entities_by_type": dict(sorted(entities.items())),
                "relations": sum(relations.values()),
                "relations_by_predicate": dict(sorted(relations.items())),
                "evidence": evs[0]["n"] if evs else 0,
                "quads": quads[0]["n"] if quads else 0}

    def quad_count(self) -> int:
        """Number of quads in all named graphs."""
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return rows[0]["n"] if rows else 0

    # -- export --
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every document graph."""
        names, rows = self._select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", False)
        for s, p, o, g in rows:
            yield ox.Quad(_to_term(s), _to_term(p), _to_term(o), _to_term(g))

    def export(self, fmt: str, out: str | Path | IO[bytes] | None = None,
               period=None) -> bytes | None:
        """Write the whole graph as ``ttl``, ``nq``, ``trig``, ``jsonld`` or
        ``csv`` (the network formats, GraphML among them, are
        :mod:`kg.export_formats`: they carry the analysis' scores).

        With a :class:`kg.analysis.period.Period`, only what the statements of that
        period support: their evidence and documents, their triples, the
        entities they relate (see :func:`quads_in_period`).

        ``ttl`` is the union of the document graphs (one graph, for tools that
        know no datasets); ``nq``, ``trig`` and ``jsonld`` keep the named
        graphs.  ``csv`` (Neo4j ``neo4j-admin import``: ``out`` is a
        directory receiving ``nodes.csv`` and ``relationships.csv``) is the
        entity–relation graph (:func:`entity_graph`), with evidence counts.  With ``out=None`` the bytes are returned.
        """
        if fmt == "csv":
            if out is None or not isinstance(out, (str, Path)):
                raise StoreError("E109", detail="csv export writes nodes.csv and "
                                 "relationships.csv: give a directory with --out DIR")
            return _export_csv(self, Path(out), period)
        if fmt in ("ttl", "nq", "trig", "jsonld"):
            quads = list(self.quads())
            if period:
                quads = quads_in_period(quads, period)
            if fmt == "ttl":
                items = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object)
                                           for q in quads))
                data = ox.serialize(items, format=ox.RdfFormat.TURTLE, prefixes=_VOCAB_PREFIXES)
            else:
                form = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                        "jsonld": ox.RdfFormat.JSON_LD}[fmt]
                kwargs = {"prefixes": _VOCAB_PREFIXES} if fmt == "trig" else {}
                data = ox.serialize(quads, format=form, **kwargs)
        else:
            raise StoreError("E109", detail=f"unknown export format {fmt!r}")
        return deliver(data, out)


def deliver(data: bytes, out: str | Path | IO[bytes] | None) -> bytes | None:
    """An export's bytes: written to the file or stream ``out``, or
    returned when ``out`` is ``None``.

    A file is written beside itself under a temporary name and renamed only
    once complete: a full disk leaves the previous file (or none), never a
    truncated one that looks like an export.

    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "g.nq")
    >>> deliver(b"x", out), open(out, "rb").read()
    (None, b'x')
    """
    if out is None:
        return data
    if isinstance(out, (str, Path)):
        target = Path(out)
        partial = target.with_name(f".{target.name}.part{os.getpid()}")
        try:
            partial.write_bytes(data)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    else:
        out.write(data)
    return None


def _term(value):
    """A pyoxigraph term from an IRI string or a term."""
    return value if isinstance(value, (ox.NamedNode, ox.Literal)) else ox.NamedNode(value)


def _parse_literal(text: str) -> str:
    """The lexical value of a literal written in N-Triples."""
    return next(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)).object.value


def doc_from_graph(graph: str) -> str:
    """The content hash (``doc_id``) of the document whose graph is ``graph``."""
    from kg.store.rdf import doc_from_iri
    return doc_from_iri(graph)


def _literal(value: str, lang: str | None = None) -> str:
    return str(ox.Literal(value, language=lang) if lang else ox.Literal(value))


def quads_in_period(quads: Iterable[ox.Quad], period) -> list[ox.Quad]:
    """The quads of what the statements of ``period`` support.

    Kept: the evidence dated in the period, the plain triples they name, the
    descriptions of the entities those relate, the documents of that
    evidence (with their mentions of those entities), the memberships that
    evidence states and their roles, the extractors.  Left out: everything
    else (undated evidence included).
    """
    quads = list(quads)
    evidence_type = ox.NamedNode(UIC + "Evidence")
    rdf_type = ox.NamedNode(RDF + "type")
    evidence = {q.subject for q in quads if q.predicate == rdf_type and q.object == evidence_type}
    dates = {q.subject: q.object.value for q in quads
             if q.subject in evidence and q.predicate.value == DCTERMS + "date"}
    kept_ev = {e for e in evidence if period.contains(dates.get(e))}
    parts: dict = defaultdict(dict)
    for q in quads:
        if q.subject in kept_ev:
            parts[q.subject][q.predicate.value] = q.object
    triples = {(p[RDF + "subject"], p[RDF + "predicate"], p[RDF + "object"])
               for p in parts.values()}
    entities = {t[0] for t in triples} | {t[2] for t in triples}
    docs = {p.get(PROV + "wasDerivedFrom") for p in parts.values()}
    memberships = {q.object for q in quads
                   if q.subject in kept_ev and q.predicate.value == UIC + "membership"}
    roles = {q.object for q in quads
             if q.subject in memberships and q.predicate.value == ORG + "role"}
    entity_prefix = KG + "entity/"
    relation_preds = {UIC + p for p in PREDICATES}
    out = []
    for q in quads:
        graph, s, p, o = q.graph_name.value, q.subject, q.predicate.value, q.object
        if s in evidence:
            if s in kept_ev:
                out.append(q)
            continue
        if graph != ENTITIES_GRAPH and ox.NamedNode(graph) not in docs:
            continue
        if p in relation_preds:
            if (s, q.predicate, o) in triples:
                out.append(q)
            continue
        if s.value.startswith(entity_prefix) and s not in entities:
            continue
        if p == UIC + "mentions" and o not in entities:
            continue
        if s.value.startswith(KG + "membership/") and s not in memberships:
            continue
        if s.value.startswith(KG + "title/") and s not in roles:
            continue
        out.append(q)
    return out


def entity_graph(store: KGStore, period=None) -> tuple[list[dict], dict[tuple, dict]]:
    """Entities and relations as node and edge dicts keyed by IRI (of the
    statements of ``period``, if given): the entity records, and
    ``{(subject IRI, object IRI, predicate): {"predicate", "count", "docs",
    "dates", "evidence", "title"}}`` (``dates``: of the dated statements).
    The graph that ``kg stats`` counts and the exports write
    (:mod:`kg.export_formats`, the ``csv`` export)."""
    ents = store.entities()
    relations = store.relations()
    if period:
        relations = [r for r in relations if period.contains(r.get("date"))]
        ends = {(r[k], r[f"{k}_type"]) for r in relations for k in ("subject", "object")}
        ents = [e for e in ents if (e["name"], e["type"]) in ends]
    by_key = {(e["name"], e["type"]): e["iri"] for e in ents}
    edges: dict[tuple, dict] = {}
    for r in relations:
        s = by_key[(r["subject"], r["subject_type"])]
        o = by_key[(r["object"], r["object_type"])]
        edge = edges.setdefault((s, o, r["predicate"]), {
            "predicate": r["predicate"], "count": 0, "docs": set(), "dates": set(),
            "evidence": r["evidence"] or "", "title": r["title"] or ""})
        edge["count"] += 1
        edge["docs"].add(r["doc"])
        if r.get("date"):
            edge["dates"].add(r["date"])
    return ents, edges


def _export_csv(store: KGStore, folder: Path, period=None) -> None:
    ents, edges = entity_graph(store, period)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "nodes.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id:ID", "name", "type", "pinyin", "aliases:string[]",
                         "docs:string[]", ":LABEL"])
        for e in ents:
            writer.writerow([e["iri"], e["name"], e["type"], e["pinyin"] or "",
                             ";".join(e["aliases"]), ";".join(e["docs"]),
                             f"Entity;{e['type']}"])
    with open(folder / "relationships.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([":START_ID", ":END_ID", ":TYPE", "count:int",
                         "docs:string[]", "title", "evidence"])
        for (s, o, p), attrs in sorted(edges.items()):
            writer.writerow([s, o, p, attrs["count"], ";".join(sorted(attrs["docs"])),
                             attrs["title"], attrs["evidence"]])


#: Labels a stored entity is found by: ``?kind`` "label" for its canonical
#: name and aliases, "hidden" for the core name of a company.
#: ``?alt`` tells an alias (which another document must have used for the
#: label to count) from the canonical name and hidden labels.
_LABEL_PATTERN = """
    { ?e skos:prefLabel ?label . BIND("label" AS ?kind) BIND(false AS ?alt) }
    UNION { ?e skos:altLabel ?label . BIND("label" AS ?kind) BIND(true AS ?alt) }
    UNION { ?e skos:hiddenLabel ?label . BIND("hidden" AS ?kind) BIND(false AS ?alt) }
    ?e a ?type ; skos:prefLabel ?pref ."""


def _lookup_labels(result: dict) -> set[str]:
    """Every name, alias and company core name of ``result``'s entities."""
    from kg.extraction.aliases import corpus_short_forms

    labels = set()
    for ent in result.get("entities", ()):
        labels.add(ent["name"])
        labels.update(a for a in ent.get("aliases", ()) or () if a)
        labels.update(corpus_short_forms(ent))
    return labels


def _resolver_over(found: dict):
    """``resolve(type, name, aliases) -> (iri, canonical name) | None`` over
    ``found``: ``{(type, label): {(iri, prefLabel, kind)}}`` of stored
    entities, ``kind`` being "label" (name or alias) or "hidden" (a
    company's core name).

    A stored entity of the same type is reused when

    1. the new name is one of its names or aliases (the one whose canonical
       name it is first);
    2. failing that, exactly one stored entity has one of the new entity's
       aliases as its canonical name;
    3. failing that, exactly one stored company is the full name of the new
       short one or the short name of the new full one, by core name
       (聚石化学 ~ 广东聚石化学股份有限公司, in either order); two full names
       with one core (广东… and 浙江…) are not merged.

    The canonical name returned is always the stored one, so every graph
    gives an entity the same ``skos:prefLabel`` (a full company name met
    after its short form becomes an alias of it).
    """
    from kg.extraction.aliases import corpus_short_forms

    def resolve(type_: str, name: str, aliases: list):
        named = {(i, p) for i, p, kind in found.get((type_, name), ()) if kind == "label"}
        for iri, pref in sorted(named):
            if pref == name:
                return iri, pref
        if named:
            return sorted(named)[0]
        canon = {(i, p) for a in aliases for i, p, kind in found.get((type_, a), ())
                 if kind == "label" and p == a}
        if len(canon) == 1:
            return canon.pop()
        if canon:
            return None
        # a short name that is a stored company's core, or a full name whose
        # core a stored company goes by (two full names never merge this way)
        shared = {(i, p) for i, p, _ in found.get((type_, name), ())}
        shared |= {(i, p) for f in corpus_short_forms({"name": name, "type": type_})
                   for i, p, kind in found.get((type_, f), ()) if kind == "label"}
        if len({i for i, _ in shared}) != 1:
            return None
        return min(shared)

    return resolve


class LabelIndex:
    """The labels of stored entities, for resolving a new document's
    entities during a build — the answers of :meth:`KGStore.resolver`
    without its query per document.

    Why: the resolver's query checks, for every label, which documents
    mention the entity, which visits every document that names a hub; a
    build slows down as the store grows.  Here each label is looked up in
    the store once, the first time a document uses it, and the index is
    then updated from the quads of every document written.

    Entries are ``label → {(entity, type, prefLabel, kind): {graphs}}``, the
    graphs being the documents that support the label (those that mention
    the entity; for an alias, those that used it), so that a document's own
    (old) graph is left out as the query's filters do.

    >>> import tempfile, os
    >>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
    >>> index = LabelIndex(store)
    >>> result = {"document": {"doc": "a.txt", "doc_id": "0" * 16}, "relations": [],
    ...           "entities": [{"name": "某某大学", "type": "University", "aliases": []}]}
    >>> index.resolver(result)("University", "某某大学", []) is None     # empty store
    True
    >>> from kg.store.rdf import document_quads
    >>> quads = document_quads(result, index.resolver(result))
    >>> store.replace_document("0" * 16, quads); index.written("0" * 16, quads)
    >>> result["document"].update(doc="b.txt", doc_id="1" * 16)
    >>> index.resolver(result)("University", "某某大学", [])[1]
    '某某大学'
    """

    def __init__(self, store: KGStore):
        self.store = store
        self.entries: dict[str, dict[tuple[str, str, str], set[str]]] = {}
        self.by_graph: dict[str, list[tuple[str, tuple]]] = {}

    def _lookup(self, labels: set[str]) -> None:
        """Load the entries of ``labels`` not seen yet from the store."""
        missing = sorted(label for label in labels if label not in self.entries)
        if not missing:
            return
        values = " ".join(str(ox.Literal(label, language=ZH)) for label in missing)
        rows = self.store.select(f"""
            SELECT DISTINCT ?g ?e ?type ?pref ?label ?kind WHERE {{
              VALUES ?label {{ {values} }}
              {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e skos:prefLabel ?label . BIND("label" AS ?kind) }}
                 GRAPH ?g {{ ?g uic:mentions ?e }} }}
              UNION {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e skos:altLabel ?label . BIND("label" AS ?kind) }}
                       GRAPH ?g {{ ?e uic:mentionedAs ?label }} }}
              UNION {{ GRAPH <{ENTITIES_GRAPH}> {{ ?e skos:hiddenLabel ?label . BIND("hidden" AS ?kind) }}
                       GRAPH ?g {{ ?g uic:mentions ?e }} }}
              GRAPH <{ENTITIES_GRAPH}> {{ ?e a ?type ; skos:prefLabel ?pref }} }}""")
        for label in missing:
            self.entries[label] = {}
        for r in rows:
            self._add(r["g"], r["label"], (r["e"], r["type"], r["pref"], r["kind"]))

    def _add(self, graph: str, label: str, key: tuple[str, str, str, str]) -> None:
        graphs = self.entries[label].setdefault(key, set())
        if graph not in graphs:
            graphs.add(graph)
            self.by_graph.setdefault(graph, []).append((label, key))

    def resolver(self, result: dict):
        """Like :meth:`KGStore.resolver` (``None`` for a document without
        entities): ``resolve(type, name, aliases) -> (iri, prefLabel) | None``."""
        labels = _lookup_labels(result)
        if not labels:
            return None
        self._lookup(labels)
        own = document_iri(result["document"]["doc_id"])
        found: dict[tuple[str, str], set] = {}
        for label in labels:
            for (iri, type_, pref, kind), graphs in self.entries[label].items():
                if type_.startswith(UIC) and (len(graphs) > 1 or own not in graphs):
                    found.setdefault((type_[len(UIC):], label), set()).add((iri, pref, kind))
        return _resolver_over(found)

    def written(self, doc_id: str, quads: list) -> None:
        """Update the index after the graph of document ``doc_id`` was
        replaced by ``quads`` (no quads: it was removed)."""
        graph = document_iri(doc_id)
        for label, key in self.by_graph.pop(graph, ()):
            graphs = self.entries[label].get(key)
            if graphs is not None:
                graphs.discard(graph)
                if not graphs:
                    del self.entries[label][key]
        types: dict[str, list[str]] = {}
        prefs: dict[str, list[str]] = {}
        labels: dict[str, list[str]] = {}
        for q in quads:
            if q.graph_name.value != ENTITIES_GRAPH:
                continue
            p, o = q.predicate.value, q.object
            if p == RDF + "type":
                types.setdefault(q.subject.value, []).append(o.value)
            elif p in (SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel") \
                    and getattr(o, "language", None) == ZH:
                kind = "hidden" if p == SKOS + "hiddenLabel" else "label"
                labels.setdefault(q.subject.value, []).append((o.value, kind))
                if p == SKOS + "prefLabel":
                    prefs.setdefault(q.subject.value, []).append(o.value)
        for entity, names in labels.items():
            for label, kind in names:
                if label not in self.entries:
                    continue        # not looked up yet: the store will be asked
                for type_ in types.get(entity, ()):
                    for pref in prefs.get(entity, ()):
                        self._add(graph, label, (entity, type_, pref, kind))


#: The file, in a local store's folder, counting its updates (:meth:`KGStore.generation`).
GENERATION_FILE = "kg-generation"


#: The file ``kg serve`` keeps in a store's folder while it serves it: its
#: process id and address, so that other commands can say who holds the store.
SERVED_FILE = "kg-serve.json"


def served_by(path: str | Path) -> dict | None:
    """``{"pid", "url"}`` of the live ``kg serve`` that holds the store at
    ``path`` (another process than this one or the one that started it: the
    server's own update process writes), else ``None``.

    >>> import tempfile
    >>> served_by(tempfile.mkdtemp()) is None
    True
    """
    import os

    try:
        info = json.loads((Path(path) / SERVED_FILE).read_text(encoding="utf-8"))
        pid = int(info["pid"])
        if pid in (os.getpid(), os.getppid()):
            return None
        os.kill(pid, 0)                    # alive? (signal 0 only asks)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


class LocalStore(KGStore):
    """An on-disk :mod:`pyoxigraph` store in directory ``path``.

    While another process holds the store (``kg serve``, a build), or on a
    read-only file system, it is opened read-only: every query answers, and
    an update is refused with a line that says who holds the store (E113).
    ``read_only=True`` asks for that from the start.
    """

    def __init__(self, path: str | Path, read_only: bool = False):
        self.location = str(path)
        self.held_by = served_by(path)
        self.read_only = read_only or self.held_by is not None
        try:
            self._store = ox.Store.read_only(str(path)) if self.read_only else ox.Store(str(path))
        except (OSError, RuntimeError) as exc:
            problem = self._problem(exc)
            if self.read_only or problem.code not in ("E105", "E110"):
                raise problem from None
            try:                            # held by another process, or a read-only disk
                self._store = ox.Store.read_only(str(path))
            except (OSError, RuntimeError):
                raise problem from None
            self.read_only = True
            self.held_by = {"why": "in use by another process" if problem.code == "E105"
                            else str(exc).splitlines()[0] if str(exc) else "read-only"}

    def _refuse_writes(self) -> None:
        if not self.read_only:
            return
        held = self.held_by or {}
        if held.get("pid"):
            why = f"served by kg serve (PID {held['pid']}, {held.get('url', '')})"
            fix = ("stop that server (Ctrl-C where it runs), then run this again"
                   + (", or send the update to its endpoint" if held.get("updates") else ""))
        else:
            why = held.get("why", "opened read-only")
            fix = "wait for the other process to finish, or give another --store"
        raise StoreError("E113", path=self.location, why=why, fix=fix)

    def _problem(self, exc: Exception) -> StoreError:
        """The one-line :class:`StoreError` for an error of RocksDB."""
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "lock" in msg.lower():
            return StoreError("E105", path=self.location)
        if isinstance(exc, RuntimeError) or "corrupt" in msg.lower():
            return StoreError("E106", path=self.location, detail=msg)
        return StoreError("E110", path=self.location, detail=msg)

    def _run(self, query: str, union: bool):
        try:
            return self._store.query(query, use_default_graph_as_union=union)
        except SyntaxError as exc:
            unknown = unknown_prefixes(query, set()) if "Prefix not found" in str(exc) else []
            if unknown:
                raise StoreError("E312", prefixes=", ".join(f"{p}:" for p in unknown),
                                 first=unknown[0],
                                 known=" ".join(f"{p}:" for p in PREFIXES)) from None
            raise syntax_error(exc, _PREFIX_LINES) from None
        except (OSError, RuntimeError) as exc:
            raise self._problem(exc) from None

    def _select(self, query, union):
        result = self._run(query, union)
        names = [v.value for v in result.variables]
        # a term repeated from row to row (a name, a file) is one dict, read
        # only: one dict per distinct term, not per cell
        seen: dict = {}

        def cell(term):
            if term is None:
                return None
            json_term = seen.get(term)
            if json_term is None:
                json_term = seen[term] = _json_term(term)
            return json_term

        rows = [[cell(t) for t in solution] for solution in result]
        return names, rows

    def _ask(self, query, union):
        return bool(self._run(query, union))

    def _construct(self, query, union):
        triples = self._run(query, union)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def stream(self, sparql, *, union=True):
        kind = check_query(sparql, allow_federation=self.allow_federation)
        union = union and not dataset_clauses(sparql)    # FROM / FROM NAMED govern
        result = self._run(sparql_prefixes() + sparql, union)
        if kind == "select":
            names = [v.value for v in result.variables]
            width = len(names)

            def rows():
                for solution in result:
                    yield [_json_term(solution[i]) for i in range(width)]
            return Stream(kind=kind, vars=names, rows=rows())
        if kind == "ask":
            return Stream(kind=kind, boolean=bool(result))
        return Stream(kind=kind, triples=iter(result))

    def update(self, update):
        self._refuse_writes()
        try:
            self._store.update(update)
        except SyntaxError as exc:
            raise syntax_error(exc, _PREFIX_LINES) from None
        except (OSError, RuntimeError) as exc:
            raise self._problem(exc) from None
        finally:     # whatever was computed from the previous generation is stale
            path = Path(self.location) / GENERATION_FILE
            path.write_text(str(self.generation() + 1), encoding="ascii")

    def generation(self) -> int:
        """The count of updates kept in ``GENERATION_FILE`` in the store's folder.

        >>> import tempfile
        >>> store = LocalStore(tempfile.mkdtemp())
        >>> before = store.generation()
        >>> store.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
        >>> store.generation() - before
        1
        """
        try:
            return int((Path(self.location) / GENERATION_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            return 0

    def compact(self) -> None:
        """Flush and compact the on-disk files (the write-ahead log of a
        build would otherwise stay on disk until the store is next opened)."""
        if self.read_only:
            return
        try:
            self._store.flush()
            self._store.optimize()
        except (OSError, RuntimeError) as exc:
            raise self._problem(exc) from None
        # RocksDB deletes the write-ahead logs it no longer needs when the
        # database is opened: close and reopen it now rather than leave
        # them on disk until the next command (they were 3 × the data).
        self._store = None
        self._store = ox.Store(self.location)

    def reopen(self) -> None:
        """Open the store again after :meth:`close`: ``kg serve`` closes it
        while an update runs in a process of its own (one that can be ended
        past its time limit)."""
        self._store = (ox.Store.read_only(self.location) if self.read_only
                       else ox.Store(self.location))

    def quad_count(self):
        return len(self._store) - len(list(self._store.quads_for_pattern(
            None, None, None, ox.DefaultGraph())))

    def quads(self):
        for quad in self._store.quads_for_pattern(None, None, None, None):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                yield quad

    def close(self):
        if getattr(self, "_store", None) is not None:
            try:
                if not self.read_only:
                    self._store.flush()
            except (OSError, RuntimeError) as exc:
                raise self._problem(exc) from None
            finally:
                self._store = None
                # RocksDB starts a new info log at every opening and keeps the
                # old ones (LOG.old.<time>): they would pile up, one per command.
                for old in Path(self.location).glob("LOG.old.*"):
                    try:
                        old.unlink()
                    except OSError:
                        pass


class RemoteStore(KGStore):
    """A SPARQL 1.1 server: ``url/query`` and ``url/update`` endpoints.

    The union of the document graphs is passed as the default graph with the
    standard ``default-graph-uri`` protocol parameter, so the server needs no
    special configuration.
    """

    def __init__(self, url: str, timeout: float = 120.0):
        self.location = url.rstrip("/")
        base = self.location
        for suffix in ("/query", "/sparql", "/update"):
            if base.endswith(suffix):
                base = base[: -len(suffix)]
        self.query_url = base + "/query"
        self.update_url = base + "/update"
        self.timeout = timeout
        #: ``kg serve``'s own endpoint (``…/sparql``, queries and updates at
        #: one address; its default graph is already the union, and an update
        #: carries the token it printed, from ``KG_TOKEN``)
        self.kg_server = self.location.endswith("/sparql") and self._is_kg_server(base)
        if self.location.endswith("/sparql"):
            self.query_url = self.update_url = self.location

    def _is_kg_server(self, base: str) -> bool:
        from urllib import request as urlrequest   # here: most commands never talk to a server

        try:
            with urlrequest.urlopen(base + "/api/stats", timeout=self.timeout) as resp:
                return "documents" in json.loads(resp.read())
        except (OSError, ValueError):
            return False

    def _post(self, url: str, params: list, accept: str) -> bytes:
        body = urllib.parse.urlencode(params).encode("utf-8")
        from urllib import error as urlerror, request as urlrequest   # here: most
        # commands never talk to a server

        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        if getattr(self, "kg_server", False) and os.environ.get("KG_TOKEN"):
            headers["X-KG-Token"] = os.environ["KG_TOKEN"]
        req = urlrequest.Request(url, data=body, method="POST", headers=headers)
        try:
            with urlrequest.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urlerror.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError("E109", detail=f"{url}: HTTP {exc.code}: "
                             f"{detail[0] if detail else exc.reason}") from None
        except (urlerror.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError("E109", detail=f"cannot reach SPARQL server {self.location}: "
                                            f"{reason}") from None

    def _graphs(self) -> list[str]:
        data = json.loads(self._post(self.query_url, [(
            "query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")],
            "application/sparql-results+json"))
        return [b["g"]["value"] for b in data["results"]["bindings"]]

    def _query(self, query: str, union: bool, accept: str) -> bytes:
        params = [("query", query)]
        if union and not self.kg_server:
            graphs = self._graphs()
            # An empty list would mean "the server's default"; name a graph
            # that holds nothing instead.  The same graphs stay named graphs
            # (a dataset given by default-graph-uri alone has none), so that
            # GRAPH ?d { … } answers as on a directory store.
            graphs = graphs or [KG + "empty"]
            params += [("default-graph-uri", g) for g in graphs]
            params += [("named-graph-uri", g) for g in graphs]
        return self._post(self.query_url, params, accept)

    def _select(self, query, union):
        data = json.loads(self._query(query, union, "application/sparql-results+json"))
        names = data["head"].get("vars", [])
        rows = [[b.get(n) for n in names] for b in data["results"]["bindings"]]
        return names, rows

    def _ask(self, query, union):
        return bool(json.loads(self._query(query, union, "application/sparql-results+json"))["boolean"])

    def _construct(self, query, union):
        data = self._query(query, union, "application/n-triples")
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")

    def update(self, update):
        self._post(self.update_url, [("update", update)], "*/*")


def is_url(location: str) -> bool:
    """Whether ``location`` names a SPARQL server rather than a directory."""
    return bool(re.match(r"https?://", str(location)))


def open_store(location: str | Path, create: bool = False, read_only: bool = False) -> KGStore:
    """Open the store at ``location``: a directory or a SPARQL server URL.

    Parameters
    ----------
    location : str or Path
        Directory of an on-disk store, or ``http(s)://`` URL of a SPARQL
        1.1 server (``URL/query`` and ``URL/update``).
    create : bool
        Create the directory store if it does not exist.  A directory that
        exists, is not empty and is not a store is never written to.

    Raises
    ------
    StoreError
        With a one-line message, when the location is not a store.

    Examples
    --------
    The message for a missing store names the stores below the working
    directory, so the example runs in an empty one (whatever the checkout
    holds, ``out/store`` after ``make demo`` included):

    >>> import contextlib, tempfile
    >>> with contextlib.chdir(tempfile.mkdtemp()):
    ...     try:
    ...         open_store("kg-store")
    ...     except StoreError as exc:
    ...         print(exc)
    E101 no store at kg-store (build one with `kg build PATH --store kg-store`)
    """
    if is_url(str(location)):
        return RemoteStore(str(location))
    path = Path(location)
    if path.exists() and not path.is_dir():
        raise StoreError("E102", path=path)
    if path.is_dir():
        if not (path / "CURRENT").is_file():
            if any(path.iterdir()):
                raise StoreError("E103", path=path)
            if not create:
                raise StoreError("E104", path=path)
    elif not create:
        raise StoreError("E101", path=path, found=_stores_nearby(path))
    else:
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise StoreError("E107", path=path, detail=exc.strerror or str(exc)) from None
    store = LocalStore(path, read_only=read_only)
    _check_model(store)
    return store


#: Lines that :func:`kg.store.rdf.sparql_prefixes` puts before a user's query.
_PREFIX_LINES = sparql_prefixes().count("\n")


def find_stores(root: str | Path = ".", depth: int = 2) -> list[Path]:
    """Store directories (holding RocksDB's ``CURRENT`` and ``OPTIONS-*``
    files) at most ``depth`` levels below ``root``, hidden folders and
    ``.venv`` skipped; for the message that a store is not where it was
    looked for.

    >>> import tempfile
    >>> find_stores(tempfile.mkdtemp())
    []
    """
    root = Path(root)
    found = []

    def walk(folder: Path, level: int) -> None:
        try:
            children = sorted(p for p in folder.iterdir() if p.is_dir()
                              and not p.name.startswith(".") and p.name != "node_modules")
        except OSError:
            return
        for child in children:
            if (child / "CURRENT").is_file() and any(child.glob("OPTIONS-*")):
                found.append(child)
            elif level < depth:
                walk(child, level + 1)

    walk(root, 1)
    return found


def _stores_nearby(path: Path) -> str:
    """`` (build one with …)`` or ``; a store exists at out/store (use …)``."""
    stores = [str(p) for p in find_stores(".")]
    if not stores:
        return f" (build one with `kg build PATH --store {path}`)"
    shown = ", ".join(stores[:5]) + (" …" if len(stores) > 5 else "")
    verb = "a store exists at" if len(stores) == 1 else "stores exist at"
    return (f"; {verb} {shown} (use --store {stores[0]}), or build one with "
            f"`kg build PATH --store {path}`")


def _check_model(store: KGStore) -> None:
    """Refuse a store written before the entity graph existed (entity
    descriptions repeated in every document graph): its answers would
    multiply, and removals would not keep it right."""
    # a label in any graph but the entity graph: one pass over the labels
    # (10 ms at 10 000 articles, where a look into each document took 90)
    if store._ask(sparql_prefixes() + "ASK { GRAPH ?g { ?e skos:prefLabel ?l } "
                  f"FILTER(?g != <{ENTITIES_GRAPH}>) }}", False):
        location = store.location
        store.close()
        raise StoreError("E111", path=location)
