"""Byte-identical outputs before and after a change that must not change them.

What
----
Runs the ``kg`` commands whose outputs a behaviour-preserving change must
keep, and either records those outputs to a folder (``--record DIR``) or
compares a fresh run with a recorded folder (``--compare DIR``):

- ``kg extract`` on each corpus (the seed articles; with ``--corpus`` also
  the development folders) → ``extract-NAME/{documents,entities,relations}.jsonl``;
- ``kg build`` of the seeds, exported as N-Quads with its lines sorted
  (``seeds-build.nq``), so the order in which the store lists its quads
  does not count;
- on that store, ``--json`` of ``kg brokers``, ``kg clusters``, ``kg show``
  (a few entities), ``kg connect`` (a pair), ``kg search``, ``kg stats``
  and ``kg timeline``.

Every command runs in a fresh working folder into which the input folder
is copied under its own name, and is given relative paths only, so the
outputs do not depend on where the repository or the corpus lives.

Why
---
The redesign of issue 24 moves and rewrites modules without changing what
the tool says; this is the check that it does not.

Example
-------
::

    .venv/bin/python bench/identical.py --record /tmp/before --corpus seeds dev dev2
    .venv/bin/python bench/identical.py --compare /tmp/before --corpus seeds dev dev2
    .venv/bin/python bench/identical.py --compare tests/data/identical   # seeds only
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

#: Corpus name → folder of articles.  The seeds are the repository's own.
CORPORA = {"seeds": ROOT / "seeds", "dev": SHARED / "dev", "dev2": SHARED / "dev2"}

#: Entities of the seed articles shown with ``kg show`` (the last is a
#: prefix of several names: the error that says so is recorded), and the
#: pair given to ``kg connect``.
SHOW = ["陕西理工大学", "清远高新区", "西安交通大学", "西安交通大"]
CONNECT = ("陕西理工大学", "清远高新区")

#: A fixed string hash: burt's constraint sums floats in set order, whose
#: last digit would otherwise change from run to run.
_ENV = {**os.environ, "PYTHONHASHSEED": "0"}

#: Runs the command line of the installed ``kg`` in this interpreter.
_KG = "import sys; sys.argv[0] = 'kg'; from kg.cli import main; main()"


def kg(args: list[str], cwd: Path, *, may_fail: bool = False) -> bytes:
    """Standard output of ``kg ARGS`` run in CWD; raises if it fails, unless
    MAY_FAIL, when a failure's output is its exit status and standard error."""
    done = subprocess.run([sys.executable, "-c", _KG, *args], cwd=cwd, env=_ENV,
                          capture_output=True, check=False)
    if done.returncode in (0, 1):
        return done.stdout
    if may_fail:
        return b"exit %d\n%s" % (done.returncode, done.stderr)
    raise SystemExit(f"kg {' '.join(args)} failed ({done.returncode}): "
                     f"{done.stderr.decode(errors='replace').strip()}")


def _copy(name: str, work: Path) -> None:
    """The corpus NAME copied into WORK/NAME (its text files only)."""
    shutil.copytree(CORPORA[name], work / name,
                    ignore=shutil.ignore_patterns("gold", "SOURCES.tsv"))


def run(out: Path, corpora: list[str]) -> None:
    """Write every recorded output of CORPORA (and of the seeds store) to OUT."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kg-identical-") as tmp:
        work = Path(tmp)
        for name in corpora:
            _copy(name, work)
            kg(["extract", name, "--out", f"extract-{name}"], work)
            target = out / f"extract-{name}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(work / f"extract-{name}", target)
        if "seeds" not in corpora:
            return
        kg(["build", "seeds", "--store", "store", "--quiet"], work)
        quads = kg(["export", "--store", "store", "--format", "nq"], work)
        (out / "seeds-build.nq").write_bytes(b"".join(sorted(quads.splitlines(True))))
        queries = {
            "brokers": ["brokers", "--json"],
            "clusters": ["clusters", "--json"],
            "stats": ["stats", "--json"],
            "search": ["search", "大学", "--json"],
            "timeline": ["timeline", SHOW[0], "--json"],
            "connect": ["connect", *CONNECT, "--json"],
            **{f"show-{i}": ["show", name, "--json"] for i, name in enumerate(SHOW)},
        }
        for name, args in queries.items():
            (out / f"seeds-{name}.json").write_bytes(kg([*args, "--store", "store"], work, may_fail=True))


def differences(recorded: Path, fresh: Path, corpora: list[str]) -> list[str]:
    """Names of the files of the recorded run that FRESH lacks or writes differently."""
    wanted = [p for p in sorted(recorded.rglob("*")) if p.is_file()
              and (p.parent.name.removeprefix("extract-") in corpora
                   or p.parent == recorded and "seeds" in corpora)]
    return [str(p.relative_to(recorded)) for p in wanted
            if not (fresh / p.relative_to(recorded)).is_file()
            or not filecmp.cmp(p, fresh / p.relative_to(recorded), shallow=False)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--record", type=Path, metavar="DIR", help="Write the outputs to DIR.")
    mode.add_argument("--compare", type=Path, metavar="DIR",
                      help="Compare a fresh run with the outputs recorded in DIR.")
    parser.add_argument("--corpus", nargs="+", choices=sorted(CORPORA), default=["seeds"],
                        help="Corpora to extract (default: seeds; the store is built from seeds).")
    args = parser.parse_args(argv)
    if args.record:
        run(args.record, args.corpus)
        print(f"recorded to {args.record}")
        return 0
    with tempfile.TemporaryDirectory(prefix="kg-identical-now-") as fresh:
        run(Path(fresh), args.corpus)
        changed = differences(args.compare, Path(fresh), args.corpus)
    for name in changed:
        print(f"differs: {name}")
    print("identical" if not changed else f"{len(changed)} file(s) differ")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
