"""The ``kg`` command line: each command calls one library function.

Commands are grouped by stage; every command reads or writes plain files,
the RDF store, or standard output.  Problems are printed as one line each,
from the templates of :mod:`kg.messages` (``kg: E101 …``), and the exit
status follows its policy: 0 done, 1 some inputs skipped (the rest
stored), 2 nothing done.
"""

from __future__ import annotations

import os
import sys

import click

from kg import __version__
from kg.columns import display_width
from kg.messages import EXIT_POLICY, INTERRUPTED, PARTIAL, USAGE, KGError, line, plural, skipped
from kg.records import path_text, to_json

#: Where the RDF store lives unless --store says otherwise.
DEFAULT_STORE = os.environ.get("KG_STORE", "kg-store")

store_option = click.option(
    "--store", default=DEFAULT_STORE, show_default=True,
    help="Store directory, or the URL of a SPARQL 1.1 server.")

timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0), default=None,
    help="Seconds one document may take to extract (per 20 000 characters, "
         "at most ten times this for any one file) before it is skipped and named "
         "[default: 60; 0: no limit].")

verbose_option = click.option(
    "--verbose", "-v", is_flag=True, help="List every file of an unsupported type left out.")


def period_options(command):
    """``--since DATE`` and ``--until DATE``: the command reads the
    statements of that period only (their value becomes ``period``, a
    :class:`kg.analysis.period.Period`)."""
    command = click.option(
        "--until", default=None, metavar="DATE",
        help="Only statements dated up to DATE (YYYY, YYYY-MM or YYYY-MM-DD, included).")(command)
    command = click.option(
        "--since", default=None, metavar="DATE",
        help="Only statements dated from DATE (YYYY, YYYY-MM or YYYY-MM-DD); "
             "undated statements are left out of any period.")(command)
    return command


def _period(since: str | None, until: str | None):
    """The :class:`kg.analysis.period.Period` of --since/--until; a usage error (E001)
    for a value that is not a date."""
    from kg.analysis.period import Period

    try:
        return Period.parse(since, until)
    except ValueError as exc:
        option = "--since" if since and str(exc).startswith(repr(since)) else \
            "--until" if until and str(exc).startswith(repr(until)) else "--since/--until"
        raise click.UsageError(f"Invalid value for '{option}': {exc}",
                               ctx=click.get_current_context(silent=True)) from None


#: click ≥ 8.2 raises this for a group called without a command.
_NO_ARGS = getattr(click.exceptions, "NoArgsIsHelpError", ())


class KGGroup(click.Group):
    """A click group that prints every problem as one ``kg:`` line.

    :class:`kg.messages.KGError` (and the store's errors) and click's own
    usage errors all end here, so no command prints a traceback or a
    second style of message.
    """

    def main(self, args=None, prog_name=None, complete_var=None,
             standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var,
                                standalone_mode=False, **extra)
        except KGError as exc:
            click.echo(exc.line(), err=True)
            code = exc.status
        except _NO_ARGS as exc:              # plain `kg`: the help, as click shows it
            click.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            code = USAGE
        except click.UsageError as exc:
            hint = ""
            if exc.ctx is not None:     # `kg …` whatever name the program was run by
                path = " ".join(["kg", *exc.ctx.command_path.split()[1:]])
                hint = f" (see `{path} --help`)"
            click.echo(line("E001", detail=exc.format_message(), usage=hint), err=True)
            code = USAGE
        except click.ClickException as exc:
            click.echo(line("E503", detail=exc.format_message()), err=True)
            code = USAGE
        except click.exceptions.Abort:       # Ctrl-C
            click.echo(line("E204"), err=True)
            code = INTERRUPTED
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=KGGroup, epilog=EXIT_POLICY)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Knowledge graph of university–industry–government collaboration.

    Problems are printed one per line, as 'kg: CODE message'.
    """


def _skipped_types(unsupported, verbose: bool) -> None:
    """Say which files of unsupported types were left out (W202, W203)."""
    if not unsupported:
        return
    from collections import Counter

    if verbose:
        for path in unsupported:
            click.echo(line("W203", path=path, suffix=path.suffix or "(no extension)"),
                       err=True)
    counts = Counter(p.suffix.lower() or "(no extension)" for p in unsupported)
    click.echo(line("W202", n=len(unsupported), files="file" if len(unsupported) == 1
                    else "files", counts=", ".join(f"{k} {v}" for k, v in counts.most_common()),
                    more="" if verbose else "; --verbose lists them"), err=True)


def _nothing_read(paths, unsupported) -> KGError:
    why = ("only files of unsupported types" if unsupported
           else "no .txt, .html, .htm, .md, .pdf or .docx file")
    return KGError("E203", paths=", ".join(paths), why=why)


def _date_option(value: str | None, option: str) -> str | None:
    """A date option's value as a date string; a usage error (E001) otherwise."""
    if value is None:
        return None
    from kg.extraction.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.UsageError(f"Invalid value for '{option}': {exc}",
                               ctx=click.get_current_context(silent=True)) from None


def _writable(path: str, what: str = "file") -> None:
    """E401 unless ``path`` can be written: its folder must exist."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise KGError("E401", path=path, detail=f"no folder {os.path.dirname(path) or '.'}")
    if os.path.isdir(path) and what == "file":
        raise KGError("E401", path=path, detail="it is a folder")
    if not os.access(folder, os.W_OK):
        raise KGError("E401", path=path, detail="permission denied")


# --- extraction (text → entities and relations) -----------------------------

@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Directory for relations.jsonl, entities.jsonl, documents.jsonl.")
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="A model folder written by `kg train` (default: the shipped one).")
@click.option("--rules-only", is_flag=True,
              help="Without the trained tagger: rules only, faster, less accurate.")
@timeout_option
@verbose_option
def extract(paths, out_dir, model_dir, rules_only, timeout, verbose):
    """Extract entities and relations from files or folders of articles.

    A file that cannot be read, or takes longer than --timeout, is named on
    one line and skipped; the others are extracted and the exit status is 1.
    """
    from kg.extraction.document import DEFAULT_TIMEOUT, write_extraction
    from kg.extraction.pipeline import build_pipeline

    errors, unsupported = [], []

    def on_error(err):
        errors.append(err)
        click.echo(skipped(_skip(err)), err=True)

    nlp = None
    if model_dir or rules_only:
        import jieba

        jieba.setLogLevel(60)    # no "Building prefix dict…" lines among the messages
        nlp = build_pipeline(tagger=not rules_only, model=model_dir)
    try:
        summary = write_extraction(paths, out_dir, on_error=on_error, nlp=nlp,
                                   on_skip=unsupported.append,
                                   timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    except OSError as exc:
        raise KGError("E401", path=out_dir, detail=exc.strerror or str(exc)) from None
    _skipped_types(unsupported, verbose)
    if not summary.documents and not errors:
        raise _nothing_read(paths, unsupported)
    click.echo(summary)
    if errors:
        sys.exit(PARTIAL)


def _skip(err):
    """A :class:`kg.messages.Skip` for an input error or a timeout."""
    from kg.messages import Skip

    return Skip(str(err), getattr(err, "code", "W201"))


names_option = click.option(
    "--names", type=click.Choice(["crf", "neural"]), default="crf", show_default=True,
    help="The name tagger to train: the CRF, or LAC's encoder fine-tuned (needs the train extra).")


def _learning_curve(gold_dirs, paths, folds, names, as_json) -> None:
    """Print CV relation and entity F1 per gold folder at ¼, ½ and all of
    the training documents."""
    import json

    from kg.extraction.evaluation import learning_curve

    with click.progressbar(length=3 * folds, label="learning curve", file=sys.stderr) as bar:
        rows = learning_curve(gold_dirs, paths, folds, names=names,
                              progress=lambda k, n: bar.update(1))
    table = {str(f): {g: {"relations": p["relations"]["f1"], "entities": p["entities"]["f1"]}
                      for g, p in r["per_gold"].items()} for f, r in rows}
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False))
        return
    for fraction, parts in table.items():
        click.echo(f"training fraction {float(fraction):.2f}: " + "; ".join(
            f"{g} relations F1 {v['relations']:.3f} entities F1 {v['entities']:.3f}"
            for g, v in parts.items()))


@main.command("eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--gold", "gold_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder of gold files; repeat for several. Without it, the first "
                   "PATH is the gold folder.")
@click.option("--folds", default=0, show_default=True, type=click.IntRange(min=0),
              help="Cross-validate: each document is extracted by a model trained "
                   "without it (K folds by document). 0: use the shipped model.")
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False), default=None,
              help="A model folder written by `kg train` (default: the shipped one).")
@click.option("--rules-only", is_flag=True, help="Without the trained tagger (rules only).")
@click.option("--show", default=0, show_default=True, help="List N misses and errors.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--identities", type=click.Path(exists=True, dir_okay=False), default=None,
              help="An identity gold (TSV: set, doc, name, identity): also score which "
                   "entities of different documents the store makes one.")
@click.option("--store", "store_dir", default=None, type=click.Path(exists=True, file_okay=False),
              help="With --identities: score this built store (PATHS are gold folders) "
                   "instead of a store built of PATHS.")
@click.option("--brokers", "top_brokers", default=0, show_default=True,
              type=click.IntRange(min=0), help="With --identities: check the top N brokers.")
@names_option
@click.option("--learning-curve", "curve", is_flag=True,
              help="With --folds: CV F1 with ¼, ½ and all of each fold's training documents.")
def eval_command(paths, gold_dirs, folds, model_dir, rules_only, show, as_json, identities,
                 store_dir, top_brokers, names, curve):
    """Extract from PATHS and score against gold folders: pooled, per folder,
    per predicate and per entity type, micro and per document (macro); with
    --identities, identity across documents too."""
    import json

    from kg.extraction.evaluation import GoldError, evaluate_extraction, format_many

    if store_dir:
        if not identities:
            raise click.UsageError("--store needs --identities (it scores a built store)")
        result = _identity_score(store_dir, identities, gold_dirs or paths, top_brokers)
        return click.echo(json.dumps(result, ensure_ascii=False) if as_json
                          else _format_identities(result, show))
    if not gold_dirs:
        if len(paths) < 2:
            raise click.UsageError("give --gold GOLD_DIR (or GOLD_DIR as the first PATH) and texts")
        gold_dirs, paths = (paths[0],), paths[1:]
    _check_gold(gold_dirs, paths)
    failed = []

    def on_error(err):
        failed.append(err)
        click.echo(skipped(_skip(err)), err=True)

    if curve:
        _learning_curve(list(gold_dirs), list(paths), folds or 5, names, as_json)
        return
    try:
        result = evaluate_extraction(list(gold_dirs), list(paths), folds=folds, model=model_dir,
                                     tagger=not rules_only, on_error=on_error, names=names)
    except (GoldError, ValueError, ImportError) as err:
        raise KGError("E603", detail=str(err)) from None
    if identities:
        import tempfile

        from kg.ingest.build import build
        from kg.store.backends import open_store

        with tempfile.TemporaryDirectory() as tmp:
            built = open_store(os.path.join(tmp, "store"), create=True)
            build(list(paths), built, progress=False)
            built.close()
            result["identities"] = _identity_score(os.path.join(tmp, "store"), identities,
                                                   gold_dirs, top_brokers)
    if as_json:
        result = {k: v for k, v in result.items() if k not in ("errors", "misses")}
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(format_many(result, show=show))
        if identities:
            click.echo(_format_identities(result["identities"], show))
    if failed:
        sys.exit(PARTIAL)     # as build and extract: the others were scored


def _identity_score(store_dir: str, identities: str, gold_dirs, top_brokers: int) -> dict:
    """:func:`kg.store.identity.identity_score` of the store at ``store_dir``
    (E603 for an identity or gold file that cannot be read)."""
    from kg.store.identity import IdentityGoldError, identity_score
    from kg.store.backends import open_store

    brokers = None
    if top_brokers:
        from kg.brokerage import rank_brokers

        scored = _analysis(store_dir, None)
        brokers = rank_brokers(scored.ranked_brokers(), scored.graph, top=top_brokers)
    store = open_store(store_dir)
    try:
        return identity_score(store, identities, list(gold_dirs), brokers)
    except IdentityGoldError as err:
        raise KGError("E603", detail=str(err)) from None
    finally:
        store.close()


def _format_identities(result: dict, show: int) -> str:
    from kg.store.identity import format_identity_score

    return format_identity_score(result, show=show or 10)


def _check_gold(gold_dirs, paths) -> None:
    """E601 for a gold folder without gold files, E602 when none of the gold
    documents is among the texts of ``paths`` (scoring would print zeros)."""
    from pathlib import Path

    from kg.extraction.evaluation import GoldError, load_gold

    gold = {}
    for gold_dir in gold_dirs:
        try:
            found = load_gold(gold_dir)
        except GoldError as err:
            raise KGError("E603", detail=str(err)) from None
        if not found:
            raise KGError("E601", gold_dir=gold_dir)
        gold.update(found)
    names = set()
    for given in paths:
        p = Path(given)
        files = [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else [p]
        names.update(f.name for f in files)
    if not names & set(gold):
        shown = ", ".join(sorted(gold)[:3]) + (" …" if len(gold) > 3 else "")
        raise KGError("E602", n=len(gold), examples=shown, m=len(names),
                      paths=", ".join(paths))


@main.command("train")
@click.argument("gold_dirs", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--texts", "text_paths", multiple=True, required=True, type=click.Path(exists=True),
              help="A file or folder of the documents the gold files name; repeat for several.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="The model folder to write; use it with --model.")
@names_option
def train_command(gold_dirs, text_paths, out_dir, names):
    """Train the name tagger and the relation model on gold files (see
    ANNOTATION.md) and their texts."""
    from kg.extraction.training import train

    bar = click.progressbar(length=1, label="training the name tagger", file=sys.stderr)

    def progress(epoch, epochs, loss):
        bar.length = epochs
        bar.label = f"fine-tuning (loss {loss:.3f})"
        bar.update(1)

    try:
        with bar:
            meta = train(list(gold_dirs), list(text_paths), out_dir, names=names, progress=progress)
    except (ValueError, ImportError) as err:
        raise KGError("E503", detail=str(err)) from None
    click.echo(f"trained {meta['model']} on {meta['documents']} documents "
               f"({meta['sentences']} sentences, gold {', '.join(meta['gold'])}) → {out_dir}/")


# --- RDF store and SPARQL ----------------------------------------------------

def _open(location: str, create: bool = False):
    from kg.store.backends import open_store

    return open_store(location, create=create)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@store_option
@click.option("--quiet", is_flag=True, help="No progress bar, no notes.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Extraction processes (0: one per CPU); the result is the same.")
@click.option("--extracted", is_flag=True,
              help="PATHS are directories written by `kg extract` (or by "
                   "kg.ingest.extracted.write_results on other machines): load them.")
@click.option("--scores", is_flag=True,
              help="Also compute the projection and broker/cluster scores now (otherwise "
                   "the first analysis command after the build does).")
@click.option("--date", "date", default=None, metavar="DATE",
              help="YYYY, YYYY-MM or YYYY-MM-DD: the date of the documents whose page, "
                   "text and file name give none (never the file's modification time).")
@timeout_option
@verbose_option
def build(paths, store, quiet, jobs, extracted, scores, date, timeout, verbose):
    """Extract PATHS (files or folders) into the store, incrementally.

    A document is its text: a path already stored with the same text is
    skipped, the same text under a new path is recorded as that document's
    other path, and a path whose text changed replaces its previous
    document.  With --jobs N, N processes extract while this one writes the
    store, one document at a time.  A file that cannot be read, or takes
    longer than --timeout to extract, is named on one line and skipped; the
    others are stored and the exit status is 1.  With --extracted, PATHS are
    directories of extraction output (`kg extract`, or a distributed run:
    see the README) and the store is the one `kg build` gives on the same
    files.
    """
    from kg.store.backends import is_url

    date = _date_option(date, "--date")
    new = not is_url(store) and not os.path.exists(store)
    try:
        report, stats, analysed, cached = _build_into(
            store, paths, quiet=quiet, jobs=jobs, extracted=extracted, scores=scores,
            date=date, timeout=timeout)
        for item in report.failed:
            click.echo(skipped(item), err=True)
        for path, pages in report.pages_without_text:
            click.echo(line("W205", path=path, they="it needs" if len(pages) == 1 else "they need",
                            pages=("page " if len(pages) == 1 else "pages ")
                            + ", ".join(map(str, pages))), err=True)
        _skipped_types(report.unsupported, verbose)
        if not report.read and not report.failed and not extracted:
            raise _nothing_read(paths, report.unsupported)
    except BaseException:
        if new:
            _discard_if_empty(store)     # a first build that stored nothing leaves no store
        raise
    if new and not stats["documents"]:
        _discard_if_empty(store)
    click.echo(f"{report.summary()}; store {store}: "
               f"{plural(stats['documents'], 'document')}, "
               f"{plural(stats['entities'], 'entity', 'entities')}, "
               f"{plural(stats['relations'], 'relation')}")
    if analysed is not None:
        how = "computed" if analysed.computed else "already there"
        click.echo(f"scores {how} in {analysed.seconds:.1f} s: analysis commands now read them")
    elif not cached and stats["documents"] and not quiet:
        click.echo("note: the first analysis command (brokers, clusters, show, connect, view) "
                   "computes and saves the scores of this store state, so it takes longer; "
                   "`kg build --scores` computes them now", err=True)
    if stats.get("undated") and report.read and not quiet:
        n = stats["undated"]
        click.echo(f"note: {n} of {plural(stats['documents'], 'stored document')} "
                   f"{'has' if n == 1 else 'have'} no date (`kg sparql "
                   "ontology/queries/undated_documents.rq` says why; `kg build --date DATE` "
                   "dates new ones)", err=True)
    if report.failed or report.pages_without_text:
        sys.exit(PARTIAL)     # as `kg extract`: the good files are stored, a script sees the rest


def _build_into(store, paths, *, quiet, jobs, extracted, scores, date, timeout):
    """Run the build into ``store``: (report, stats, analysis or None, cached)."""
    from kg.analysis.cache import analysis, cached_stats, is_cached
    from kg.ingest.build import build as run_build, build_extracted
    from kg.extraction.document import DEFAULT_TIMEOUT
    from kg.store.backends import StoreError, open_store

    before = 0
    try:
        with _open(store, create=True) as kg_store:
            before = kg_store.stats()["documents"]
            if extracted:
                report = build_extracted(paths, kg_store, progress=not quiet, date=date)
            else:
                report = run_build(paths, kg_store, progress=not quiet, jobs=jobs,
                                   timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                                   date=date)
            stats = cached_stats(kg_store)
            analysed = analysis(kg_store) if scores else None
            cached = analysed is not None or is_cached(kg_store)
    except (StoreError, OSError) as exc:
        if "No space left" not in str(exc):
            raise
        try:                     # each document is one transaction: those done are whole
            with open_store(store, read_only=True) as done:
                stored = done.stats()["documents"] - before
        except (KGError, OSError):
            stored = "some"
        raise KGError("E114", path=store, stored=stored) from None
    return report, stats, analysed, cached


def _discard_if_empty(store) -> None:
    """Remove the store folder this build created if it holds no document, so
    that later messages do not offer it as a store."""
    import shutil

    from kg.store.backends import open_store

    try:
        with open_store(store) as kg_store:
            empty = not kg_store.stats()["documents"]
    except (KGError, OSError):
        return
    if empty:
        shutil.rmtree(store, ignore_errors=True)


@main.command()
@click.argument("doc")
@store_option
def remove(doc, store):
    """Remove document DOC and everything it stated.

    DOC is one of the document's paths, its file name when no other
    document has it, or its id (content hash).
    """
    from kg.ingest.build import remove as run_remove

    with _open(store) as kg_store:
        doc_id = run_remove(kg_store, doc)
    click.echo(f"removed {path_text(doc)} (id {doc_id})")


@main.command()
@click.argument("query")
@store_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
              default="table", show_default=True)
@click.option("--update", "allow_update", is_flag=True,
              help="Allow a SPARQL update (the store is read-only otherwise).")
@click.option("--allow-federation", is_flag=True,
              help="Let queries use SERVICE and updates LOAD, which fetch from the "
                   "addresses they name (refused by default: no query opens a connection).")
@click.option("--width", type=click.IntRange(min=0), default=None,
              help="Cut table cells at this many columns (0: whole cells) "
                   "[default: 60 on a terminal, whole cells otherwise].")
def sparql(query, store, fmt, allow_update, allow_federation, width):
    """Run a SPARQL query (text or .rq FILE) on the union of all documents."""
    from kg.store.sparql_text import undefined_terms
    from kg.store.backends import check_query, format_result, load_query

    query = load_query(query)
    check_query(query, allow_update, allow_federation)       # before opening the store
    unknown = undefined_terms(query)
    if unknown:
        click.echo(line("W301", terms=", ".join(unknown)), err=True)
    with _open(store) as kg_store:
        kg_store.allow_federation = allow_federation
        result = kg_store.query(query, allow_update=allow_update)
    if result.kind == "update":
        click.echo("update done")
    else:
        if width is None:
            width = 60 if sys.stdout.isatty() else 0     # a file or a pipe gets whole cells
        click.echo(format_result(result, fmt, width=width), nl=False)


@main.command(name="export")
@store_option
@click.option("--format", "fmt", required=True,
              type=click.Choice(["ttl", "nq", "trig", "jsonld", "graphml", "gexf", "pajek",
                                 "vosviewer", "csv"]))
@click.option("--out", type=click.Path(), default=None,
              help="Output file (a directory for csv and vosviewer); standard output if omitted.")
@period_options
def export_(store, fmt, out, since, until):
    """Export the graph: RDF (ttl, nq, trig, jsonld), a network with types,
    sectors, clusters, broker scores and time spells for Gephi (gexf,
    graphml), Pajek (pajek: .net) or VOSviewer (vosviewer: map.txt and
    network.txt in --out DIR), or CSV for Neo4j (csv).

    With --since/--until, only the statements of that period (their
    evidence, their triples, the entities they relate, their documents)."""
    from kg.analysis.network_formats import FORMATS, export as export_network

    period = _period(since, until)
    folder = {"csv": "nodes.csv and relationships.csv", "vosviewer": "map.txt and network.txt"}
    if fmt in folder and not out:
        raise KGError("E503", detail=f"{fmt} export writes {folder[fmt]}: give --out DIR")
    if out:
        _writable(out, "folder" if fmt in folder else "file")
    with _open(store) as kg_store:
        try:
            if fmt in FORMATS:
                data = export_network(kg_store, fmt, out, period=period)
            else:
                data = kg_store.export(fmt, out, period=period)
        except OSError as exc:
            raise KGError("E401", path=out, detail=exc.strerror or str(exc)) from None
    if data is not None:
        sys.stdout.buffer.write(data)


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@period_options
def stats(store, as_json, since, until):
    """Documents (per year, and how many undated), entities per type and
    relations per predicate; with --since/--until, of that period's statements."""
    import json

    from kg.analysis.cache import cached_stats

    period = _period(since, until)
    with _open(store) as kg_store:
        counts = cached_stats(kg_store, period)
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=1))
        return
    if period:
        click.echo(f"period     {period}  (statements dated in it; undated ones left out)")
    click.echo(f"documents  {counts['documents']}")
    for year, n in counts.get("documents_by_year", {}).items():
        click.echo(f"  {year:<20}{n}")
    if counts.get("undated"):
        click.echo(f"  {'undated':<20}{counts['undated']}")
    click.echo(f"entities   {counts['entities']}")
    for name, n in counts["entities_by_type"].items():
        click.echo(f"  {name:<20}{n}")
    click.echo(f"relations  {counts['relations']}  (evidence {counts['evidence']})")
    for name, n in counts["relations_by_predicate"].items():
        click.echo(f"  {name:<20}{n}")
    click.echo(f"quads      {counts['quads']}" + ("  (the whole store)" if period else ""))


# --- graph analysis -----------------------------------------------------------

graph_option = click.option(
    "--graph", "graph_file", type=click.Path(dir_okay=False), default=None,
    help="Read a projection saved by `kg project --out` instead of the store.")


def _analysis(store: str, graph_file: str | None, graph_only: bool = False, period=None):
    """:func:`kg.analysis.cache.projection`: the projection and its scores, the
    store's (computed once per store state and period, and read back) or
    those of ``graph_file``; said on standard error by :func:`_loaded`."""
    from kg.analysis.cache import projection

    result = projection(store, graph_file=graph_file, graph_only=graph_only, period=period)
    _loaded(result)
    return result


def _loaded(result) -> None:
    """Say what a projection cost (scores computed now, and saved) and,
    for a period, how much of the graph it holds; then keep the collector
    off what is loaded, which lives until exit."""
    import gc

    period = result.period
    if result.computed and result.graph.number_of_nodes():
        what = f"the period {period}" if period else "this store state"
        click.echo(f"(scores of {what} computed in {result.seconds:.1f} s and "
                   "saved; the next commands read them)", err=True)
    if period:
        click.echo(f"(period {period}: {plural(result.graph.number_of_nodes(), 'entity', 'entities')}"
                   f", {plural(result.graph.number_of_edges(), 'relation')} with statements "
                   "dated in it)", err=True)
    gc.freeze()


def _analysis_graph(store: str, graph_file: str | None):
    """The entity graph: from a saved projection, or the store's."""
    return _analysis(store, graph_file, graph_only=True).graph


def _echo_json(data) -> None:
    click.echo(to_json(data, indent=2))


def _num(x) -> str:
    return "-" if x is None else f"{x:.3g}"


def _z(x) -> str:
    return "-" if x is None else f"{x:+.1f}"


@main.command("project")
@store_option
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="File to write the projection to (pickle).")
def project_cmd(store: str, out: str) -> None:
    """Project the store's entities and relations to a graph file."""
    from kg.analysis.projection import save_graph

    _writable(out)
    G = _analysis_graph(store, None)
    save_graph(G, out)
    click.echo(f"{G.number_of_nodes()} entities, {G.number_of_edges()} relations → {out}")


@main.command("brokers")
@store_option
@graph_option
@click.option("--top", default=None, type=click.IntRange(min=1),
              help="How many brokers [default: 20; with --by: 5].")
@click.option("--sort", default="triple_helix", show_default=True,
              help="Measure to rank by: triple_helix, university_industry, "
                   "university_government, betweenness, effective_size, or a "
                   "Gould–Fernandez role (liaison, gatekeeper, …) or its "
                   "z-score against chance (liaison_z, …).")
@click.option("--all-types", is_flag=True,
              help="Also list events, roles and projects.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@period_options
@click.option("--by", "by", type=click.Choice(["year", "quarter"], case_sensitive=False),
              default=None, help="How the top brokers' scores and ranks change from one "
                                 "year (or quarter) to the next: a table.")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False), default=None,
              help="With --by: also draw the scores as a line chart (PNG).")
def brokers_cmd(store, graph_file, top, sort, all_types, as_json, since, until, by,
                plot_file) -> None:
    """Who brokers between universities, industry and government."""
    from kg.analysis.brokerage import ROLES, rank_brokers

    period = _period(since, until)
    if plot_file and not by:
        raise click.UsageError("--plot draws the scores by period: give --by year or "
                               "--by quarter", ctx=click.get_current_context(silent=True))
    if by:
        return _broker_trend(store, graph_file, by.lower(), top or 5, sort, all_types, as_json,
                             period, plot_file)
    top = top or 20
    result = _analysis(store, graph_file, period=period)
    try:
        rows = rank_brokers(result.ranked_brokers(), result.graph, top=top, sort=sort,
                            actors_only=not all_types)
    except ValueError as exc:
        raise KGError("E503", detail=str(exc)) from None
    if as_json:
        return _echo_json(rows)
    for rank, r in enumerate(rows, 1):
        gf, gz = r["gould_fernandez"], r["gould_fernandez_z"]
        click.echo(f"{rank:>3}. {r['name']} ({r['type']}, {r['sector']})  "
                   f"uni→ind {_num(r['university_industry'])}  "
                   f"uni→gov {_num(r['university_government'])}  "
                   f"betweenness {_num(r['betweenness'])}  "
                   f"constraint {_num(r['constraint'])}  "
                   f"eff.size {_num(r['effective_size'])}")
        click.echo("      G–F (count, z): " + ", ".join(
            f"{k} {gf[k]} ({_z(gz[k])})" for k in ROLES))
        for b in r["bridges"]:
            click.echo(f"      bridges {' ↔ '.join(b['sectors'])} ({plural(b['pairs'], 'pair')}), "
                       f"e.g. {' – '.join(b['example'])}")


def _broker_trend(store, graph_file, by, top, sort, all_types, as_json, period,
                  plot_file) -> None:
    """``kg brokers --by``: :func:`kg.analysis.timeline.broker_trend`, as a table."""
    from kg.analysis.timeline import broker_trend, plot_broker_trend

    if plot_file:
        _writable(plot_file)
    G = _analysis(store, graph_file, graph_only=True).graph
    try:
        trend = broker_trend(G, by=by, top=top, sort=sort,
                             actors_only=not all_types, period=period)
    except ValueError as exc:
        raise KGError("E503", detail=str(exc)) from None
    if plot_file:
        try:
            plot_broker_trend(trend, plot_file)
        except OSError as exc:
            raise KGError("E401", path=plot_file, detail=exc.strerror or str(exc)) from None
        click.echo(f"chart → {plot_file}", err=True)
    if as_json:
        return _echo_json(trend)
    if not trend["periods"]:
        click.echo("No dated statements" + (f" in {period}" if period else "") + ".")
        return
    click.echo(f"{trend['measure']} by {by} (score, rank in the {by}; - : no dated statement "
               f"of it that {by})")
    width = max(12, *(display_width(b["name"]) for b in trend["brokers"]))
    cells = [[f"{_num(sc)} ({rk})" if rk else "-" for sc, rk in zip(b["scores"], b["ranks"])]
             for b in trend["brokers"]]
    col = max([len(p) for p in trend["periods"]] + [len(c) for row in cells for c in row]) + 2
    click.echo(" " * width + "".join(p.rjust(col) for p in trend["periods"]))
    for b, row in zip(trend["brokers"], cells):
        click.echo(b["name"] + " " * (width - display_width(b["name"]))
                   + "".join(c.rjust(col) for c in row))
    click.echo("statements: " + ", ".join(f"{p} {n}" for p, n in
                                          zip(trend["periods"], trend["statements"]))
               + (f"; {trend['left_out']} left out (dated to the year only)"
                  if trend.get("left_out") else ""))


@main.command("timeline")
@store_option
@graph_option
@click.argument("name")
@period_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def timeline_cmd(store, graph_file, name, since, until, as_json) -> None:
    """What the articles say about NAME, in date order, with evidence.

    Each statement is dated by its sentence, its paragraph or its document
    (the source is shown); undated statements come last."""
    from kg.analysis.cache import entity_timeline

    period = _period(since, until)
    result = entity_timeline(store, name, graph_file=graph_file, period=period,
                             on_load=_loaded)
    if as_json:
        return _echo_json(result)
    import re

    click.echo(f"{result['name']}  [{result['type']}]: "
               f"{plural(len(result['entries']), 'statement')}"
               + (f" ({period})" if period else ""))
    for e in result["entries"]:
        when = e["date"] or "undated"
        title = f" ({e['title']})" if e.get("title") else ""
        click.echo(f"{when:<11} {e['subject']} —{e['predicate']}→ {e['object']}{title}"
                   f"  [{e['date_source'] or '-'}]")
        sentence = re.sub(r"\s*\n\s*", "", e.get("sentence") or "")
        click.echo(f"{'':<11}   {_quoted(sentence)} [{e.get('doc')}]")


@main.command("clusters")
@store_option
@graph_option
@click.option("--method", type=click.Choice(["louvain", "leiden"]), default="louvain",
              show_default=True)
@click.option("--seed", default=42, show_default=True)
@click.option("--resolution", default=1.0, show_default=True)
@click.option("--min-size", default=3, show_default=True, type=click.IntRange(min=1),
              help="Leave out smaller clusters.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@period_options
def clusters_cmd(store, graph_file, method, seed, resolution, min_size, as_json,
                 since, until) -> None:
    """Clusters of collaborating actors, labelled by their central members."""
    from kg.analysis.clusters import clusters

    period = _period(since, until)
    default = (method, seed, resolution) == ("louvain", 42, 1.0)
    analysed = _analysis(store, graph_file, graph_only=not default, period=period)
    if default:
        result = dict(analysed.cluster_result())
        result["clusters"] = [c for c in result["clusters"] if c["size"] >= min_size]
    else:
        result = clusters(analysed.graph, method, seed=seed, resolution=resolution,
                          min_size=min_size)
    if as_json:
        return _echo_json(result)
    click.echo(f"{plural(len(result['clusters']), 'cluster')} ({method}, seed {seed}, "
               f"modularity {result['modularity']:.3f})")
    for c in result["clusters"]:
        sectors = ", ".join(f"{s} {n}" for s, n in c["sectors"])
        click.echo(f"[{c['id']}] {c['label']}")
        click.echo(f"    {plural(c['size'], 'member')}; {c['internal_edges']} internal, "
                   f"{plural(c['external_edges'], 'external edge')}; "
                   f"mostly {' + '.join(c['dominant_sectors'])} ({sectors})")


def _echo_relation(r, indent="    ") -> None:
    import re

    title = f" ({r['title']})" if r.get("title") else ""
    click.echo(f"{indent}{r['subject']} —{r['predicate']}→ {r['object']}{title}")
    for ev in r["evidence"][:2]:
        sentence = re.sub(r"\s*\n\s*", "", ev.get("sentence") or "")
        when = f", {ev['date']}" if ev.get("date") else ""
        click.echo(f"{indent}    {_quoted(sentence)} [{ev.get('doc')}{when}]")
    if len(r["evidence"]) > 2:
        click.echo(f"{indent}    … {len(r['evidence']) - 2} more sentences")


def _quoted(sentence: str) -> str:
    """The sentence in “…”; as it is when it is already so quoted, and in
    「…」 when it begins or ends with a quotation of its own (no ““ or ””).

    >>> _quoted("甲与乙签约。"), _quoted("“甲与乙签约。”"), _quoted("“星火”计划启动。")
    ('“甲与乙签约。”', '“甲与乙签约。”', '「“星火”计划启动。」')
    """
    if sentence.startswith("“") and sentence.endswith("”") \
            and sentence.count("“") == sentence.count("”") and "”" not in sentence[1:-1]:
        return sentence
    if sentence.startswith("“") or sentence.endswith("”"):
        return f"「{sentence}」"
    return f"“{sentence}”"


@main.command("connect")
@store_option
@graph_option
@click.argument("x")
@click.argument("y")
@click.option("--max-hops", default=5, show_default=True, type=click.IntRange(min=1),
              help="Longest path, in relations.")
@click.option("--paths", default=3, show_default=True, type=click.IntRange(min=1),
              help="How many paths.")
@click.option("--via", default=None,
              help="Only paths through an entity of this type (Person, Platform, …) or sector.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), default=None,
              help="Also write an interactive page with the paths highlighted.")
@period_options
def connect_cmd(store, graph_file, x, y, max_hops, paths, via, as_json, html_file,
                since, until) -> None:
    """Who connects X and Y: shortest paths with the sentences behind each link."""
    from kg.analysis.cache import connection
    from kg.web.viewer import write_connect_page

    period = _period(since, until)
    draw = None
    if html_file:
        _writable(html_file)

        def draw(G, answer, **colours):
            write_connect_page(G, answer, html_file, **colours)
    result = connection(store, x, y, max_hops=max_hops, paths=paths, via=via,
                        graph_file=graph_file, period=period, draw=draw, on_load=_loaded)
    if html_file:
        click.echo(f"page → {html_file}", err=True)
    if as_json:
        return _echo_json(result)
    s, t = result["source"], result["target"]
    if not result["paths"]:
        extra = f" through a {via}" if via else ""
        click.echo(f"No path{extra} between {s} and {t} within {plural(max_hops, 'hop')}.")
        return
    click.echo(f"{s} → {t}: {plural(len(result['paths']), 'path')}")
    for i, p in enumerate(result["paths"], 1):
        click.echo(f"\n{i}. ({plural(p['length'], 'hop')}) " + " – ".join(p["nodes"]))
        for hop in p["hops"]:
            _echo_relation(hop)
    if result["intermediaries"]:
        click.echo("\nIntermediaries: " + ", ".join(
            f"{n} ({c})" for n, c in result["intermediaries"]))
    if result["excluded_hubs"]:
        click.echo(f"(hubs above degree {result['hub_degree']:g} not used as "
                   f"intermediaries: {', '.join(result['excluded_hubs'])})")


@main.command("show")
@store_option
@graph_option
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@period_options
def show_cmd(store, graph_file, name, as_json, since, until) -> None:
    """Entity card: type, sector, aliases, relations with evidence, cluster, broker scores."""
    from kg.analysis.cache import entity_card

    c = entity_card(store, name, graph_file=graph_file, period=_period(since, until),
                    on_load=_loaded)
    if c.get("guessed_from"):        # a fuzzy match: say so, as the page and --json do
        click.echo(line("W502", query=c["guessed_from"], name=c["name"]), err=True)
    reasons = [] if graph_file else _identity_reasons(store, c)
    if reasons:         # why its documents' mentions are one (kg.store.identity)
        c = dict(c, identity=reasons)
    if as_json:
        return _echo_json(c)
    click.echo(f"{c['name']}  [{c['type']}, {c['sector']}]")
    if c["aliases"]:
        click.echo(f"aliases: {', '.join(c['aliases'])}")
    click.echo(f"pinyin: {c['pinyin']} ({c['initials']})")
    click.echo(f"documents: {', '.join(c['docs'])}")
    if c["cluster"]:
        cl = c["cluster"]
        click.echo(f"cluster [{cl['id']}] {cl['label']} ({plural(cl['size'], 'member')})")
    if c["broker"]:
        b = c["broker"]
        click.echo(f"broker rank {b['rank']}: uni→ind {_num(b['university_industry'])}, "
                   f"uni→gov {_num(b['university_government'])}, betweenness "
                   f"{_num(b['betweenness'])}, constraint {_num(b['constraint'])}, "
                   f"effective size {_num(b['effective_size'])}")
        gf, gz = b["gould_fernandez"], b["gould_fernandez_z"]
        # the roles in kg.analysis.brokerage.ROLES's order, as the counts hold them
        # (importing kg.analysis.brokerage would import networkx for one tuple)
        click.echo("brokerage roles (count, z): " + ", ".join(
            f"{k} {gf[k]} ({_z(gz[k])})" for k in gf if k != "total"))
    for file, why in reasons:
        click.echo(f"identity ({file}): {why}")
    for label, rels in (("out", c["out"]), ("in", c["in"])):
        click.echo(f"relations {label} ({len(rels)}):")
        for r in rels:
            _echo_relation(r, indent="  ")


def _identity_reasons(store: str, card: dict) -> list:
    """Why the documents' mentions of the card's entity are one
    (:func:`kg.store.identity.entity_reasons`); none for a remote store or a graph file."""
    from kg.store.identity import entity_reasons
    from kg.store.backends import open_store

    if "://" in store:
        return []
    opened = open_store(store)
    try:
        return entity_reasons(opened, card["name"], card["type"])
    finally:
        opened.close()


@main.command("search")
@store_option
@graph_option
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many entities.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def search_cmd(store, graph_file, query, limit, as_json) -> None:
    """Entities a name, alias, pinyin or part of one may designate, best first."""
    from kg.analysis.paths import search

    analysed = _analysis(store, graph_file, graph_only=True)
    rows = search(analysed.graph, query, index=analysed.connect_index(), limit=limit)
    if as_json:
        return _echo_json(rows)
    if not rows:
        raise KGError("E501", detail=f"{query!r} matches no entity (tried names, aliases, "
                                     "pinyin and fuzzy matching)")
    for r in rows:
        aliases = f"  ({'、'.join(r['aliases'][:3])})" if r["aliases"] else ""
        click.echo(f"{r['name']}  [{r['type']}, {r['match']}]{aliases}")


# --- viewer -------------------------------------------------------------------

class _ViewCommand(click.Command):
    """``kg view``, whose help names the viewer's node limit (``MAX_NODES``
    in its text) when the help is shown: reading the limit imports the
    viewer and networkx, which every other command would pay for at
    start-up if the help were filled in when this module is imported."""

    def format_help_text(self, ctx, formatter):
        from kg.web.viewer import MAX_NODES

        self.help = self.help.replace("MAX_NODES", f"{MAX_NODES:,}")
        super().format_help_text(ctx, formatter)


@main.command("view", cls=_ViewCommand, help=("""Write an interactive, self-contained HTML page of the graph.

    Opens offline: colours by sector, sizes by broker score, hover for
    evidence, search by name, alias, pinyin or Traditional characters.
    Above MAX_NODES entities it asks you to narrow the view instead.
    A period filter (from year, to year) hides the relations stated outside
    it; --since/--until leave them out of the page.
    """))
@store_option
@graph_option
@click.option("--out", default="graph.html", show_default=True,
              type=click.Path(dir_okay=False), help="HTML file to write.")
@click.option("--around", metavar="NAME", default=None,
              help="Only the entities near this one (name, alias or pinyin).")
@click.option("--hops", default=1, show_default=True, type=click.IntRange(0),
              help="With --around: how many relations away.")
@click.option("--cluster", "cluster_id", type=int, default=None,
              help="Only this cluster (ids as printed by `kg clusters`).")
@click.option("--min-degree", default=0, show_default=True, type=click.IntRange(0),
              help="Only entities with at least this many relations.")
@period_options
def view_cmd(store, graph_file, out, around, hops, cluster_id, min_degree, since, until) -> None:
    from kg.analysis.cache import name_error
    from kg.analysis.paths import NameResolutionError
    from kg.web import viewer

    period = _period(since, until)
    _writable(out)
    analysed = _analysis(store, graph_file, period=period)
    G = analysed.graph
    try:
        # clusters are computed (for a saved projection) only when selecting
        # one, or once the view is known to fit on a page
        cluster = None
        if cluster_id is not None:
            analysed.cluster_result()
            cluster = analysed.cluster_ids()
        view = viewer.select_view(G, around=around, hops=hops, cluster=cluster_id,
                                  clusters=cluster, min_degree=min_degree,
                                  index=analysed.connect_index() if around else None)
        viewer.check_size(view)  # before the costlier scores
        analysed.cluster_result(), analysed.ranked_brokers()
        cluster = analysed.cluster_ids()
        score = analysed.broker_scores()
        parts = [f"around {around} ({hops} hops)" if around else "",
                 f"cluster {cluster_id}" if cluster_id is not None else "",
                 f"degree ≥ {min_degree}" if min_degree else "",
                 str(period) if period else ""]
        title = "Knowledge graph" + (": " + ", ".join(p for p in parts if p)
                                     if any(parts) else "")
        viewer.write_view(view, out, cluster=cluster, score=score, title=title)
    except KGError:
        raise
    except NameResolutionError as exc:
        raise name_error(exc, period) from None
    except KeyError as exc:
        raise KGError("E501", detail=exc.args[0]) from None
    except OSError as exc:
        raise KGError("E401", path=out, detail=exc.strerror or str(exc)) from None
    click.echo(f"{plural(view.number_of_nodes(), 'entity', 'entities')}, "
               f"{plural(view.number_of_edges(), 'relation')} → {out}")



@main.command("report")
@store_option
@period_options
@click.option("--by", "by", type=click.Choice(["year", "quarter"], case_sensitive=False),
              default="year", show_default=True, help="The periods of the scoreboard, "
              "rank moves, cluster tracking and bursts.")
@click.option("--focus", multiple=True, metavar="ENTITY",
              help="An entity to describe (repeat; default: the top universities).")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="HTML file to write (one self-contained page).")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False), default=None,
              help="Also print the page to this PDF (headless Chromium).")
def report_cmd(store, since, until, by, focus, out, pdf_file) -> None:
    """A report to hand on: scoreboard, brokers, clusters, bursts, focus entities."""
    from kg.analysis.cache import name_error
    from kg.analysis.paths import NameResolutionError
    from kg.report import write_report

    period = _period(since, until)
    for path in (out, pdf_file):
        if path:
            _writable(path)
    try:
        with _open(store) as opened:
            done = write_report(opened, out, pdf=pdf_file, period=period, by=by.lower(),
                                focus=focus, on_load=_loaded)
    except NameResolutionError as exc:
        raise name_error(exc, period) from None
    except OSError as exc:
        raise KGError("E401", path=out, detail=exc.strerror or str(exc)) from None
    click.echo(f"{plural(len(done['periods']), by.lower())}, "
               f"{plural(done['statements'], 'statement')} → {out}"
               + (f", {pdf_file}" if pdf_file else ""))


@main.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL updates at /sparql (refused by default).")
@click.option("--query-timeout", default=30.0, show_default=True,
              type=click.FloatRange(min=0.1), help="Seconds a SPARQL query may run.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Most rows (or triples) a SPARQL answer holds; longer ones are cut.")
@click.option("--max-bytes", default=32 << 20, show_default=True, type=click.IntRange(min=1024),
              help="Most bytes a SPARQL answer holds; larger ones are cut (X-KG-Truncated says so).")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Let pages of this web origin (e.g. https://yasgui.triply.cc) read "
                   "/sparql answers from a browser; repeat for several (none by default).")
@click.option("--allow-federation", is_flag=True,
              help="Let queries use SERVICE and updates LOAD, which fetch from the "
                   "addresses they name (refused by default: no query opens a connection).")
def serve_cmd(store, host, port, allow_update, query_timeout, max_rows, max_bytes, cors_origins,
              allow_federation) -> None:
    """Explore the store in the browser, with a JSON API and a SPARQL endpoint.

    Serves http://HOST:PORT/ (search, entity cards, who connects, brokers,
    clusters, a SPARQL box), /api/… (the JSON of the --json options) and
    /sparql (SPARQL 1.1 Protocol, read-only unless --allow-update).
    """
    from kg.web.app import serve

    serve(store, host, port, allow_update=allow_update, query_timeout=query_timeout,
          max_rows=max_rows, max_bytes=max_bytes, cors_origins=cors_origins,
          allow_federation=allow_federation,
          echo=lambda text: click.echo(text, err=True))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
