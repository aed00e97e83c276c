"""What a SPARQL text asks for, read from its tokens before it runs.

Oxigraph parses a query when it runs it; some questions must be answered
before that: does the query name its own dataset (``FROM``, ``FROM NAMED``,
which the store's union default graph must then not override), does it ask
the tool to open a connection (``SERVICE``, ``LOAD``: refused unless the
user asked for federation), which prefixes does it use that nobody
declared, which ``uic:`` terms does it name that the ontology does not
define (a typo such as ``uic:Universty`` otherwise answers nothing,
silently).  A keyword inside a string, an IRI or a comment is no keyword,
so the text is read as a stream of tokens, not searched.

Example
-------
>>> q = 'SELECT ?x FROM <http://a/g> WHERE { ?x a uic:Universty ; rdfs:label "FROM SERVICE" }'
>>> dataset_clauses(q)
['FROM']
>>> federation(q) is None
True
>>> prefixed_names(q)
[('uic', 'Universty'), ('rdfs', 'label')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

# One alternative per token kind, tried in this order at each position.
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF][\w\u00B7\u00C0-\uFFFF.-]*)?:
               (?:[\w\u00C0-\uFFFF:%-](?:[\w\u00B7\u00C0-\uFFFF.:%-]*[\w\u00B7\u00C0-\uFFFF:%-])?)?)
  | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str       # word, pname, iri, var, string, other
    text: str
    start: int


def tokens(sparql: str) -> Iterator[Token]:
    """The tokens of ``sparql``, without white space and comments.

    >>> [t.text for t in tokens('ASK { ?s ?p "a # b" } # c')]
    ['ASK', '{', '?s', '?p', '"a # b"', '}']
    """
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), match.start())


def _words(sparql: str) -> list[Token]:
    return [t for t in tokens(sparql) if t.kind == "word"]


def dataset_clauses(sparql: str) -> list[str]:
    """``FROM`` and ``FROM NAMED`` clauses the query gives, in order.

    >>> dataset_clauses("SELECT * FROM NAMED <http://a/g> FROM <http://a/h> { ?s ?p ?o }")
    ['FROM NAMED', 'FROM']
    """
    toks = list(tokens(sparql))
    out = []
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() == "FROM":
            named = i + 1 < len(toks) and toks[i + 1].text.upper() == "NAMED"
            out.append("FROM NAMED" if named else "FROM")
    return out


def federation(sparql: str) -> Token | None:
    """The first ``SERVICE`` or ``LOAD`` keyword: the query asks the tool to
    fetch from another address.

    >>> federation("SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }").text
    'SERVICE'
    >>> federation('SELECT * { ?s ?p "SERVICE" }') is None
    True
    """
    return next((t for t in _words(sparql) if t.text.upper() in ("SERVICE", "LOAD")), None)


_PREFIX_DECL = re.compile(r"PREFIX", re.IGNORECASE)


def declared_prefixes(sparql: str) -> set[str]:
    """The prefixes ``sparql`` declares itself.

    >>> sorted(declared_prefixes("PREFIX ex: <http://e/> PREFIX : <http://d/> ASK {}"))
    ['', 'ex']
    """
    toks = list(tokens(sparql))
    return {toks[i + 1].text[:-1] for i, t in enumerate(toks[:-1])
            if t.kind == "word" and t.text.upper() == "PREFIX"
            and toks[i + 1].kind == "pname" and toks[i + 1].text.endswith(":")}


def prefixed_names(sparql: str) -> list[tuple[str, str]]:
    """Every ``prefix:local`` name used (not declared), in order, once each.

    >>> prefixed_names("SELECT * { ?s skos:prefLabel ?n ; a uic:University , uic:University }")
    [('skos', 'prefLabel'), ('uic', 'University')]
    """
    toks = list(tokens(sparql))
    seen: dict[tuple[str, str], None] = {}
    for i, tok in enumerate(toks):
        if tok.kind != "pname":
            continue
        if i and toks[i - 1].kind == "word" and toks[i - 1].text.upper() == "PREFIX":
            continue
        prefix, _, local = tok.text.partition(":")
        seen.setdefault((prefix, local), None)
    return list(seen)


def unknown_prefixes(sparql: str, known: set[str]) -> list[str]:
    """Prefixes used but neither declared by the query nor among ``known``.

    >>> unknown_prefixes("SELECT * { ?s foaf:name ?n ; uic:x ?y }", {"uic"})
    ['foaf']
    """
    mine = declared_prefixes(sparql) | set(known)
    return list(dict.fromkeys(p for p, _ in prefixed_names(sparql) if p not in mine))


@lru_cache(maxsize=1)
def ontology_terms() -> frozenset[str]:
    """The local names the ontology (``kg/data/uic.ttl``, the same file as
    ``ontology/uic.ttl``) defines in the ``uic:`` namespace.

    >>> {"University", "builds", "Evidence"} <= ontology_terms()
    True
    """
    import pyoxigraph as ox

    from kg.store.rdf import UIC

    data = resources.files("kg").joinpath("data/uic.ttl").read_bytes()
    terms = set()
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(UIC):
                terms.add(term.value[len(UIC):])
    return frozenset(terms)


def undefined_terms(sparql: str, prefix: str = "uic") -> list[str]:
    """The ``uic:`` names the query uses that the ontology does not define
    (a query may still declare its own meaning of ``uic:``: then none).

    >>> undefined_terms("SELECT ?u { ?u a uic:Universty ; uic:builds ?p }")
    ['uic:Universty']
    """
    if prefix in declared_prefixes(sparql):
        return []
    defined = ontology_terms()
    return [f"{p}:{local}" for p, local in prefixed_names(sparql)
            if p == prefix and local and local not in defined]
