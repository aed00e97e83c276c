"""The SPARQL 1.1 Protocol over a kg store: what ``kg serve`` answers at ``/sparql``.

Any SPARQL client (rdflib's ``SPARQLStore``, Yasgui, ``curl``) sends a query
by ``GET ?query=…``, by ``POST`` of a form (``query=…``) or of the query
itself (``Content-Type: application/sparql-query``), and gets the answer in
the format its ``Accept`` header asks for: SPARQL results as JSON, XML, CSV
or TSV for SELECT and ASK; Turtle, N-Triples or RDF/XML for CONSTRUCT and
DESCRIBE.  The default graph is the union of all graphs, as for ``kg
sparql``, and kg's prefixes (``uic:``, ``kg:``, ``prov:`` …) are predeclared.

The endpoint is read-only unless the server was started with
``--allow-update``: an update (``POST update=…`` or
``application/sparql-update``) is refused with 403.  Two limits keep one
query from taking the server down: :attr:`Limits.timeout` (the answer stops
and the client gets 503) and :attr:`Limits.max_rows` (the answer is cut
there and says so in the ``X-KG-Truncated`` header).

This module is HTTP-framework free: :func:`parse_request` reads the
protocol's parameters, :func:`evaluate` runs a query within the limits,
:func:`negotiate` and :func:`serialize` write the answer.  Problems are
:class:`ProtocolError` with an HTTP status and a one-line coded message.

Example
-------
>>> import os, tempfile
>>> from kg.store.backends import open_store
>>> store = open_store(os.path.join(tempfile.mkdtemp(), "s"), create=True)
>>> op, text = parse_request("GET", {"query": "SELECT ?x WHERE { VALUES ?x { 1 2 } }"}, None, b"")
>>> answer = evaluate(store, text, Limits(max_rows=1))
>>> media, fmt = negotiate(answer.kind, "text/csv")
>>> serialize(answer, fmt), answer.truncated
('x\\r\\n1\\r\\n', True)
"""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Mapping
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.messages import KGError
from kg.store.backends import StoreError, check_query

__all__ = ["Limits", "Answer", "ProtocolError", "parse_request", "evaluate",
           "negotiate", "serialize", "RESULT_FORMATS", "GRAPH_FORMATS"]

#: SELECT/ASK result formats: name → media type (the first is the default).
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: CONSTRUCT/DESCRIBE formats: name → media type (the first is the default).
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
#: Other media types clients send for the same formats.
_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml",
            "text/plain": "ntriples", "application/x-turtle": "turtle"}
_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
               "rdfxml": ox.RdfFormat.RDF_XML}


@dataclass(frozen=True)
class Limits:
    """What one query may take: ``timeout`` seconds, ``max_rows`` rows
    (or triples) and about ``max_bytes`` bytes in its answer."""

    timeout: float = 30.0
    max_rows: int = 100_000
    max_bytes: int = 32 << 20


class ProtocolError(KGError):
    """A request that gets no answer: ``http_status`` and a coded message."""

    def __init__(self, code: str, http_status: int, **fields):
        super().__init__(code, **fields)
        self.http_status = http_status

    def __reduce__(self):
        return (_rebuild, (self.code, self.http_status, self.fields))


def _rebuild(code, http_status, fields):
    return ProtocolError(code, http_status, **fields)


def parse_request(method: str, params: Mapping, content_type: str | None,
                  body: bytes) -> tuple[str, str]:
    """``("query" | "update", text)`` of a SPARQL Protocol request.

    ``params`` are the URL's query parameters; ``body`` the request body,
    read as a form (``application/x-www-form-urlencoded``) or as the
    query or update itself (``application/sparql-query``,
    ``application/sparql-update``).  Raises :class:`ProtocolError` (400,
    E309) for anything else, and for ``default-graph-uri`` or
    ``named-graph-uri``: the default graph here is always the union of all
    graphs (``FROM`` and ``GRAPH`` in the query choose graphs).

    >>> parse_request("POST", {}, "application/sparql-update", "DROP ALL".encode())
    ('update', 'DROP ALL')
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    fields = {k: v for k, v in params.items()}
    if method == "POST":
        if kind == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(_text(body), keep_blank_values=True)
            fields.update({k: v[0] for k, v in form.items()})
        elif kind == "application/sparql-query":
            fields["query"] = _text(body)
        elif kind == "application/sparql-update":
            fields["update"] = _text(body)
        elif body:
            raise ProtocolError("E309", 415, detail=(
                f"cannot read a body of type {kind or 'none'!r}: send "
                "application/x-www-form-urlencoded, application/sparql-query or "
                "application/sparql-update"))
    elif method != "GET":
        raise ProtocolError("E309", 405, detail=f"method {method} is not allowed: use GET or POST")
    for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri",
                 "using-named-graph-uri"):
        if name in fields:
            raise ProtocolError("E309", 400, detail=(
                f"{name} is not supported: the default graph is the union of all "
                "graphs (use FROM or GRAPH in the query)"))
    if "query" in fields and "update" in fields:
        raise ProtocolError("E309", 400, detail="give query or update, not both")
    if "update" in fields:
        if method != "POST":
            raise ProtocolError("E309", 405, detail="an update must be sent by POST")
        return "update", fields["update"]
    if not (fields.get("query") or "").strip():
        raise ProtocolError("E309", 400, detail=(
            "no query: give query=… (GET, or a POST form) or POST the query as "
            "application/sparql-query"))
    return "query", fields["query"]


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("E309", 400, detail="the request body is not UTF-8") from None


@dataclass
class Answer:
    """A query's answer, read within the limits (:func:`evaluate`)."""

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0


def evaluate(store, text: str, limits: Limits = Limits(), *,
             deadline: float | None = None) -> Answer:
    """Run the query ``text`` on ``store`` and read its answer, at most
    ``limits.max_rows`` rows (``truncated`` says whether there were more),
    raising :class:`ProtocolError` (503, E306) once ``deadline``
    (``time.monotonic()``; default: now + ``limits.timeout``) is past.

    An update is refused here (403, E310): :func:`kg.store.backends.KGStore.query`
    with ``allow_update`` runs those.  A query that sorts or groups is
    evaluated whole by Oxigraph before its first row: the deadline is then
    enforced by the caller, which stops waiting (``kg serve`` does).
    """
    start = time.monotonic()
    deadline = deadline if deadline is not None else start + limits.timeout
    try:
        kind = check_query(text, allow_federation=store.allow_federation)
    except StoreError as exc:
        raise _as_protocol(exc) from None
    try:
        stream = store.stream(text)
    except StoreError as exc:
        raise _as_protocol(exc) from None
    answer = Answer(kind=kind, vars=stream.vars, boolean=stream.boolean)
    source = stream.rows if kind == "select" else stream.triples
    out = answer.rows if kind == "select" else answer.triples
    if kind != "ask":
        size = 0
        try:
            for n, item in enumerate(source):
                if n >= limits.max_rows:
                    answer.truncated = True
                    break
                size += _size(item)
                if size > limits.max_bytes:          # an answer of inflated literals
                    answer.truncated = True
                    break
                if not n % 256 and time.monotonic() > deadline:
                    raise ProtocolError("E306", 503, limit=limits.timeout)
                out.append(item)
        except StoreError as exc:
            raise _as_protocol(exc) from None
        except (OSError, RuntimeError, ValueError) as exc:   # Oxigraph's evaluation errors
            raise ProtocolError("E309", 400, detail=f"query failed: {str(exc).splitlines()[0]}") from None
    if time.monotonic() > deadline:
        raise ProtocolError("E306", 503, limit=limits.timeout)
    answer.seconds = time.monotonic() - start
    return answer


def _size(item) -> int:
    """About how many bytes a row (JSON terms) or a triple takes in an answer."""
    if isinstance(item, list):
        return sum(len(c["value"]) + 16 for c in item if c) + 8
    return len(str(item))


def _as_protocol(exc: StoreError) -> ProtocolError:
    if exc.code == "E303":
        return ProtocolError("E310", 403)
    if exc.code == "E311":                  # SERVICE / LOAD without --allow-federation
        err = ProtocolError("E309", 403, detail=exc.message)
        err.code, err.message = exc.code, exc.message
        return err
    status = 400 if exc.code.startswith("E3") else 500
    err = ProtocolError("E309", status, detail=exc.message)
    err.code, err.message = exc.code, exc.message     # keep the store's own code
    return err


def negotiate(kind: str, accept: str | None, fmt: str | None = None) -> tuple[str, str]:
    """``(media type, format name)`` for an answer of ``kind``: ``fmt``
    (a name of :data:`RESULT_FORMATS` or :data:`GRAPH_FORMATS`) if given,
    else the client's ``Accept`` header (q-values honoured, ``*/*`` and
    none: the first format). Raises :class:`ProtocolError` 406 (E308).

    >>> negotiate("select", "text/csv;q=0.5, application/sparql-results+json")
    ('application/sparql-results+json', 'json')
    >>> negotiate("construct", None)
    ('text/turtle', 'turtle')
    """
    offered = GRAPH_FORMATS if kind in ("construct", "describe") else RESULT_FORMATS
    if fmt:
        if fmt not in offered:
            raise ProtocolError("E308", 406, accept=f"format={fmt}",
                                offered=", ".join(offered))
        return offered[fmt], fmt
    by_media = {m: name for name, m in offered.items()}
    by_media.update({m: name for m, name in _ALIASES.items() if name in offered})
    wanted = []
    for i, part in enumerate((accept or "*/*").split(",")):
        media, *options = [p.strip() for p in part.split(";")]
        q = 1.0
        for opt in options:
            if opt.startswith("q="):
                try:
                    q = float(opt[2:])
                except ValueError:
                    q = 0.0
        wanted.append((-q, i, media.lower()))
    for negq, _, media in sorted(wanted):
        if negq >= 0:
            continue
        if media in by_media:
            return offered[by_media[media]], by_media[media]
        if media in ("*/*", "application/*", "text/*") or not media:
            first = next(iter(offered))
            if media == "text/*":
                first = next((n for n, m in offered.items() if m.startswith("text/")), first)
            return offered[first], first
    raise ProtocolError("E308", 406, accept=accept or "", offered=", ".join(offered.values()))


def serialize(answer: Answer, fmt: str) -> str:
    """The answer in format ``fmt`` (see :func:`negotiate`), as text."""
    if answer.kind in ("construct", "describe"):
        data = ox.serialize(answer.triples, format=_OX_FORMATS[fmt])
        return (data or b"").decode("utf-8")
    return _WRITERS[fmt](answer)


def _json(answer: Answer) -> str:
    if answer.kind == "ask":
        return json.dumps({"head": {}, "boolean": answer.boolean})
    bindings = [{v: c for v, c in zip(answer.vars, row) if c is not None}
                for row in answer.rows]
    return json.dumps({"head": {"vars": answer.vars}, "results": {"bindings": bindings}},
                      ensure_ascii=False)


def _xml(answer: Answer) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
           "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in answer.vars]
    out.append("</head>")
    if answer.kind == "ask":
        out.append(f"<boolean>{'true' if answer.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in answer.rows:
            out.append("<result>")
            for v, c in zip(answer.vars, row):
                if c is None:
                    continue
                out.append(f"<binding name={quoteattr(v)}>{_xml_term(c)}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>\n")
    return "\n".join(out)


def _xml_term(c: dict) -> str:
    if c["type"] == "uri":
        return f"<uri>{escape(c['value'])}</uri>"
    if c["type"] == "bnode":
        return f"<bnode>{escape(c['value'])}</bnode>"
    attrs = ""
    if "xml:lang" in c:
        attrs = f" xml:lang={quoteattr(c['xml:lang'])}"
    elif c.get("datatype"):
        attrs = f" datatype={quoteattr(c['datatype'])}"
    return f"<literal{attrs}>{escape(c['value'])}</literal>"


def _csv(answer: Answer) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if answer.kind == "ask":
        writer.writerow(["_askResult"])
        writer.writerow(["true" if answer.boolean else "false"])
        return buf.getvalue()
    writer.writerow(answer.vars)
    for row in answer.rows:
        writer.writerow(["" if c is None else
                         ("_:" + c["value"]) if c["type"] == "bnode" else c["value"]
                         for c in row])
    return buf.getvalue()


def _tsv_term(c: dict | None) -> str:
    if c is None:
        return ""
    if c["type"] == "uri":
        return f"<{c['value']}>"
    if c["type"] == "bnode":
        return f"_:{c['value']}"
    value = (c["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
             .replace("\r", "\\r").replace("\t", "\\t"))
    if "xml:lang" in c:
        return f'"{value}"@{c["xml:lang"]}'
    if c.get("datatype"):
        return f'"{value}"^^<{c["datatype"]}>'
    return f'"{value}"'


def _tsv(answer: Answer) -> str:
    if answer.kind == "ask":
        return "?_askResult\n" + ("true" if answer.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in answer.vars)]
    lines += ["\t".join(_tsv_term(c) for c in row) for row in answer.rows]
    return "\n".join(lines) + "\n"


_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
