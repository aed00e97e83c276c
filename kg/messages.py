"""Every message ``kg`` prints about a problem, and its exit-code policy.

One place for them (as spaCy's ``errors.py``): each message has a code, and
a template that names the thing at fault and, where there is one, the fix.
Every line starts with the same prefix, ``kg:``, then the code::

    kg: E101 no store at kg-store; a store exists at out/store (use --store out/store)

Errors (``E…``) end the command; warnings (``W…``) name one input that was
skipped while the others were processed.  The exit status says which of the
three outcomes happened (:data:`EXIT_POLICY`, also shown by ``kg --help``):

* ``0`` — everything was done;
* ``1`` — some inputs failed (each named by a ``W`` line) but the others
  were processed and stored;
* ``2`` — nothing was done: a usage error (an option, an argument, a file,
  a store or a name that is wrong), said by one ``E`` line;
* ``130`` — stopped by Ctrl-C, as shells expect (what was finished is kept).

Library code raises :class:`KGError` (or a subclass such as
:class:`kg.store.backends.StoreError`); the CLI prints it with :func:`line` and exits
with :data:`USAGE`.

Example
-------
>>> str(KGError("E201", doc="a.txt", store="kg-store"))
"E201 no document 'a.txt' in store kg-store (give its path, file name or id; `kg sparql ontology/queries/documents.rq` lists them)"
>>> line("W201", detail="news/a.txt: empty file")
'kg: W201 skipped news/a.txt: empty file'
"""

from __future__ import annotations

#: The prefix of every problem line.
PREFIX = "kg:"

#: Exit statuses.
OK, PARTIAL, USAGE = 0, 1, 2
#: Stopped by Ctrl-C (SIGINT), as shells report it: 128 + 2.
INTERRUPTED = 130

EXIT_POLICY = ("Exit status: 0 everything was done; 1 some inputs failed (each "
               "named on a 'kg: W…' line) but the others were processed and stored; "
               "2 nothing was done, a usage error (a wrong option, argument, file, "
               "store or name) said on one 'kg: E…' line; 130 stopped by Ctrl-C. "
               "'kg: W3…' and 'kg: W5…' lines are notices about a query or a name "
               "(a guessed name, an undefined term) and leave the status as it is.")


class Messages:
    """The templates, by code.  ``E0xx`` usage, ``E1xx`` store, ``E2xx``
    documents and input, ``E3xx`` SPARQL, ``E4xx`` output files, ``E5xx``
    analysis and names, ``E6xx`` evaluation, ``E7xx`` ``kg serve``; ``W2xx``
    skipped inputs."""

    # usage (option and argument errors found by the command line parser)
    E001 = "{detail}{usage}"

    # the store
    E101 = "no store at {path}{found}"
    E102 = "{path} is a file, not a store directory; nothing was changed"
    E103 = ("{path} is not a kg store (a non-empty directory that Oxigraph did not "
            "write); nothing was changed")
    E104 = "{path} is an empty directory, not a store (build one with `kg build PATH --store {path}`)"
    E105 = ("cannot open store {path}: it is in use by another process (wait for it "
            "to finish, or give another --store)")
    E106 = ("store {path} is damaged ({detail}); rebuild it: "
            "`rm -rf {path} && kg build PATH --store {path}`")
    E107 = "cannot create store {path}: {detail}"
    E108 = ("store {path} was written by an earlier kg version (documents named by "
            "file name, not by content); it can be read but not changed: rebuild it "
            "with `rm -rf {path} && kg build PATH --store {path}`")
    E109 = "{detail}"
    E110 = "cannot open store {path}: {detail}"
    E114 = ("the disk of store {path} is full: the build stopped; the {stored} documents "
            "stored before are whole and stay; free some space and run the same command "
            "again (stored documents are skipped)")
    E113 = "store {path} cannot be changed now: it is {why}; {fix}"
    E111 = ("store {path} was written by an older kg (entity descriptions in every "
            "document graph), whose answers would be wrong; rebuild it: "
            "`rm -rf {path} && kg build PATH --store {path}`")

    # documents and input
    E201 = ("no document {doc!r} in store {store} (give its path, file name or id; "
            "`kg sparql ontology/queries/documents.rq` lists them)")
    E202 = "{doc!r} names {n} documents: {candidates}; give a path or an id"
    E203 = "nothing to read in {paths}: {why}"
    E204 = ("interrupted: the documents finished before are stored; run the same "
            "command again to do the rest")
    E205 = "{detail}"     # an extraction directory that cannot be loaded (kg.ingest.extracted)
    W201 = "skipped {detail}"
    #: the problem part of a W201-style line ``skipped <doc>: <problem>``
    W202 = ("skipped {n} {files} of unsupported type ({counts}): kg reads .txt, .html, "
            ".htm, .md, .pdf and .docx{more}")
    W203 = "skipped {path}: unsupported file type {suffix}"
    W204 = ("extraction took longer than {limit:g} s "
            "(the per-document limit; raise it with --timeout)")
    W205 = ("skipped {pages} of {path}: no text layer, {they} OCR, which kg does not do "
            "(the other pages are stored)")

    # SPARQL
    E301 = "no query file {path} (give a .rq file or the text of a query)"
    E302 = "SPARQL syntax error{where}: {detail}"
    E303 = ("this is an update, not a query: refused (the store is read-only); "
            "pass --update to change the store")
    E304 = ("a {kind} result is RDF triples, printed as N-Triples: --format {fmt} "
            "applies to SELECT and ASK (use `kg export` for other RDF formats)")
    E305 = "cannot read query file {path}: {detail}"
    #: a warning about a query: it runs, and the exit status is unchanged
    W301 = ("the ontology defines no {terms}: a typo? (the query may answer nothing; "
            "`kg sparql ontology/queries/…` shows the terms in use)")

    # the SPARQL endpoint of `kg serve` (SPARQL 1.1 Protocol)
    E306 = ("the query ran longer than this endpoint's limit of {limit:g} s and was "
            "stopped (narrow it, or start `kg serve --query-timeout S`)")
    E307 = ("every query worker of this endpoint is busy ({workers} running); "
            "try again in a moment")
    E308 = ("no result format acceptable to the client ({accept}); this endpoint "
            "gives {offered}")
    E309 = "{detail}"     # a request the SPARQL protocol does not allow
    E311 = ("{keyword} at line {line} would make the tool fetch from another address: refused "
            "(no query opens a connection unless the command was started with "
            "--allow-federation)")
    E312 = ("unknown prefix {prefixes} declare it (PREFIX {first}: <…>) or use one of the "
            "predeclared prefixes {known}")
    E310 = ("updates are refused: this endpoint is read-only (start `kg serve "
            "--allow-update` to accept them)")

    # output files
    E401 = "cannot write {path}: {detail}"

    # analysis and names
    W502 = "no entity is named {query}: showing the closest match, {name}"
    E501 = "{detail}"
    E502 = "no cluster {cluster} (`kg clusters` lists {known})"
    E503 = "{detail}"
    E504 = "cannot load the graph: {detail}"

    # kg serve
    E701 = "bad parameter {name}: {detail}"
    E702 = "no such page or API: {path} (the API is under /api/, SPARQL at /sparql)"
    E703 = "cannot serve on {host}:{port}: {detail}"
    E704 = ("refused: a change to the store must come from this server's own page (its "
            "session token, sent as the X-KG-Token header; `kg serve` prints it for other "
            "clients), not from another site")

    # evaluation
    E601 = "no gold file (*.json) in {gold_dir}"
    E602 = ("no gold file names a document among the texts given: the {n} gold "
            "documents ({examples}) are not among the {m} files of {paths} (a gold "
            "file's \"doc\" is the file name of its text)")
    E603 = "{detail}"


def text(code: str, **fields) -> str:
    """The message of ``code`` filled with ``fields`` (without prefix or code).

    >>> text("E601", gold_dir="gold")
    'no gold file (*.json) in gold'
    """
    return getattr(Messages, code).format(**fields)


def line(code: str, **fields) -> str:
    """The full line as printed: prefix, code, message."""
    return f"{PREFIX} {code} {text(code, **fields)}"


def skipped(item) -> str:
    """The line for an input skipped while the others were processed:
    ``item`` is ``"<path>: <problem>"``, its code ``item.code`` (W201 if it
    has none).

    >>> skipped("a.txt: empty file")
    'kg: W201 skipped a.txt: empty file'
    """
    return f"{PREFIX} {getattr(item, 'code', 'W201')} skipped {item}"


class Skip(str):
    """``"<path>: <problem>"`` with the warning ``code`` to print it with."""

    def __new__(cls, value: str, code: str = "W201"):
        obj = super().__new__(cls, value)
        obj.code = code
        return obj

    def __reduce__(self):
        return (Skip, (str(self), self.code))


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 hop"``, ``"2 hops"``.

    >>> plural(1, "pair"), plural(3, "pair"), plural(2, "entity", "entities")
    ('1 pair', '3 pairs', '2 entities')
    """
    return f"{n} {word if n == 1 else (words or word + 's')}"


class KGError(Exception):
    """A problem that stops a command: a code and its filled template.

    ``status`` is the exit status the CLI uses (:data:`USAGE` unless said).
    """

    def __init__(self, code: str, status: int = USAGE, **fields):
        self.code = code
        self.status = status
        self.fields = fields
        self.message = text(code, **fields)
        super().__init__(f"{code} {self.message}")

    def __reduce__(self):  # picklable for worker processes
        return (_rebuild, (type(self), self.code, self.status, self.fields))

    def line(self) -> str:
        return f"{PREFIX} {self.code} {self.message}"


def _rebuild(cls, code, status, fields):
    return cls(code, status=status, **fields)


class DetailError(KGError):
    """A :class:`KGError` whose message the library writes whole (a template
    that is ``{detail}``): raised as ``SubClass(message)``, rendered by the
    CLI and the web as any other, and ``str()`` is the message alone, as the
    plain ``ValueError``/``LookupError`` it replaces said.

    >>> class Refused(DetailError, ValueError):
    ...     code = "E503"
    >>> err = Refused("no such thing")
    >>> str(err), err.line(), isinstance(err, ValueError)
    ('no such thing', 'kg: E503 no such thing', True)
    """

    code = "E503"

    def __init__(self, message: str):
        KGError.__init__(self, type(self).code, detail=message)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):
        return (type(self), (self.message,))
